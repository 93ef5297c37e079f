"""The feuille d'émargement printed before a meeting: one row to sign per convened person."""
from __future__ import annotations

from docx.document import Document
from docx.shared import Cm

from app.documents.word import WordWriter
from app.formatting import long_date, time_range, to_paris
from app.models import Capacity, Invitation, Meeting

SIGN_IN_HEADER = ("NOMS", "QUALITÉ", "TITULAIRE / SUPPLÉANT", "SIGNATURE")
# 17 cm: the width between the 2 cm margins of an A4 portrait page.
SIGN_IN_WIDTHS = (Cm(5.5), Cm(5), Cm(2.8), Cm(3.7))
SIGNATURE_ROW_HEIGHT = Cm(1.2)


def seat_label(invitation: Invitation, meeting: Meeting) -> str:
    """« Titulaire » or « Suppléant » from the person's membership of the body on the meeting day;
    for people who are not members, the capacity they come in (ARS, guest)."""
    day = to_paris(meeting.starts_at).date()
    for membership in invitation.person.memberships:
        if membership.body_id == meeting.body_id and membership.is_current(day):
            return membership.seat.label
    return "" if invitation.capacity is Capacity.MEMBER else invitation.capacity.label


def build_sign_in_sheet(meeting: Meeting) -> Document:
    """The sign-in sheet of ``meeting`` (loaded with ``load_meeting_for_sign_in_sheet``), sorted by name."""
    body = meeting.body
    writer = WordWriter(title=f"Feuille d'émargement — {meeting.title}", organisation=body.organisation,
                        header_lines=[body.name])
    writer.title("Feuille d'émargement")
    writer.paragraph(body.name, bold=True)
    writer.paragraph(meeting.title)
    writer.paragraph(f"Date : {long_date(meeting.starts_at)}, {time_range(meeting.starts_at, meeting.ends_at)}")
    if meeting.place:
        writer.paragraph(f"Lieu : {meeting.place}")
    if not meeting.invitations:
        writer.paragraph("Aucune personne n'est convoquée à cette séance.")
        return writer.document
    invitations = sorted(meeting.invitations, key=lambda invitation: invitation.person.sort_key)
    rows = [
        (invitation.person.formal_name, invitation.title, seat_label(invitation, meeting), "")
        for invitation in invitations
    ]
    writer.table(SIGN_IN_HEADER, rows, SIGN_IN_WIDTHS, row_height=SIGNATURE_ROW_HEIGHT)
    return writer.document

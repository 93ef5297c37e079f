"""The feuille d'émargement printed before a meeting: one row to sign per convened person, a
« pouvoir donné à » column, blank rows for unexpected attendees, the ARS staff in their own block."""
from __future__ import annotations

from docx.document import Document
from docx.shared import Cm

from app.documents.word import CANCELLED_MARK, WordWriter
from app.formatting import long_date, time_range, to_paris
from app.models import Capacity, Invitation, InvitationResponse, Meeting

SIGN_IN_HEADER = ("NOMS", "QUALITÉ", "TITULAIRE / SUPPLÉANT", "POUVOIR DONNÉ À", "SIGNATURE")
# 17 cm: the width between the 2 cm margins of an A4 portrait page; 6 cm to sign in.
SIGN_IN_WIDTHS = (Cm(4.0), Cm(2.5), Cm(2.5), Cm(2.0), Cm(6.0))
STAFF_HEADER = ("NOMS", "FONCTION", "SIGNATURE")
STAFF_WIDTHS = (Cm(5.0), Cm(6.0), Cm(6.0))
SIGNATURE_ROW_HEIGHT = Cm(1.2)
BLANK_ROWS = 5  # for the people nobody expected (a suppléant come in place, a guest)


def seat_label(invitation: Invitation, meeting: Meeting) -> str:
    """« Titulaire » or « Suppléant » from the person's membership of the body on the meeting day;
    for people who are not members, the capacity they come in (ARS, guest)."""
    day = to_paris(meeting.starts_at).date()
    for membership in invitation.person.memberships:
        if membership.body_id == meeting.body_id and membership.is_current(day):
            return membership.seat.label
    return "" if invitation.capacity is Capacity.MEMBER else invitation.capacity.label


def proxy_given_to(invitation: Invitation) -> str:
    """The member who holds the person's pouvoir, as they answered the convocation."""
    if invitation.response is InvitationResponse.PROXY and invitation.proxy_holder is not None:
        return invitation.proxy_holder.formal_name
    return ""


def build_sign_in_sheet(meeting: Meeting) -> Document:
    """The sign-in sheet of ``meeting`` (loaded with ``load_meeting_for_sign_in_sheet``), sorted by name."""
    body = meeting.body
    writer = WordWriter(title=f"Feuille d'émargement — {meeting.title}", organisation=body.organisation,
                        header_lines=[body.name],
                        subject=f"Feuille d'émargement de la séance du {long_date(meeting.starts_at)} — {body.name}")
    writer.title("Feuille d'émargement")
    if meeting.is_cancelled:
        writer.paragraph(CANCELLED_MARK, bold=True)
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
        (invitation.person.formal_name, invitation.title, seat_label(invitation, meeting), proxy_given_to(invitation),
         "")
        for invitation in invitations if invitation.capacity is not Capacity.ARS_STAFF
    ]
    rows += [("",) * len(SIGN_IN_HEADER)] * BLANK_ROWS
    writer.table(SIGN_IN_HEADER, rows, SIGN_IN_WIDTHS, row_height=SIGNATURE_ROW_HEIGHT)
    staff = [invitation for invitation in invitations if invitation.capacity is Capacity.ARS_STAFF]
    if staff:
        writer.heading("Personnes présentes au titre de l'Agence Régionale de Santé", 2)
        writer.table(STAFF_HEADER, [(invitation.person.formal_name, invitation.title, "") for invitation in staff],
                     STAFF_WIDTHS, row_height=SIGNATURE_ROW_HEIGHT)
    return writer.document

"""The attestation de présence a member asks for to be reimbursed of travel costs, and the CSV of
in-person attendance the accountant reads: pure functions of a meeting loaded for display. Each present
person's mode (on site or by visio) is ``app.meetings.participation.participation_mode``."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from docx.document import Document

from app.documents.word import WordWriter
from app.formatting import long_date, plain_date, time_range, to_paris
from app.meetings.participation import participation_mode
from app.models import Attendance, AttendanceStatus, Capacity, Meeting, ParticipationMode, utc_now

CSV_HEADER = ("Instance", "Date", "Horaires", "Lieu", "Civilité", "Nom", "Prénom", "Qualité", "Au titre de", "Mode")
# A cell a spreadsheet would run as a formula (« =HYPERLINK(…) » typed as a qualité) is read as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def certified_attendances(meeting: Meeting) -> list[Attendance]:
    """Who may get an attestation: members and guests recorded present (not the ARS staff), at a meeting
    that took place (never a cancelled one, nor one not begun: the attestation says « a participé »)."""
    if not meeting.has_taken_place:
        return []
    return sorted((attendance for attendance in meeting.attendances
                   if attendance.status is AttendanceStatus.PRESENT and attendance.capacity is not Capacity.ARS_STAFF),
                  key=lambda attendance: attendance.person.sort_key)


def build_attendance_certificate(meeting: Meeting, attendance: Attendance, now: datetime | None = None) -> Document:
    """The attestation de présence of ``attendance`` (a present person) at ``meeting``."""
    body, person = meeting.body, attendance.person
    organisation = body.organisation
    writer = WordWriter(title=f"Attestation de présence — {person.display_name}", organisation=organisation,
                        header_lines=[body.name],
                        subject=f"Attestation de présence à la séance du {long_date(meeting.starts_at)} — {body.name}")
    writer.title("Attestation de présence")
    mode = participation_mode(attendance, meeting).label
    writer.paragraph(f"{organisation.name} atteste que {person.display_name}"
                     + (f", {attendance.title}," if attendance.title else "")
                     + f" a participé {mode} à la séance suivante :", typed=True)
    writer.paragraph(f"Instance : {body.name}")
    writer.paragraph(f"Séance : {meeting.title}")
    writer.paragraph(f"Date : {long_date(meeting.starts_at)}")
    writer.paragraph(f"Horaires : {time_range(meeting.starts_at, meeting.ends_at)}")
    if meeting.place.strip():
        writer.paragraph(f"Lieu : {meeting.place}")
    writer.paragraph(f"Mode de participation : {mode}")
    writer.paragraph("")
    writer.paragraph("Attestation établie pour servir et valoir ce que de droit, notamment pour le remboursement "
                     "des frais de déplacement.")
    writer.paragraph(f"Fait le {plain_date(to_paris(now or utc_now()))}.")
    return writer.document


def spreadsheet_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def in_person_attendance_csv(meetings: Sequence[Meeting]) -> str:
    """One line per person present on site (members and guests), « ; »-separated with a BOM so that a
    French spreadsheet opens it as it is: nobody of a meeting held by visio only, and of a meeting held both
    ways only the people recorded on site."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for meeting in meetings:
        for attendance in certified_attendances(meeting):
            mode = participation_mode(attendance, meeting)
            if mode is not ParticipationMode.ON_SITE:
                continue
            person = attendance.person
            writer.writerow([spreadsheet_text(value) for value in (
                meeting.body.name, to_paris(meeting.starts_at).strftime("%d/%m/%Y"),
                time_range(meeting.starts_at, meeting.ends_at), meeting.place, person.civility.value,
                person.last_name.upper(), person.first_name, attendance.title, attendance.capacity.label, mode.label)])
    return buffer.getvalue()

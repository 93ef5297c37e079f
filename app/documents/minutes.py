"""The compte rendu of a meeting, laid out as seed 004: a pure function of the meeting."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from docx.document import Document
from docx.shared import Cm

from app.documents.queries import MinutesMeeting, minutes_view
from app.documents.word import CANCELLED_MARK, WordWriter
from app.dossier.minutes import add_dossier_annexes
from app.formatting import alphabetical_key, long_date, time_range
from app.meetings.outline import deadline_outline
from app.meetings.page import AttendanceRow, PointLine
from app.meetings.second_convocation import second_convocation_notice
from app.models import Civility, Meeting
from app.votes.documents import add_votes_record

ATTENDANCE_HEADER = ("NOMS", "QUALITÉ")
ATTENDANCE_WIDTHS = (Cm(7), Cm(10))
# « représenté » agrees with the civility of the person represented.
REPRESENTED = {Civility.MR: "représenté", Civility.MRS: "représentée"}


def build_minutes(meeting: Meeting | MinutesMeeting, *, draft: bool = True, quorum_statement: str = "",
                  presiding: str = "", convocations: str = "", validation: str = "") -> Document:
    """The compte rendu of ``meeting`` as ``minutes_view`` reads it (``load_meeting_for_minutes`` loads it so).

    A draft says « PROJET » on every page; validation builds it once more with ``draft=False`` and
    the ``validation`` line (« Compte rendu validé le … par … »). ``quorum_statement``,
    ``presiding`` and ``convocations`` (when they were sent) come from
    ``documents.workflow.minutes_facts``, frozen at validation. Sections with nothing to say are
    left out.
    """
    meeting = minutes_view(meeting)
    body = meeting.body
    writer = WordWriter(title=f"Compte rendu — {meeting.title}", organisation=body.organisation,
                        header_lines=[body.name], draft=draft,
                        subject=f"Compte rendu de la séance du {long_date(meeting.starts_at)} — {body.name}")
    _add_header_block(writer, meeting, presiding, validation)
    _add_quorum(writer, meeting, convocations, quorum_statement)
    add_votes_record(writer, meeting)
    _add_context(writer, meeting)
    _add_round_table(writer, meeting)
    _add_deadlines(writer, meeting)
    _add_attendance(writer, meeting)
    add_dossier_annexes(writer, meeting)
    return writer.document


def _add_header_block(writer: WordWriter, meeting: Meeting, presiding: str, validation: str) -> None:
    """Title (« Séance annulée » under it for a cancelled meeting), body, « Compte rendu de la séance du
    jeudi 28 mai 2020 », hours, place or visio, presiding person, ordre du jour; the validation line once
    validated."""
    writer.title(meeting.title, typed=True)
    if meeting.is_cancelled:
        writer.paragraph(CANCELLED_MARK, bold=True)
    writer.paragraph(f"Compte rendu de la séance du {long_date(meeting.starts_at)}", bold=True)
    writer.paragraph(f"Instance : {meeting.body.name}")
    writer.paragraph(f"Horaires : {time_range(meeting.starts_at, meeting.ends_at)}")
    writer.paragraph(meeting_place_line(meeting))
    if presiding:
        writer.paragraph(f"Présidence : {presiding}")
    if meeting.agenda_items:
        writer.paragraph("Ordre du jour :", bold=True)
        for item in meeting.agenda_items:  # numbered: the relevé des avis names each item by its number
            writer.numbered(item.title, typed=True)
    if validation:
        writer.paragraph(validation, bold=True)


def meeting_place_line(meeting: Meeting) -> str:
    """« Lieu : … », with « et en visioconférence » when a visio link is given too."""
    place = meeting.place.strip()
    if not place:
        return "Lieu : visioconférence" if meeting.visio_url else "Lieu : non précisé"
    return f"Lieu : {place}" + (" et en visioconférence" if meeting.visio_url and "visio" not in place.lower() else "")


def _add_quorum(writer: WordWriter, meeting: Meeting, convocations: str, quorum_statement: str) -> None:
    """The second-convocation notice, when the convocations went out, and the quorum sentence (the
    relevé des avis follows them)."""
    if meeting.is_second_convocation:
        writer.paragraph(second_convocation_notice(meeting), bold=True)
    if convocations:
        writer.paragraph(convocations)
    if quorum_statement:
        writer.paragraph(quorum_statement)


def _add_context(writer: WordWriter, meeting: Meeting) -> None:
    writer.text(meeting.context)
    if meeting.working_method.strip():
        writer.heading("Méthode de travail retenue", 1)
        writer.text(meeting.working_method)


def _add_round_table(writer: WordWriter, meeting: MinutesMeeting) -> None:
    """The sections holding points (``meeting.sections``), each point with its speaker and its sub-points."""
    if not meeting.sections and not meeting.round_table_conclusion.strip():
        return
    writer.heading("Tour de table des participants", 1)
    for section in meeting.sections:
        writer.heading(section.title, 2, typed=True)
        _add_point_lines(writer, section.top_level_points)
    writer.text(meeting.round_table_conclusion)


def _add_point_lines(writer: WordWriter, points: list[PointLine], level: int = 1) -> None:
    for point in points:
        writer.bullet(point.text, level, italic_suffix=f" ({point.speaker_name})" if point.speaker_name else "",
                      typed=True)
        _add_point_lines(writer, point.children, level + 1)


def _add_deadlines(writer: WordWriter, meeting: Meeting) -> None:
    """The échéances as the outline groups them. A line is the secretariat's title (and the « : » closing a
    group's, as the seed writes it) with a date that has no mark to space: typeset as typed text."""
    lines = deadline_outline(meeting.deadlines)
    if not lines:
        return
    writer.heading("Prochaines échéances", 1)
    for line in lines:
        writer.bullet(line.text, 1, typed=True)
        for child in line.children:
            writer.bullet(child, 2)


def _add_attendance(writer: WordWriter, meeting: MinutesMeeting) -> None:
    present, represented, excused = meeting.members_present, meeting.members_represented, meeting.members_excused
    absent, guests, staff = meeting.members_absent, meeting.guests_present, meeting.staff_present
    if not any((present, represented, excused, absent, guests, staff)):
        return
    writer.heading("Participants", 1)
    for heading, attendances, name in (("Étaient présents", present, formal_name),
                                       ("Étaient représentés", represented, represented_name),
                                       ("Étaient excusés", excused, formal_name),
                                       ("Étaient absents", absent, formal_name)):
        _attendance_tables(writer, heading, attendances, name)
    _attendance_list(writer, "Assistaient également", guests)
    _attendance_list(writer, "Personnes présentes au titre de l'Agence Régionale de Santé", staff)


def formal_name(attendance: AttendanceRow) -> str:
    return attendance.person.formal_name


def represented_name(attendance: AttendanceRow) -> str:
    """« Mme LEFÈVRE Anne, représentée par M. NGUYEN Paul »."""
    person = attendance.person
    if attendance.represented_by is None:
        return person.formal_name
    return f"{person.formal_name}, {REPRESENTED[person.civility]} par {attendance.represented_by.formal_name}"


def by_college(attendances: list[AttendanceRow]) -> list[tuple[str, list[AttendanceRow]]]:
    """The attendances sorted by name, grouped by the collège of their seat on the meeting day (in the order
    of their names, those without a collège last); one group named '' when no collège is set."""
    groups: dict[str, list[AttendanceRow]] = defaultdict(list)
    for attendance in sorted(attendances, key=lambda attendance: attendance.person.sort_key):
        groups[attendance.college].append(attendance)
    return sorted(groups.items(), key=lambda group: (group[0] == "", alphabetical_key(group[0])))


def _attendance_tables(writer: WordWriter, heading: str, attendances: list[AttendanceRow],
                       name: Callable[[AttendanceRow], str]) -> None:
    """A heading, then one table sorted by name, or one per collège (Heading 3) when collèges are set."""
    if not attendances:
        return
    writer.heading(heading, 2)
    groups = by_college(attendances)
    for college, members in groups:
        if college or len(groups) > 1:
            writer.heading(college or "Autres membres", 3, typed=True)
        writer.table(ATTENDANCE_HEADER, [(name(attendance), attendance.title) for attendance in members],
                     ATTENDANCE_WIDTHS)


def _attendance_list(writer: WordWriter, heading: str, attendances: list[AttendanceRow]) -> None:
    """« M. Prénom NOM, qualité », one list item each, as seed 004 lists the ARS staff."""
    if not attendances:
        return
    writer.heading(heading, 2)
    for attendance in attendances:
        writer.bullet(", ".join(part for part in (attendance.person.display_name, attendance.title) if part),
                      typed=True)

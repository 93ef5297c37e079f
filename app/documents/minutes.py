"""The compte rendu of a meeting, laid out as seed 004: a pure function of the meeting."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from docx.document import Document
from docx.shared import Cm

from app.documents.word import WordWriter
from app.formatting import plain_date
from app.meetings.outline import deadline_outline
from app.meetings.second_convocation import second_convocation_notice
from app.models import Attendance, Meeting, RoundTablePoint
from app.votes.documents import add_votes_record

ATTENDANCE_HEADER = ("NOMS", "QUALITÉ")
ATTENDANCE_WIDTHS = (Cm(7), Cm(10))


def build_minutes(meeting: Meeting, *, draft: bool = True, quorum_statement: str = "") -> Document:
    """The compte rendu of ``meeting`` (loaded with ``load_meeting_for_display``).

    A draft says « PROJET » on every page; validation builds it once more with ``draft=False``.
    ``quorum_statement`` is the quorum sentence (``documents.workflow.quorum_statement``), frozen at
    validation. Sections with nothing to say are left out.
    """
    body = meeting.body
    writer = WordWriter(title=f"Compte rendu — {meeting.title}", organisation=body.organisation,
                        header_lines=[body.name], draft=draft)
    writer.title(meeting.title)
    writer.paragraph(f"Date : {plain_date(meeting.starts_at)}", bold=True)
    if meeting.is_second_convocation:
        writer.paragraph(second_convocation_notice(meeting), bold=True)
    if quorum_statement:
        writer.paragraph(quorum_statement)
    writer.text(meeting.context)
    if meeting.working_method.strip():
        writer.heading("Méthode de travail retenue", 1)
        writer.text(meeting.working_method)
    _add_round_table(writer, meeting)
    add_votes_record(writer, meeting)
    _add_deadlines(writer, meeting)
    _add_attendance(writer, meeting)
    return writer.document


def _add_round_table(writer: WordWriter, meeting: Meeting) -> None:
    sections = [section for section in meeting.sections if section.points]
    if not sections and not meeting.round_table_conclusion.strip():
        return
    writer.heading("Tour de table des participants", 1)
    for section in sections:
        writer.heading(section.title, 2)
        children = points_by_parent(section.points)
        add_points(writer, children[None], children)
    writer.text(meeting.round_table_conclusion)


def points_by_parent(points: list[RoundTablePoint]) -> dict[int | None, list[RoundTablePoint]]:
    """The point tree of a section, rebuilt from ``section.points`` (all levels, already loaded)
    rather than from ``point.children``, which would query once per point."""
    children: dict[int | None, list[RoundTablePoint]] = defaultdict(list)
    for point in points:
        children[point.parent_id].append(point)
    return children


def speaker_suffix(point: RoundTablePoint) -> str:
    return f" ({point.speaker.display_name})" if point.speaker is not None else ""


def add_points(writer: WordWriter, points: list[RoundTablePoint],
               children: dict[int | None, list[RoundTablePoint]], level: int = 1,
               suffix: Callable[[RoundTablePoint], str] = speaker_suffix) -> None:
    """``points`` as list items at ``level``, their sub-points one list level deeper."""
    for point in points:
        writer.bullet(point.text, level, italic_suffix=suffix(point))
        add_points(writer, children.get(point.id, []), children, level + 1, suffix)


def _add_deadlines(writer: WordWriter, meeting: Meeting) -> None:
    lines = deadline_outline(meeting.deadlines)
    if not lines:
        return
    writer.heading("Prochaines échéances", 1)
    for line in lines:
        writer.bullet(line.text, 1)
        for child in line.children:
            writer.bullet(child, 2)


def _add_attendance(writer: WordWriter, meeting: Meeting) -> None:
    present, represented, excused = meeting.members_present, meeting.members_represented, meeting.members_excused
    guests, staff = meeting.guests_present, meeting.staff_present
    if not any((present, represented, excused, guests, staff)):
        return
    writer.heading("Participants", 1)
    _attendance_table(writer, "Étaient présents", present, lambda attendance: attendance.person.formal_name)
    _attendance_table(
        writer, "Étaient représentés", represented,
        lambda attendance: attendance.person.formal_name + (
            f", représenté(e) par {attendance.represented_by.formal_name}" if attendance.represented_by else ""
        ),
    )
    _attendance_table(writer, "Étaient excusés", excused, lambda attendance: attendance.person.formal_name)
    _attendance_list(writer, "Assistaient également", guests)
    _attendance_list(writer, "Personnes présentes au titre de l'Agence Régionale de Santé", staff)


def _attendance_table(writer: WordWriter, heading: str, attendances: list[Attendance], name) -> None:
    if not attendances:
        return
    writer.heading(heading, 2)
    writer.table(ATTENDANCE_HEADER, [(name(attendance), attendance.title) for attendance in attendances],
                 ATTENDANCE_WIDTHS)


def _attendance_list(writer: WordWriter, heading: str, attendances: list[Attendance]) -> None:
    """« M. Prénom NOM, qualité », one list item each, as seed 004 lists the ARS staff."""
    if not attendances:
        return
    writer.heading(heading, 2)
    for attendance in attendances:
        writer.bullet(", ".join(part for part in (attendance.person.display_name, attendance.title) if part))

"""How a meeting's deadlines read in French, shared by the meeting page and the documents."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from app.formatting import clock_time, long_date
from app.models import Deadline


@dataclass
class OutlineLine:
    text: str
    children: list[str] = field(default_factory=list)


def deadline_when(deadline: Deadline) -> str:
    """« le mardi 9 juin 2020 à 10h30 », or « le samedi 20 juin 2020 » for an all-day deadline;
    « (annulée) » after a next meeting that was cancelled. A next meeting's date is kept equal to
    the meeting's own (``app/calendar/sequence.py``)."""
    when = f"le {long_date(deadline.due_date)}"
    if deadline.due_at is not None:
        when += f" à {clock_time(deadline.due_at)}"
    if deadline.announced_meeting is not None and deadline.announced_meeting.is_cancelled:
        when += " (annulée)"
    return when


def shown_deadlines(deadlines: list[Deadline]) -> list[Deadline]:
    """Deadlines minus the announcements of meetings deleted to the bin."""
    return [deadline for deadline in deadlines
            if deadline.announced_meeting is None or deadline.announced_meeting.deleted_at is None]


def deadline_outline(deadlines: list[Deadline]) -> list[OutlineLine]:
    """Consecutive deadlines with the same title become one line with a sub-line per date,
    as in seed 004 (« Réunions du groupe de travail : le 09/06 à 10h30, le 16/06… »)."""
    lines = []
    for title, group in groupby(shown_deadlines(deadlines), key=lambda deadline: deadline.title):
        group = list(group)
        if len(group) == 1:
            lines.append(OutlineLine(f"{title} {deadline_when(group[0])}"))
        else:
            lines.append(OutlineLine(f"{title} :", [deadline_when(d).capitalize() for d in group]))
    return lines

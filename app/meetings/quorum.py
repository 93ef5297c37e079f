"""Quorum of a meeting: voting seats filled against the body's rule (a setting of each body)."""
from __future__ import annotations

from dataclasses import dataclass

from app.meetings.roster import RosterEntry, build_roster
from app.models import AttendanceStatus, Body, Meeting


@dataclass(frozen=True)
class QuorumStatus:
    voting_members: int
    counted: int
    required: int
    reached: bool

    @property
    def label(self) -> str:
        """« Quorum atteint : 12 membres sur 14 (8 requis) »; the attendance script writes the same text."""
        state = "Quorum atteint" if self.reached else "Quorum non atteint"
        return f"{state} : {self.counted} membre{'s' if self.counted > 1 else ''} sur {self.voting_members} ({self.required} requis)"


def count_quorum(body: Body, entries: list[RosterEntry]) -> QuorumStatus:
    """A seat counts when its holder or a suppléant sharing it is present, or when the holder is
    represented and the body counts represented members."""
    seats = {entry.seat_id for entry in entries if entry.seat_id is not None}
    filled = set()
    for entry in entries:
        if entry.seat_id is None:
            continue
        if entry.status is AttendanceStatus.PRESENT or (
            entry.is_seat_holder and entry.status is AttendanceStatus.REPRESENTED and body.quorum_counts_represented
        ):
            filled.add(entry.seat_id)
    required = body.quorum_required(len(seats))
    return QuorumStatus(voting_members=len(seats), counted=len(filled), required=required,
                        reached=len(filled) >= required)


def quorum_status(meeting: Meeting) -> QuorumStatus:
    """The quorum of a meeting as recorded (or forecast by the convocation answers)."""
    return count_quorum(meeting.body, build_roster(meeting))

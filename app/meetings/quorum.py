"""Quorum of a meeting: the voting seats in office filled, against the body's rule (a setting of each body).

The base is the voting seats held on the meeting day (titulaires in office), not the convened list.
A seat is filled by a member present: its titulaire, or a suppléant sitting in their place (also in
bodies that count presents only); else it counts as represented when its titulaire gave a pouvoir to
another titulaire in office who sits and the body counts represented members. A second convocation needs
no quorum (D.1432-50).
``app/static/js/attendance.js`` applies the same rule live on the attendance sheet.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.bodies.composition import Composition, quorum_composition
from app.meetings.roster import RosterEntry, build_roster, meeting_day
from app.meetings.second_convocation import sits_without_quorum
from app.models import AttendanceStatus, Body, Meeting


@dataclass(frozen=True)
class QuorumStatus:
    voting_members: int  # voting seats in office on the meeting day: the base
    present: int  # seats filled by a member present (a suppléant sitting for their titulaire included)
    represented: int  # other seats whose titulaire gave a pouvoir, where the body counts them (else 0)
    required: int  # 0 on a second convocation
    counts_represented: bool = True
    second_convocation: bool = False

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def reached(self) -> bool:
        """The body may deliberate: quorum reached, or a second convocation."""
        return self.counted >= self.required

    @property
    def label(self) -> str:
        """« Quorum atteint : 12 membres sur 14 (7 requis) »; the attendance script writes the same text."""
        if self.second_convocation:
            return (f"Seconde convocation, aucun quorum requis : {members(self.counted)} "
                    f"sur {self.voting_members}")
        state = "Quorum atteint" if self.reached else "Quorum non atteint"
        return f"{state} : {members(self.counted)} sur {self.voting_members} ({self.required} requis)"

    @property
    def sentence(self) -> str:
        """The compte rendu's sentence: « Le quorum étant atteint (52 membres présents ou représentés sur
        100), la séance est ouverte. », or why the body could not, or need not, reach it."""
        count = f"{members(self.counted)} {attending(self.counted, self.counts_represented)} sur {self.voting_members}"
        if self.second_convocation:
            return ("Sur seconde convocation, l'instance délibère valablement quel que soit le nombre de "
                    f"présents ({count}).")
        if self.reached:
            return f"Le quorum étant atteint ({count}), la séance est ouverte."
        return (f"Le quorum n'étant pas atteint ({count}, {self.required} requis), l'instance ne peut pas "
                "délibérer valablement.")


def members(count: int) -> str:
    return f"{count} membre{'s' if count > 1 else ''}"


def attending(count: int, counts_represented: bool) -> str:
    plural = "s" if count > 1 else ""
    return f"présent{plural} ou représenté{plural}" if counts_represented else f"présent{plural}"


DECLINED = (AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)
# Who does not sit: a pouvoir given to them fills no seat (no chain of pouvoirs, D.1432-50).
NOT_SITTING = (*DECLINED, AttendanceStatus.REPRESENTED)


def count_quorum(body: Body, entries: Iterable[RosterEntry], seats_in_office: int,
                 second_convocation: bool = False) -> QuorumStatus:
    """The quorum of ``entries`` (with the statuses they carry) over ``seats_in_office`` voting seats."""
    entries = list(entries)
    # Before the sitting, statuses are forecast from the answers: a suppléant or a pouvoir's holder who
    # answered « excusé », or a holder who gave their own pouvoir since, fills no seat (on a recorded sheet,
    # ``representation_errors`` refuses that).
    declined = {entry.person.id for entry in entries if entry.status in NOT_SITTING}
    # A pouvoir is held by another titulaire in office who sits (D.1432-50): not by someone whose mandate has
    # ended, nor by nobody (« représenté » without a representative).
    holders = {entry.person.id for entry in entries if entry.is_seat_holder and entry.status not in NOT_SITTING}
    present: set[int] = set()
    represented: set[int] = set()
    for entry in entries:
        if entry.seat_id is None:
            continue
        if entry.status is AttendanceStatus.PRESENT:
            present.add(entry.seat_id)
        elif entry.status is AttendanceStatus.REPRESENTED and entry.is_seat_holder:
            if entry.represented_by_id in declined:
                continue
            if entry.represented_by_id in entry.substitute_ids:
                present.add(entry.seat_id)  # their suppléant sits: a member present
            elif entry.represented_by_id in holders:
                represented.add(entry.seat_id)
    counted_represented = len(represented - present) if body.quorum_counts_represented else 0
    required = 0 if second_convocation else body.quorum_required(seats_in_office)
    return QuorumStatus(voting_members=seats_in_office, present=len(present), represented=counted_represented,
                        required=required, counts_represented=body.quorum_counts_represented,
                        second_convocation=second_convocation)


def quorum_status(meeting: Meeting, composition: Composition | None = None) -> QuorumStatus:
    """The quorum of a meeting as recorded (or forecast by the convocation answers); ``composition``:
    the body's on the meeting day if read already, else its seats are read (``quorum_composition``)."""
    if composition is None:
        composition = quorum_composition(meeting.body, meeting_day(meeting))
    roster = build_roster(meeting, composition)
    return count_quorum(meeting.body, roster, roster.composition.seats_in_office, sits_without_quorum(meeting))

"""The quorum: voting seats filled against each body's rule (fraction, strictness, minimum, proxies)."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.meetings.quorum import QuorumStatus, quorum_status
from app.models import Attendance, AttendanceStatus, Capacity, Civility, Person, Seat
from tests.meeting_factories import add_member, make_body, make_meeting


def record(meeting, statuses: dict) -> None:
    """``statuses``: membership → status (and representative for « représenté »)."""
    for position, (membership, status) in enumerate(statuses.items(), start=1):
        status, representative = status if isinstance(status, tuple) else (status, None)
        meeting.attendances.append(Attendance(person=membership.person, status=status, position=position,
                                              represented_by=representative, voting=membership.voting))
    db.session.commit()


def body_of(size: int, **settings):
    body = make_body(f"Instance de {size}", **settings)
    members = [add_member(body, f"Membre{index:02d}") for index in range(size)]
    return body, members


@pytest.mark.parametrize("strict, present, required, reached", [
    (True, 7, 8, False),   # more than half of 14: 8
    (True, 8, 8, True),
    (False, 7, 7, True),   # at least half of 14: 7
    (False, 6, 7, False),
])
def test_quorum_strict_or_not(app_context, strict, present, required, reached):
    body, members = body_of(14, quorum_strict=strict)
    meeting = make_meeting(body)
    record(meeting, {m: AttendanceStatus.PRESENT if i < present else AttendanceStatus.EXCUSED
                     for i, m in enumerate(members)})
    assert quorum_status(meeting) == QuorumStatus(voting_members=14, counted=present, required=required,
                                                  reached=reached)


@pytest.mark.parametrize("counts_represented, counted", [(True, 8), (False, 6)])
def test_represented_members_count_only_where_the_body_says_so(app_context, counts_represented, counted):
    body, members = body_of(14, quorum_counts_represented=counts_represented, max_proxies_per_holder=1)
    meeting = make_meeting(body)
    statuses = {m: AttendanceStatus.PRESENT for m in members[:6]}
    statuses[members[6]] = (AttendanceStatus.REPRESENTED, members[0].person)
    statuses[members[7]] = (AttendanceStatus.REPRESENTED, members[1].person)
    record(meeting, statuses)
    status = quorum_status(meeting)
    assert (status.counted, status.required, status.reached) == (counted, 8, counts_represented)
    expected = "Quorum atteint : 8 membres sur 14 (8 requis)" if counts_represented else \
        "Quorum non atteint : 6 membres sur 14 (8 requis)"
    assert status.label == expected


def test_minimum_count_applies_to_large_bodies(app_context):
    # More than a third, and at least 21, above 40 members.
    body, members = body_of(45, quorum_fraction=1 / 3, quorum_minimum=21)
    meeting = make_meeting(body)
    record(meeting, {m: AttendanceStatus.PRESENT if i < 20 else AttendanceStatus.ABSENT for i, m in enumerate(members)})
    status = quorum_status(meeting)
    assert (status.voting_members, status.counted, status.required, status.reached) == (45, 20, 21, False)


def test_members_without_vote_and_guests_do_not_count(app_context):
    body, members = body_of(4)
    observer = add_member(body, "Observateur", voting=False)
    meeting = make_meeting(body)
    record(meeting, {members[0]: AttendanceStatus.PRESENT, members[1]: AttendanceStatus.PRESENT,
                     observer: AttendanceStatus.PRESENT})
    guest = Person(organisation=body.organisation, civility=Civility.MRS, last_name="Invitée")
    meeting.attendances.append(Attendance(person=guest, status=AttendanceStatus.PRESENT, capacity=Capacity.GUEST,
                                          position=9))
    db.session.commit()
    status = quorum_status(meeting)
    assert (status.voting_members, status.counted, status.required, status.reached) == (4, 2, 3, False)


def test_a_convened_substitute_shares_the_seat_of_their_titulaire(app_context):
    body, members = body_of(4)
    substitute = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=members[0])
    meeting = make_meeting(body)  # convenes the four titulaires and the suppléant
    assert len(meeting.invitations) == 5
    record(meeting, {members[0]: AttendanceStatus.EXCUSED, substitute: AttendanceStatus.PRESENT,
                     members[1]: AttendanceStatus.PRESENT, members[2]: AttendanceStatus.ABSENT})
    status = quorum_status(meeting)
    assert (status.voting_members, status.counted, status.required, status.reached) == (4, 2, 3, False)


def test_forecast_quorum_reads_the_convocation_answers(app_context):
    from app.models import InvitationResponse

    body, members = body_of(3)
    meeting = make_meeting(body)
    for invitation in meeting.invitations[:2]:
        invitation.response = InvitationResponse.PRESENT
    db.session.commit()
    assert quorum_status(meeting) == QuorumStatus(voting_members=3, counted=2, required=2, reached=True)

"""The quorum: the voting seats in office on the meeting day, filled by members present (or represented),
against each body's rule (share, « au moins » or « plus de », minimum, represented members counted)."""
from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.meetings.quorum import QuorumStatus, quorum_status
from app.models import Attendance, AttendanceStatus, Capacity, Civility, InvitationResponse, Meeting, Person, Seat
from tests.meeting_factories import add_member, make_body, make_meeting

PRESENT, EXCUSED, ABSENT, REPRESENTED = (AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT,
                                         AttendanceStatus.REPRESENTED)


def record(meeting, statuses: dict) -> None:
    """``statuses``: membership → status (and representative for « représenté »)."""
    for position, (membership, status) in enumerate(statuses.items(), start=1):
        status, representative = status if isinstance(status, tuple) else (status, None)
        meeting.attendances.append(Attendance(person=membership.person, status=status, position=position,
                                              represented_by=representative, voting=membership.voting))
    db.session.commit()


def body_of(size: int, **settings):
    body = make_body(f"Instance de {size}", **settings)
    members = [add_member(body, f"Membre{index:03d}") for index in range(size)]
    return body, members


def counts(meeting: Meeting) -> tuple[int, int, int, bool]:
    status = quorum_status(meeting)
    return status.voting_members, status.counted, status.required, status.reached


@pytest.mark.parametrize("strict, present, required, reached", [
    (True, 7, 8, False),   # more than half of 14: 8
    (True, 8, 8, True),
    (False, 7, 7, True),   # at least half of 14: 7 (the CRSA rule, D.1432-50)
    (False, 6, 7, False),
])
def test_quorum_strict_or_not(app_context, strict, present, required, reached):
    body, members = body_of(14, quorum_strict=strict)
    meeting = make_meeting(body)
    record(meeting, {m: PRESENT if i < present else EXCUSED for i, m in enumerate(members)})
    assert quorum_status(meeting) == QuorumStatus(voting_members=14, present=present, represented=0,
                                                  required=required)
    assert quorum_status(meeting).reached is reached


@pytest.mark.parametrize("size, required", [(100, 50), (109, 55), (14, 7), (15, 8)])
def test_a_crsa_needs_at_least_half_of_its_seats_in_office(app_context, size, required):
    """A 100-member CRSA needs 50, not 51; with the 109 voting members the law allows, 55."""
    body, members = body_of(size)
    meeting = make_meeting(body)
    record(meeting, {m: PRESENT if i < required else EXCUSED for i, m in enumerate(members)})
    assert counts(meeting) == (size, required, required, True)
    meeting.attendances[0].status = EXCUSED
    db.session.commit()
    assert counts(meeting) == (size, required - 1, required, False)
    assert quorum_status(meeting).label == f"Quorum non atteint : {required - 1} membres sur {size} ({required} requis)"


@pytest.mark.parametrize("counts_represented, counted", [(True, 8), (False, 6)])
def test_represented_members_count_only_where_the_body_says_so(app_context, counts_represented, counted):
    body, members = body_of(14, quorum_counts_represented=counts_represented, quorum_strict=True)
    meeting = make_meeting(body)
    statuses = {m: PRESENT for m in members[:6]}
    statuses[members[6]] = (REPRESENTED, members[0].person)
    statuses[members[7]] = (REPRESENTED, members[1].person)
    record(meeting, statuses)
    status = quorum_status(meeting)
    assert (status.counted, status.required, status.reached) == (counted, 8, counts_represented)
    expected = "Quorum atteint : 8 membres sur 14 (8 requis)" if counts_represented else \
        "Quorum non atteint : 6 membres sur 14 (8 requis)"
    assert status.label == expected


def test_minimum_count_applies_to_large_bodies(app_context):
    # More than a third, and at least 21, above 40 members.
    body, members = body_of(45, quorum_fraction=1 / 3, quorum_strict=True, quorum_minimum=21)
    meeting = make_meeting(body)
    record(meeting, {m: PRESENT if i < 20 else ABSENT for i, m in enumerate(members)})
    assert counts(meeting) == (45, 20, 21, False)


def test_members_without_vote_and_guests_do_not_count(app_context):
    body, members = body_of(4)
    observer = add_member(body, "Observateur", voting=False)
    meeting = make_meeting(body)
    record(meeting, {members[0]: PRESENT, observer: PRESENT})
    guest = Person(organisation=body.organisation, civility=Civility.MRS, last_name="Invitée")
    meeting.attendances.append(Attendance(person=guest, status=PRESENT, capacity=Capacity.GUEST, position=9))
    db.session.commit()
    assert counts(meeting) == (4, 1, 2, False)


def test_titulaire_excused_and_their_suppleant_present_fills_the_seat(app_context):
    body, members = body_of(4)
    substitute = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=members[0])
    meeting = make_meeting(body)  # convenes the four titulaires and the suppléant
    assert len(meeting.invitations) == 5
    record(meeting, {members[0]: EXCUSED, substitute: PRESENT, members[1]: PRESENT, members[2]: ABSENT})
    assert counts(meeting) == (4, 2, 2, True)  # the suppléant does not add a fifth seat


def test_titulaire_represented_by_their_suppleant_is_a_member_present_even_where_only_presents_count(app_context):
    """The suppléant sits in the titulaire's place: a member present, whatever the body's rule on proxies."""
    body, members = body_of(4, quorum_counts_represented=False)
    substitute = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=members[0])
    meeting = make_meeting(body, convene=members)  # the suppléant is not on the convened list
    record(meeting, {members[0]: (REPRESENTED, substitute.person), members[1]: PRESENT,
                     members[2]: (REPRESENTED, members[1].person), members[3]: EXCUSED})
    status = quorum_status(meeting)
    assert (status.present, status.represented, status.required, status.reached) == (2, 0, 2, True)
    assert status.sentence == "Le quorum étant atteint (2 membres présents sur 4), la séance est ouverte."


def test_both_suppleants_present_fill_one_seat(app_context):
    body, members = body_of(6)
    first = add_member(body, "Premiere", seat=Seat.SUPPLEANT, substitute_for=members[0])
    second = add_member(body, "Seconde", seat=Seat.SUPPLEANT, substitute_for=members[0])
    meeting = make_meeting(body)
    record(meeting, {members[0]: ABSENT, first: PRESENT, second: PRESENT, members[1]: PRESENT})
    assert counts(meeting) == (6, 2, 3, False)


def test_a_member_left_off_the_convened_list_still_counts_in_the_base(app_context):
    body, members = body_of(10)
    meeting = make_meeting(body, convene=members[:8])
    record(meeting, {m: PRESENT for m in members[:5]})
    assert counts(meeting) == (10, 5, 5, True)
    assert len(meeting.invitations) == 8


def test_a_suppleant_fills_the_seat_of_a_titulaire_left_off_the_list(app_context):
    body, members = body_of(4)
    substitute = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=members[3])
    meeting = make_meeting(body, convene=[*members[:3], substitute])
    record(meeting, {members[0]: PRESENT, substitute: PRESENT})
    assert counts(meeting) == (4, 2, 2, True)


def test_the_base_is_the_seats_in_office_on_the_meeting_day(app_context):
    body, members = body_of(6)
    members[0].end_date = date(2020, 5, 31)  # left before the meeting of 4 June 2020
    members[1].start_date = date(2020, 6, 10)  # appointed after it
    db.session.commit()
    meeting = make_meeting(body)
    record(meeting, {m: PRESENT for m in members[2:4]})
    assert counts(meeting) == (4, 2, 2, True)


def test_a_second_convocation_needs_no_quorum(app_context):
    body, members = body_of(10)
    first = make_meeting(body)
    second = make_meeting(body, day=date(2020, 6, 11), second_convocation_of_id=first.id)
    record(second, {members[0]: PRESENT, members[1]: (REPRESENTED, members[0].person)})
    status = quorum_status(second)
    assert (status.required, status.reached) == (0, True)
    assert status.label == "Seconde convocation, aucun quorum requis : 2 membres sur 10"
    assert status.sentence == ("Sur seconde convocation, l'instance délibère valablement quel que soit le nombre de "
                               "présents (2 membres présents ou représentés sur 10).")


def test_compte_rendu_sentences(app_context):
    body, members = body_of(100)
    meeting = make_meeting(body)
    record(meeting, {m: PRESENT if i < 48 else (REPRESENTED, members[i - 48].person) if i < 52 else EXCUSED
                     for i, m in enumerate(members)})
    assert quorum_status(meeting).sentence == (
        "Le quorum étant atteint (52 membres présents ou représentés sur 100), la séance est ouverte.")
    for attendance in meeting.attendances[:5]:  # among them the holders of the 4 pouvoirs: these count no more
        attendance.status = EXCUSED
    db.session.commit()
    assert quorum_status(meeting).sentence == (
        "Le quorum n'étant pas atteint (43 membres présents ou représentés sur 100, 50 requis), l'instance ne peut "
        "pas délibérer valablement.")


def test_forecast_quorum_reads_the_convocation_answers(app_context):
    body, members = body_of(4)
    substitute = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=members[2])
    meeting = make_meeting(body)
    answers = {members[0].person_id: InvitationResponse.PRESENT, members[1].person_id: InvitationResponse.EXCUSED,
               members[2].person_id: InvitationResponse.SUBSTITUTE}
    for invitation in meeting.invitations:
        invitation.response = answers.get(invitation.person_id)
    db.session.commit()
    assert counts(meeting) == (4, 2, 2, True)  # Membre000 present, Membre002 replaced by the suppléante
    assert substitute.person_id not in answers

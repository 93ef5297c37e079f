"""Unexcused absences (D.1432-44): titulaires absent without excuse from successive meetings of a body are
listed, with the dates, for the commission permanente's proposal. Nothing is automatic."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from app.extensions import db
from app.models import Attendance, AttendanceStatus, MeetingStatus, Role, Seat
from tests.conftest import create_user, log_in
from tests.meeting_factories import add_member, make_body, make_meeting

P, E, A, R = "present", "excused", "absent", "represented"
STATUS = {P: AttendanceStatus.PRESENT, E: AttendanceStatus.EXCUSED, A: AttendanceStatus.ABSENT,
          R: AttendanceStatus.REPRESENTED}
DAYS = [date(2020, 3, 5), date(2020, 4, 2), date(2020, 5, 7), date(2020, 6, 4)]


@pytest.fixture
def body(app_context):
    body = make_body("Commission de test")
    for name in ("Martin", "Bernard", "Petit"):
        add_member(body, name)
    return body


def hold(body, statuses: list[str], member_index: int = 0, days=DAYS):
    """One meeting per status, the member at ``member_index`` recorded so; the others present."""
    members = list(body.memberships)
    meetings = []
    for day, status in zip(days, statuses):
        meeting = make_meeting(body, day=day, convene=members)
        for position, membership in enumerate(members, start=1):
            mine = membership is members[member_index]
            meeting.attendances.append(Attendance(
                person=membership.person, status=STATUS[status] if mine else AttendanceStatus.PRESENT,
                represented_by=members[1].person if mine and status == R else None, position=position, voting=True))
        meetings.append(meeting)
    db.session.commit()
    return meetings


def listed(client) -> str:
    """The page's text, without its tags."""
    response = client.get("/absences")
    assert response.status_code == 200
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split()).replace(" ,", ",").replace(" .", ".")


def test_two_successive_unexcused_absences_are_listed_with_their_dates(secretariat_client, body):
    hold(body, [P, A, A, P])
    page = listed(secretariat_client)
    assert "Mme MARTIN Anne" in page
    assert "2 séances successives : 2 avril 2020, 7 mai 2020." in page
    assert "Mme BERNARD Anne" not in page
    assert "D.1432-44" in page and "rien n'est fait automatiquement" in page


@pytest.mark.parametrize("statuses", [
    [A, P, A, P],  # not successive
    [A, E, A, P],  # an excuse breaks the run
    [A, R, A, P],  # so does a pouvoir
    [P, P, P, A],  # one absence only
])
def test_absences_that_are_not_successive_or_excused_are_not_listed(secretariat_client, body, statuses):
    hold(body, statuses)
    assert "Mme MARTIN Anne" not in listed(secretariat_client)


def test_cancelled_meetings_do_not_count_and_do_not_break_a_run(secretariat_client, body):
    meetings = hold(body, [A, A, A, P])
    meetings[1].status = MeetingStatus.CANCELLED
    db.session.commit()
    assert "2 séances successives : 5 mars 2020, 7 mai 2020." in listed(secretariat_client)


def test_the_number_of_absences_is_a_setting_of_the_body(secretariat_client, body):
    body.unexcused_absences_limit = 3
    db.session.commit()
    hold(body, [P, A, A, P])
    assert "Mme MARTIN Anne" not in listed(secretariat_client)
    body.unexcused_absences_limit = 2
    db.session.commit()
    assert "Mme MARTIN Anne" in listed(secretariat_client)


def test_only_titulaires_in_office_within_their_mandate_are_listed(secretariat_client, body):
    martin = body.memberships[0]
    hold(body, [A, A, P, P])
    martin.start_date = date(2020, 4, 1)  # renewed mandate: the March absence belongs to the old one
    db.session.commit()
    assert "Mme MARTIN Anne" not in listed(secretariat_client)
    martin.start_date, martin.end_date = date(2019, 1, 1), date(2020, 6, 30)  # no longer in office
    db.session.commit()
    assert "Mme MARTIN Anne" not in listed(secretariat_client)


def test_a_suppleant_is_not_listed(secretariat_client, body):
    add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=body.memberships[0])
    hold(body, [P, A, A, P], member_index=3)
    assert "SUPPLEANTE" not in listed(secretariat_client)


def test_members_do_not_reach_the_list(app, body):
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=body.memberships[0].person))
    assert member.get("/absences").status_code == 403

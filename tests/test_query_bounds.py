"""Pages and exports run as many SQL statements for a meeting of 150 attendees and 300 points in a body
of 120 meetings as for one ten times smaller: everything is loaded up front, lists are paginated. The
number is asserted: a page that starts reading more shows here."""
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loadgen import create_benchmark_meeting
from app.models import Body, BodyKind, Meeting, Role, User
from tests.conftest import create_user, log_in, test_organisation
from tests.ics_support import feed_token_for
from tests.query_count import count_queries, counted_queries, fresh_session


@dataclass
class World:
    meeting_id: int
    body_id: int
    feed_token: str
    member: object  # a logged-in test client of a member of the body
    person_feed_token: str  # that member's own feed


def build_world(app, factor: int) -> World:
    meeting = create_benchmark_meeting(attendees=15 * factor, points=30 * factor, other_meetings=12 * factor,
                                       deadlines=2 * factor, seed=factor, organisation=test_organisation())
    person = meeting.attendances[0].person
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=person))
    return World(meeting.id, meeting.body_id, feed_token_for(meeting.body, person), member, person.feed_token)


# Each page: who asks, its URL, and the statements it runs (the same for both worlds, and on both databases).
# The lists of the body page, « Mes séances » and the échéances read their page and its count in one statement
# (app/pagination.py). The quorum is counted on the body's seats read in one statement (quorum_composition);
# the body page reads its seats once for the members table, the officers and the quorum sentence.
PAGES = {
    "meeting page": ("staff", "/meetings/{meeting_id}", 8),  # the points with their themes, the agenda with its votes
    # what the member's seats open and the first convocation come with the meeting (app.meetings.page)
    "meeting page (member)": ("member", "/meetings/{meeting_id}", 6),
    # the account's own feed link comes with the body; for a member, what their seats open too
    "body page": ("staff", "/bodies/{body_id}", 5),
    "body page (member)": ("member", "/bodies/{body_id}", 4),
    "home page": ("staff", "/", 2),  # the upcoming meetings with their body joined
    "home page (member)": ("member", "/", 2),
    "mes séances": ("member", "/mes-seances", 4),  # the agenda items joined to each list's meetings
    "deadlines": ("member", "/deadlines", 3),
    # the meetings with their agenda items joined, then the échéances with their meetings
    "body feed": ("anonymous", "/feeds/{feed_token}.ics", 4),
    # the token is not a body's link (one statement); the person, with whether their account was deactivated
    "person feed": ("anonymous", "/feeds/{person_feed_token}.ics", 4),
    # their own convocation and what their seats open, with the meeting
    "meeting calendar file": ("member", "/meetings/{meeting_id}.ics", 3),
    # the meeting with its body and agenda joined, then everyone convened as plain rows
    "meeting calendar file (staff)": ("staff", "/meetings/{meeting_id}.ics", 3),
    # the account with the permission, then the meeting as the compte rendu reads it (plain rows, not its people as
    # objects)
    "compte rendu": ("staff", "/meetings/{meeting_id}/minutes.docx", 10),
    "in-person attendance": ("staff", "/meetings/{meeting_id}/in-person-attendance.csv", 7),
    "attendance sheet": ("staff", "/meetings/{meeting_id}/attendance", 10),
    "round-table editor": ("staff", "/meetings/{meeting_id}/round-table", 6),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_the_meeting_and_the_body(app, app_context, secretariat_client, page):
    who, url, expected = PAGES[page]
    small, large = build_world(app, 1), build_world(app, 10)
    counts = []
    for world in (small, large):
        client = {"staff": secretariat_client, "member": world.member, "anonymous": app.test_client()}[who]
        fresh_session()
        counts.append(count_queries(client, url.format(**vars(world))))
    assert counts == [expected, expected], f"{page}: {counts} statements for the small and the large meeting"


@pytest.mark.parametrize("who", ["staff", "member"])
def test_the_body_page_reads_its_parent_body_with_the_body(app, app_context, secretariat_client, who):
    """A commission's page names the body it belongs to: read with the body, in no statement of its own."""
    world = build_world(app, 1)
    body = db.session.get(Body, world.body_id)
    client = secretariat_client if who == "staff" else world.member
    url = f"/bodies/{body.id}"
    fresh_session()
    alone = count_queries(client, url)
    body = db.session.get(Body, world.body_id)
    body.parent = Body(organisation_id=body.organisation_id, kind=BodyKind.CRSA_PLENARY, name="CRSA de la région")
    db.session.commit()
    fresh_session()
    assert count_queries(client, url) == alone == PAGES["body page" + ("" if who == "staff" else " (member)")][2]
    assert "rattachée à" in client.get(url).get_data(as_text=True)
    assert "CRSA de la région" in client.get(url).get_data(as_text=True)


def test_the_large_world_really_is_ten_times_larger(app, app_context):
    from sqlalchemy import func, select

    from app.models import Attendance, RoundTablePoint, RoundTableSection

    world = build_world(app, 10)
    attendances = db.session.scalar(select(func.count()).where(Attendance.meeting_id == world.meeting_id))
    points = db.session.scalar(select(func.count()).select_from(RoundTablePoint).join(RoundTableSection)
                               .where(RoundTableSection.meeting_id == world.meeting_id))
    meetings = db.session.scalar(select(func.count()).where(Meeting.body_id == world.body_id))
    assert (attendances, points, meetings) == (150, 300, 121)


def test_body_page_lists_its_meetings_twenty_at_a_time(app, app_context, secretariat_client):
    import re

    world = build_world(app, 10)  # 121 meetings
    first = secretariat_client.get(f"/bodies/{world.body_id}").get_data(as_text=True)
    last = secretariat_client.get(f"/bodies/{world.body_id}?page=7").get_data(as_text=True)
    meeting_links = re.compile(r'href="/meetings/\d+"')
    assert len(meeting_links.findall(first)) == 20 and "Page 1 sur 7" in first and "Page suivante" in first
    assert len(meeting_links.findall(last)) == 1 and "Page précédente" in last and "Page 7 sur 7" in last


def test_a_draft_compte_rendu_reads_its_meeting_once(app, app_context, secretariat_client):
    """The draft's download: the account with the download's facts; the meeting with its body and organisation,
    minutes, agenda and échéances in one statement, then its convened people, attendance (the attendees'
    seats for their collège), sections and points; the convocations sent; the president and
    vice-presidents together (who presides); the body's seats (the quorum); the votes; the documents of the
    dossier."""
    world = build_world(app, 10)
    fresh_session()
    assert count_queries(secretariat_client, f"/meetings/{world.meeting_id}/minutes.docx") == 10


def test_a_members_page_of_a_meeting_with_a_frozen_quorum_reads_neither_the_convened_nor_the_seats(
        app, app_context, secretariat_client):
    """Once the compte rendu is validated, a member reads the quorum as it froze: the page counts nothing, so it
    reads neither the people convened nor the body's seats (two statements fewer than a draft's). Staff's page
    still counts the quorum (« Reconvoquer » depends on it)."""
    from app.documents.queries import load_meeting_with_records
    from app.documents.workflow import validate_minutes

    world = build_world(app, 1)
    url = f"/meetings/{world.meeting_id}"
    with counted_queries() as draft_statements:
        fresh_session()
        draft_page = world.member.get(url).get_data(as_text=True)
    assert "Quorum atteint : 9 membres sur 15" in draft_page and "(établi à la validation" not in draft_page
    secretary = db.session.scalar(select(User).where(User.role == Role.SECRETARIAT))
    statement = validate_minutes(load_meeting_with_records(world.meeting_id), secretary).quorum_statement
    db.session.commit()

    fresh_session()
    assert count_queries(world.member, url) == PAGES["meeting page (member)"][2] - 2
    with counted_queries() as frozen_statements:
        fresh_session()
        page = world.member.get(url).get_data(as_text=True)
    assert statement and f"{statement} <span class=\"seances-muted\">(établi à la validation du compte rendu)" in page
    convened, seats = "SELECT invitation.id, invitation.person_id", "SELECT membership.id, membership.person_id"
    assert [any(statement.startswith(start) for statement in draft_statements) for start in (convened, seats)] == [
        True, True]
    assert not any(statement.startswith((convened, seats)) for statement in frozen_statements)
    fresh_session()
    assert count_queries(secretariat_client, url) == PAGES["meeting page"][2]

"""Every page that changes bodies, people, meetings or deadlines is for the secretariat only."""
import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.models import Deadline, Meeting, MeetingStatus, Membership, Person, User


def editing_routes(demo) -> list[tuple[str, str]]:
    membership = demo.body.memberships[0]
    invitation = demo.invitations[0]
    deadline = demo.deadlines[0]
    body_id, meeting_id = demo.body_id, demo.id
    gets_and_posts = [
        "/bodies/new", f"/bodies/{body_id}/edit", f"/bodies/{body_id}/members/new",
        f"/bodies/memberships/{membership.id}/edit", f"/bodies/memberships/{membership.id}/end",
        f"/bodies/{body_id}/members/import", "/people/new", f"/people/{membership.person_id}/edit",
        f"/bodies/{body_id}/meetings/new", f"/bodies/{body_id}/meetings/series", f"/meetings/{meeting_id}/edit",
        f"/meetings/{meeting_id}/cancel", f"/meetings/{meeting_id}/convened",
    ]
    posts_only = [
        f"/bodies/{body_id}/members/import/confirm", f"/meetings/{meeting_id}/convened/{invitation.id}/remove",
        f"/meetings/{meeting_id}/convened/members",
        f"/meetings/{meeting_id}/deadlines/next-meeting", f"/meetings/{meeting_id}/deadlines/due-date",
        f"/deadlines/{deadline.id}/delete",
    ]
    return ([("GET", path) for path in gets_and_posts] + [("POST", path) for path in gets_and_posts + posts_only]
            + [("GET", "/people/"), ("GET", f"/meetings/{meeting_id}/deadlines")])


def counts():
    return [db.session.scalar(select(func.count(model.id))) for model in (Meeting, Deadline, Membership, Person)]


def test_a_member_gets_403_on_every_editing_route_and_changes_nothing(app, demo):
    client = app.test_client()
    client.post("/login", data={"email": "membre@demo.example.fr", "password": DEMO_PASSWORD})
    assert db.session.scalar(select(User).where(User.email == "membre@demo.example.fr")).person_id in {
        m.person_id for m in demo.body.memberships}  # the member sits in this very body
    before = counts()
    for method, path in editing_routes(demo):
        response = client.open(path, method=method, data={"title": "Piratage", "end_date": "2020-01-01"})
        assert response.status_code == 403, (method, path)
    assert counts() == before
    db.session.refresh(demo)
    assert demo.status is MeetingStatus.HELD
    page = client.get(f"/meetings/{demo.id}").text
    assert "Modifier la séance" not in page and "Personnes convoquées" not in page


def test_anonymous_visitors_are_sent_to_login(client, demo):
    for method, path in editing_routes(demo) + [("GET", "/deadlines")]:
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path)
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/people/", "/deadlines"])
def test_the_menu_lists_the_new_areas_to_the_secretariat(secretariat_client, path):
    page = secretariat_client.get("/").text
    assert f'href="{path}"' in page
    assert secretariat_client.get(path).status_code == 200


def test_secretariat_opens_every_editing_page_with_accessible_fields(secretariat_client, demo):
    for method, path in editing_routes(demo):
        if method == "GET":
            response = secretariat_client.get(path)
            assert response.status_code == 200, path
            assert '="None"' not in response.text, path  # no attribute rendered from a missing value
            assert "<h1>" in response.text and 'class="fr-breadcrumb"' in response.text, path

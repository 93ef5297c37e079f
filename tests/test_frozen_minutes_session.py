"""A compte rendu's download reads the session's account with the file in one statement (``app/documents/frozen.py``):
a validated one is one statement in all. That statement only ever serves what the ordinary path (the account loaded
by Flask-Login, the matrix, the meeting's permission, the minutes' status) would serve: in every other case the
ordinary path answers. Each case below is asked twice with the same cookies, the one-statement path on and off,
and must get the same answer."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.documents import routes as document_routes
from app.extensions import db
from app.models import Meeting, Minutes, Organisation, Role, User, utc_now
from tests.admin_factories import make_person
from tests.conftest import PASSWORD, create_user, log_in
from tests.query_count import counted_queries, fresh_session

DOMAIN = "seances.test"


def minutes_url(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/minutes.docx"


@pytest.fixture
def meeting_id(demo) -> int:
    return demo.id


@pytest.fixture
def validated(app, meeting_id):
    """The demo meeting's compte rendu, validated by a secretariat account (not published)."""
    staff = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    assert staff.post(f"/meetings/{meeting_id}/minutes/validate").status_code == 302
    return staff


def publish(staff, meeting_id: int) -> None:
    assert staff.post(f"/meetings/{meeting_id}/minutes/publish").status_code == 302


def demo_member() -> User:
    """The demo's member account: a titulaire of the demo working group."""
    return db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))


def member_client(app):
    return log_in(app.test_client(), demo_member(), DEMO_PASSWORD)


def frozen_bytes(meeting_id: int) -> bytes:
    return db.session.scalar(select(Minutes.document).where(Minutes.meeting_id == meeting_id))


def test_a_members_download_of_published_minutes_is_one_statement(app, meeting_id, validated):
    publish(validated, meeting_id)
    client = member_client(app)
    fresh_session()
    with counted_queries() as statements:
        response = client.get(minutes_url(meeting_id))
    assert response.status_code == 200 and response.data == frozen_bytes(meeting_id)
    assert response.headers["Content-Disposition"].endswith("-valide.docx")
    assert len(statements) == 1, statements
    fresh_session()
    with counted_queries() as statements:
        again = client.get(minutes_url(meeting_id), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and len(statements) == 1


def test_a_draft_is_built_after_the_one_statement(app, meeting_id, secretariat_client, monkeypatch):
    fresh_session()
    with counted_queries() as statements:
        response = secretariat_client.get(minutes_url(meeting_id))
    assert response.status_code == 200 and "ETag" not in response.headers
    assert "FROM meeting" in statements[0] and "JOIN user" in statements[0].replace('"', "")
    assert not any("FROM user" in statement.replace('"', "") for statement in statements)  # no account loaded
    monkeypatch.setattr(document_routes, "minutes_download_for_session", lambda meeting_id, endpoint: None)
    fresh_session()
    with counted_queries() as ordinary:
        assert secretariat_client.get(minutes_url(meeting_id)).status_code == 200
    assert len(ordinary) == len(statements) + 1  # the account, then the facts


def same_cookies(app, client):
    """A second browser holding ``client``'s cookies as they are now."""
    other = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name, domain=DOMAIN)
        if cookie is not None:
            other.set_cookie(name, cookie.value, domain=DOMAIN)
    return other


def answer(response) -> tuple:
    return response.status_code, response.headers.get("Location"), response.data


def set_session_user_id(client, value: str) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = value


def unpublished_for_a_member(app, meeting_id, staff):
    return member_client(app)


def published_for_a_member(app, meeting_id, staff):
    publish(staff, meeting_id)
    return member_client(app)


def person_of_the_ars_without_a_seat(app, meeting_id, staff):
    publish(staff, meeting_id)
    person = make_person(db.session.get(Meeting, meeting_id).body.organisation, "Sans-Siège", "Paule")
    return log_in(app.test_client(), create_user(Role.MEMBER, person=person))


def staff_of_another_ars(app, meeting_id, staff):
    other = Organisation(name="ARS voisine", short_name="ARS V", secretariat_email="voisine@ars.example.fr")
    db.session.add(other)
    db.session.commit()
    return log_in(app.test_client(), create_user(Role.SECRETARIAT, organisation=other))


def national_admin(app, meeting_id, staff):
    publish(staff, meeting_id)
    return log_in(app.test_client(), create_user(Role.NATIONAL_ADMIN))


def meeting_in_the_bin(app, meeting_id, staff):
    client = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    db.session.get(Meeting, meeting_id).deleted_at = utc_now()
    db.session.commit()
    return client


def account_deactivated(app, meeting_id, staff):
    publish(staff, meeting_id)
    client = member_client(app)
    demo_member().active = False
    db.session.commit()
    return client


def logged_out_elsewhere(app, meeting_id, staff):
    publish(staff, meeting_id)
    client = member_client(app)
    demo_member().end_sessions()
    db.session.commit()
    return client


def login_too_old(app, meeting_id, staff):
    publish(staff, meeting_id)
    client = member_client(app)
    member = demo_member()
    old = int(time.time() - app.config["REMEMBER_COOKIE_DURATION"].total_seconds() - 60)
    set_session_user_id(client, f"{member.id}:{member.session_generation}:{old}")
    return client


def tampered_id(app, meeting_id, staff):
    publish(staff, meeting_id)
    client = member_client(app)
    set_session_user_id(client, str(demo_member().id))
    return client


def another_accounts_id(app, meeting_id, staff):
    """A session naming an account with another account's generation (never issued: the cookie is signed)."""
    publish(staff, meeting_id)
    client = member_client(app)
    other = create_user(Role.SECRETARIAT)
    set_session_user_id(client, f"{other.id}:{demo_member().session_generation}:{int(time.time())}")
    return client


def remember_cookie_alone(app, meeting_id, staff):
    publish(staff, meeting_id)
    remembered = app.test_client()
    assert remembered.post("/login", data={"email": demo_member().email, "password": DEMO_PASSWORD,
                                           "remember": "y"}).status_code == 302
    client = app.test_client()
    client.set_cookie("remember_token", remembered.get_cookie("remember_token", domain=DOMAIN).value, domain=DOMAIN)
    return client


def anonymous(app, meeting_id, staff):
    publish(staff, meeting_id)
    return app.test_client()


def staff_of_the_ars(app, meeting_id, staff):
    return log_in(app.test_client(), create_user(Role.ADMIN), PASSWORD)


# Each case's answer, and for a download the statements it runs: one when the session's account is read with the
# file; a remember cookie alone logs in through Flask-Login (the account, then the file).
CASES = {
    unpublished_for_a_member: 403,
    published_for_a_member: (200, 1),
    person_of_the_ars_without_a_seat: 403,
    staff_of_another_ars: 404,
    national_admin: 404,
    meeting_in_the_bin: 404,
    account_deactivated: 302,
    logged_out_elsewhere: 302,
    login_too_old: 302,
    tampered_id: 302,
    another_accounts_id: 302,
    remember_cookie_alone: (200, 2),
    anonymous: 302,
    staff_of_the_ars: (200, 1),
}


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_the_one_statement_download_answers_as_the_ordinary_path(app, meeting_id, validated, monkeypatch, case):
    client = case(app, meeting_id, validated)
    twin = same_cookies(app, client)
    fresh_session()
    with counted_queries() as statements:
        served = client.get(minutes_url(meeting_id))
    expected = CASES[case]
    if served.status_code == 200:
        assert (200, len(statements)) == expected and served.data == frozen_bytes(meeting_id)
    else:
        assert served.status_code == expected
    if served.status_code == 302:
        assert "/login" in served.headers["Location"]

    monkeypatch.setattr(document_routes, "minutes_download_for_session", lambda meeting_id, endpoint: None)
    fresh_session()
    assert answer(twin.get(minutes_url(meeting_id))) == answer(served)

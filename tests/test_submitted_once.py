"""A create form posted twice (a double tap on a slow network, « Renvoyer » after Back) creates once: the
échéances of a meeting (due date, next meeting) and a point of the tour de table (app/submissions.py)."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Deadline, FormSubmission, Meeting, Role, RoundTablePoint, RoundTableSection
from app.submissions import Submission
from tests.conftest import create_user, log_in
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_expired_forms import log_in_with_token, new_user

DUE_DATE = {"butoir-title": "Synthèses attendues", "butoir-day": "2031-05-06", "butoir-at": "18:00"}
FETCH = {"X-Requested-With": "fetch"}
ALREADY_SENT = "Ce formulaire avait déjà été envoyé"


def next_meeting(body_id: int) -> dict[str, str]:
    return {"prochaine-body_id": str(body_id), "prochaine-title": "Réunion suivante", "prochaine-day": "2031-05-07",
            "prochaine-starts": "09:30", "prochaine-ends": "11:00", "prochaine-place": "Visioconférence"}


@pytest.fixture
def meeting(app_context):
    body = make_body("Commission de test")
    add_member(body, "Martin")
    return make_meeting(body)


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return (db.session.scalar(select(func.count(Deadline.id))), db.session.scalar(select(func.count(Meeting.id))),
            db.session.scalar(select(func.count(RoundTablePoint.id))))


def token_on(page: str, name: str) -> str:
    token = form_values(page)[name]
    assert token and len(token) <= 64, name
    return token


def deadlines_page(client, meeting) -> str:
    return client.get(f"/meetings/{meeting.id}/deadlines").text


# --- Échéances: due date and next meeting ---------------------------------------------------------------------

def test_a_due_date_posted_twice_is_recorded_once(secretariat_client, meeting):
    token = token_on(deadlines_page(secretariat_client, meeting), "butoir-submission_token")
    before = counts()
    data = {**DUE_DATE, "butoir-submission_token": token}
    first = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data)
    assert first.status_code == 302 and counts() == (before[0] + 1, before[1], before[2])
    secretariat_client.get(first.location)  # the first answer's page, its message read
    again = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data)
    assert again.status_code == 302 and again.location == first.location
    assert counts() == (before[0] + 1, before[1], before[2])
    page = secretariat_client.get(again.location).text
    assert (f"{ALREADY_SENT} : l&#39;échéance « Synthèses attendues » n&#39;a été enregistrée qu&#39;une fois."
            in page)
    assert page.count("<li>Synthèses attendues le") == 1


def test_a_next_meeting_posted_twice_plans_one_meeting(secretariat_client, meeting):
    token = token_on(deadlines_page(secretariat_client, meeting), "prochaine-submission_token")
    before = counts()
    data = {**next_meeting(meeting.body_id), "prochaine-submission_token": token}
    first = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/next-meeting", data=data)
    assert first.status_code == 302 and counts() == (before[0] + 1, before[1] + 1, before[2])
    secretariat_client.get(first.location)
    again = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/next-meeting", data=data)
    assert again.status_code == 302 and again.location == first.location
    assert counts() == (before[0] + 1, before[1] + 1, before[2])
    assert f"{ALREADY_SENT} : la réunion « Réunion suivante » n&#39;a été planifiée qu&#39;une fois." in \
        secretariat_client.get(again.location).text


@pytest.mark.parametrize("token", [None, "", "court", "x" * 65, "pas un jeton !!!!!!!!", "ab cd" * 5])
def test_echeances_without_a_valid_token_are_created_as_before(secretariat_client, meeting, token):
    before = counts()
    due = dict(DUE_DATE) if token is None else {**DUE_DATE, "butoir-submission_token": token}
    following = next_meeting(meeting.body_id) if token is None else {
        **next_meeting(meeting.body_id), "prochaine-submission_token": token}
    for _ in range(2):  # nothing tells two posts apart: both are created, as without the protection
        assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=due).status_code == 302
        assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/next-meeting",
                                       data=following).status_code == 302
    assert counts() == (before[0] + 4, before[1] + 2, before[2])


def test_after_a_save_the_deadlines_page_offers_new_tokens(secretariat_client, meeting):
    page = deadlines_page(secretariat_client, meeting)
    due, following = token_on(page, "butoir-submission_token"), token_on(page, "prochaine-submission_token")
    assert due != following
    assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date",
                                   data={**DUE_DATE, "butoir-submission_token": due}).status_code == 302
    page = deadlines_page(secretariat_client, meeting)
    fresh = token_on(page, "butoir-submission_token")
    assert fresh not in (due, following)
    # The same échéance typed again in the fresh form is another one, on purpose.
    assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date",
                                   data={**DUE_DATE, "butoir-submission_token": fresh}).status_code == 302
    assert deadlines_page(secretariat_client, meeting).count("<li>Synthèses attendues le") == 2


def test_a_refused_echeance_keeps_its_token_and_is_then_recorded_once(secretariat_client, meeting):
    token = token_on(deadlines_page(secretariat_client, meeting), "butoir-submission_token")
    before = counts()
    refused = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date",
                                      data={**DUE_DATE, "butoir-title": "", "butoir-submission_token": token})
    assert refused.status_code == 422 and token_on(refused.text, "butoir-submission_token") == token
    data = {**DUE_DATE, "butoir-submission_token": token}
    assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data).status_code == 302
    assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data).status_code == 302
    assert counts() == (before[0] + 1, before[1], before[2])


def claimed_meanwhile(monkeypatch):
    """The race: the check before creating saw no token (the other post had not committed yet); the commit then
    meets the token's primary key."""
    monkeypatch.setattr(Submission, "repeated", lambda self: False)


def test_two_due_dates_at_the_same_moment_make_one(app, secretariat_client, meeting, monkeypatch):
    other = log_in(app.test_client(), create_user(Role.SECRETARIAT, email="autre@example.fr"))
    token = token_on(deadlines_page(secretariat_client, meeting), "butoir-submission_token")
    before = counts()
    data = {**DUE_DATE, "butoir-submission_token": token}
    first = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data)
    claimed_meanwhile(monkeypatch)
    second = other.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data)
    assert first.status_code == 302 and second.status_code == 302 and second.location == first.location
    assert counts() == (before[0] + 1, before[1], before[2])
    assert ALREADY_SENT in other.get(second.location).text


def test_two_next_meetings_at_the_same_moment_plan_one(app, secretariat_client, meeting, monkeypatch):
    token = token_on(deadlines_page(secretariat_client, meeting), "prochaine-submission_token")
    before = counts()
    data = {**next_meeting(meeting.body_id), "prochaine-submission_token": token}
    assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/next-meeting", data=data).status_code == 302
    claimed_meanwhile(monkeypatch)
    second = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/next-meeting", data=data)
    assert second.status_code == 302
    assert counts() == (before[0] + 1, before[1] + 1, before[2])
    assert db.session.scalar(select(func.count(FormSubmission.token))) == 1


def test_a_token_recorded_for_another_page_is_ignored(secretariat_client, meeting):
    """A form tampered with (another meeting's token): it creates, as without a token."""
    other = make_meeting(meeting.body, title="Autre séance")
    token = token_on(deadlines_page(secretariat_client, other), "butoir-submission_token")
    data = {**DUE_DATE, "butoir-submission_token": token}
    assert secretariat_client.post(f"/meetings/{other.id}/deadlines/due-date", data=data).status_code == 302
    before = counts()
    assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data).status_code == 302
    assert counts() == (before[0] + 1, before[1], before[2])


# --- The lost CSRF token (app/expired_forms.py): the replayed form keeps its submission token ------------------

@pytest.fixture
def csrf_app(isolated_app):
    return isolated_app("submitted_once", WTF_CSRF_ENABLED=True)


def test_a_replayed_echeance_keeps_its_token(csrf_app):
    with csrf_app.app_context():
        created = make_meeting(make_body("CRSA de test"))
        meeting = SimpleNamespace(id=created.id)
    client = csrf_app.test_client()
    log_in_with_token(client, new_user(csrf_app, Role.SECRETARIAT))
    token = token_on(client.get(f"/meetings/{meeting.id}/deadlines").text, "butoir-submission_token")
    lost = client.post(f"/meetings/{meeting.id}/deadlines/due-date",
                       data={**DUE_DATE, "butoir-submission_token": token, "butoir-csrf_token": "perdu"})
    assert lost.status_code == 400
    shown = form_values(lost.text)
    assert shown["butoir-submission_token"] == token and shown["butoir-title"] == DUE_DATE["butoir-title"]
    assert shown["prochaine-submission_token"] != token
    data = {**DUE_DATE, "butoir-submission_token": token, "butoir-csrf_token": shown["butoir-csrf_token"]}
    assert client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data).status_code == 302
    again = client.post(f"/meetings/{meeting.id}/deadlines/due-date", data=data)
    assert again.status_code == 302
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count(Deadline.id)).where(Deadline.meeting_id == meeting.id)) == 1


# --- A point of the tour de table: without JavaScript and in place (js/in-place.js) ----------------------------

def editor(meeting) -> str:
    return f"/meetings/{meeting.id}/round-table"


@pytest.fixture
def section(secretariat_client, meeting) -> RoundTableSection:
    assert secretariat_client.post(f"{editor(meeting)}/default-sections").status_code == 302
    return db.session.scalars(select(RoundTableSection).where(RoundTableSection.meeting_id == meeting.id)
                              .order_by(RoundTableSection.position)).first()


def point_data(section, token: str | None, text: str = "Un seul point") -> dict[str, str]:
    prefix = f"section-{section.id}"
    data = {f"{prefix}-text": text, f"{prefix}-parent": ""}
    if token is not None:
        data[f"{prefix}-submission_token"] = token
    return data


def points_named(text: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(RoundTablePoint.id)).where(RoundTablePoint.text == text))


def test_a_point_posted_twice_without_script_is_added_once(secretariat_client, meeting, section):
    token = token_on(secretariat_client.get(editor(meeting)).text, f"section-{section.id}-submission_token")
    url = f"{editor(meeting)}/sections/{section.id}/points"
    first = secretariat_client.post(url, data=point_data(section, token))
    assert first.status_code == 302 and points_named("Un seul point") == 1
    secretariat_client.get(first.location)
    again = secretariat_client.post(url, data=point_data(section, token))
    assert again.status_code == 302 and again.location == first.location
    assert points_named("Un seul point") == 1
    page = secretariat_client.get(again.location).text
    assert f"{ALREADY_SENT} : le point n&#39;a été ajouté qu&#39;une fois." in page


def test_a_point_posted_twice_in_place_answers_as_the_first(secretariat_client, meeting, section):
    token = token_on(secretariat_client.get(editor(meeting)).text, f"section-{section.id}-submission_token")
    url = f"{editor(meeting)}/sections/{section.id}/points"
    first = secretariat_client.post(url, headers=FETCH, data=point_data(section, token))
    again = secretariat_client.post(url, headers=FETCH, data=point_data(section, token))
    assert first.status_code == again.status_code == 200
    assert again.headers["X-Fragment-Target"] == first.headers["X-Fragment-Target"] == f"section-{section.id}"
    assert again.headers["X-Draft-Saved"] == first.headers["X-Draft-Saved"]
    assert unquote(again.headers["X-Fragment-Message"]) == \
        f"{ALREADY_SENT} : le point n'a été ajouté qu'une fois."
    assert again.text.count('class="roundtable-point"') == 1 and points_named("Un seul point") == 1
    # Each answer brings a fresh form, with a new token: the same text may be added once more, on purpose.
    fresh = token_on(first.text, f"section-{section.id}-submission_token")
    assert fresh != token and token_on(again.text, f"section-{section.id}-submission_token") not in (token, fresh)
    assert secretariat_client.post(url, headers=FETCH, data=point_data(section, fresh)).status_code == 200
    assert points_named("Un seul point") == 2


@pytest.mark.parametrize("token", [None, "", "court", "y" * 65, "<script>alert(1)</script>xxxxxxxx"])
def test_points_without_a_valid_token_are_added_as_before(secretariat_client, meeting, section, token):
    url = f"{editor(meeting)}/sections/{section.id}/points"
    assert secretariat_client.post(url, data=point_data(section, token)).status_code == 302
    assert secretariat_client.post(url, headers=FETCH, data=point_data(section, token)).status_code == 200
    assert points_named("Un seul point") == 2


def test_two_points_at_the_same_moment_make_one(app, secretariat_client, meeting, section, monkeypatch):
    other = log_in(app.test_client(), create_user(Role.SECRETARIAT, email="autre@example.fr"))
    token = token_on(secretariat_client.get(editor(meeting)).text, f"section-{section.id}-submission_token")
    url = f"{editor(meeting)}/sections/{section.id}/points"
    assert secretariat_client.post(url, headers=FETCH, data=point_data(section, token)).status_code == 200
    claimed_meanwhile(monkeypatch)
    in_place = other.post(url, headers=FETCH, data=point_data(section, token))
    assert in_place.status_code == 200 and in_place.text.count('class="roundtable-point"') == 1
    assert ALREADY_SENT in unquote(in_place.headers["X-Fragment-Message"])
    plain = other.post(url, data=point_data(section, token))
    assert plain.status_code == 302
    assert points_named("Un seul point") == 1

"""A form posted to an action-only URL (POST, no page of its own) after its CSRF token was lost or its session
ended comes back on the page that shows it (``form_shown_on`` in app/expired_forms.py), with what was typed,
instead of « l'action n'a pas été faite »; nothing is saved. The échéances of a meeting are the known case:
shown on /meetings/<id>/deadlines, posted to …/deadlines/next-meeting and …/deadlines/due-date."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from app.expired_forms import FORM_PAGE, page_rule
from app.extensions import db
from app.models import Deadline, Meeting, Role
from tests.conftest import PASSWORD
from tests.html_forms import form_values
from tests.meeting_factories import make_body, make_meeting
from tests.test_expired_forms import csrf_token, end_sessions_of, log_in_with_token, new_user

PLACE = "Salle Rabelais"
DUE_DATE = {"butoir-title": "Synthèses des retours attendues", "butoir-day": "2031-05-06", "butoir-at": "18:00"}


def next_meeting_typed(body_id: int) -> dict[str, str]:
    return {"prochaine-body_id": str(body_id), "prochaine-title": "Réunion tapée", "prochaine-day": "2031-05-07",
            "prochaine-starts": "09:30", "prochaine-ends": "11:00", "prochaine-place": "Visioconférence"}


@pytest.fixture
def csrf_app(isolated_app):
    """Requests run in their own app context (as in production): Flask-WTF keeps a request's token in ``g``."""
    return isolated_app("expired_actions", WTF_CSRF_ENABLED=True)


@pytest.fixture
def meeting(csrf_app):
    return deadlines_meeting(csrf_app)


def deadlines_meeting(app) -> SimpleNamespace:
    """A meeting whose body is not the first the deadlines page offers (the page's own choice must show), and
    another body to announce a meeting of; with the URLs of its deadlines page and of the page's two forms."""
    with app.app_context():
        other = make_body("Agence — autre instance")
        meeting = make_meeting(make_body("CRSA de test"), place=PLACE)
        return SimpleNamespace(id=meeting.id, body_id=meeting.body_id, other_body_id=other.id,
                               page=f"/meetings/{meeting.id}/deadlines",
                               due_date=f"/meetings/{meeting.id}/deadlines/due-date",
                               next_meeting=f"/meetings/{meeting.id}/deadlines/next-meeting")


def rows(app) -> tuple[int, int]:
    with app.app_context():
        return db.session.scalar(select(func.count(Deadline.id))), db.session.scalar(select(func.count(Meeting.id)))


def test_a_due_date_with_a_lost_token_comes_back_filled_on_the_deadlines_page(csrf_app, meeting):
    client = csrf_app.test_client()
    log_in_with_token(client, new_user(csrf_app, Role.SECRETARIAT))
    before = rows(csrf_app)
    response = client.post(f"/meetings/{meeting.id}/deadlines/due-date", data={**DUE_DATE, "butoir-csrf_token": "perdu"})
    assert response.status_code == 400
    assert "l&#39;action n&#39;a pas été faite" not in response.text and "Requête invalide" not in response.text
    assert "rien n&#39;a été enregistré" in response.text and "Prochaines échéances" in response.text
    shown = form_values(response.text)
    for name, value in DUE_DATE.items():
        assert shown[name] == value, f"{name}: {shown[name]!r} shown, {value!r} typed"
    # The other form of the page is as the page offers it: the meeting's body and place, nothing typed.
    assert shown["prochaine-body_id"] == str(meeting.body_id) and shown["prochaine-place"] == PLACE
    assert shown["prochaine-title"] == "" and shown["prochaine-day"] == ""
    assert rows(csrf_app) == before
    # The page shown again carries a fresh token: sending it again saves.
    again = client.post(f"/meetings/{meeting.id}/deadlines/due-date",
                        data={**DUE_DATE, "butoir-csrf_token": shown["butoir-csrf_token"]})
    assert again.status_code == 302 and rows(csrf_app) == (before[0] + 1, before[1])


def test_a_next_meeting_with_a_lost_token_comes_back_filled_and_plans_nothing(csrf_app, meeting):
    client = csrf_app.test_client()
    log_in_with_token(client, new_user(csrf_app, Role.SECRETARIAT))
    before = rows(csrf_app)
    typed = next_meeting_typed(meeting.other_body_id)
    response = client.post(f"/meetings/{meeting.id}/deadlines/next-meeting",
                           data={**typed, "prochaine-csrf_token": "perdu"})
    assert response.status_code == 400 and "rien n&#39;a été enregistré" in response.text
    shown = form_values(response.text)
    for name, value in typed.items():
        assert shown[name] == value, f"{name}: {shown[name]!r} shown, {value!r} typed"
    assert shown["butoir-title"] == "" and shown["butoir-day"] == ""
    assert rows(csrf_app) == before


def post_due_date_after_the_session_ended(app, client, user, meeting):
    log_in_with_token(client, user)
    token = form_values(client.get(meeting.page).text)["butoir-csrf_token"]
    end_sessions_of(app, user)
    response = client.post(f"/meetings/{meeting.id}/deadlines/due-date", data={**DUE_DATE, "butoir-csrf_token": token})
    assert response.status_code == 302 and unquote(response.headers["Location"]) == f"/login?next={meeting.page}"
    login_page = client.get(response.headers["Location"]).text
    assert "Ce que vous aviez saisi vous sera présenté de nouveau" in login_page
    return response.headers["Location"], csrf_token(login_page)


def test_after_the_session_ended_the_login_leads_back_to_the_filled_deadlines_page(csrf_app, meeting):
    user = new_user(csrf_app, Role.SECRETARIAT)
    client = csrf_app.test_client()
    before = rows(csrf_app)
    login_url, token = post_due_date_after_the_session_ended(csrf_app, client, user, meeting)
    logged_in = client.post(login_url, data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert logged_in.headers["Location"] == meeting.page
    page = client.get(meeting.page)
    assert page.status_code == 200 and "est repris ci-dessous" in page.text
    shown = form_values(page.text)
    for name, value in DUE_DATE.items():
        assert shown[name] == value, f"{name}: {shown[name]!r} shown, {value!r} typed"
    assert shown["prochaine-body_id"] == str(meeting.body_id) and shown["prochaine-place"] == PLACE
    assert form_values(client.get(meeting.page).text)["butoir-title"] == ""  # once
    assert rows(csrf_app) == before


def test_the_deadlines_typed_never_go_to_the_next_person_on_the_same_browser(csrf_app, meeting):
    first, second = new_user(csrf_app, Role.SECRETARIAT), new_user(csrf_app, Role.SECRETARIAT)
    client = csrf_app.test_client()
    login_url, token = post_due_date_after_the_session_ended(csrf_app, client, first, meeting)
    client.post(login_url, data={"email": second.email, "password": PASSWORD, "csrf_token": token})
    page = client.get(meeting.page).text
    assert DUE_DATE["butoir-title"] not in page and form_values(page)["butoir-title"] == ""
    with client.session_transaction() as session:
        assert DUE_DATE["butoir-title"] not in str(dict(session))


def test_a_lost_token_and_an_ended_session_keep_the_typing_for_the_page_too(csrf_app, meeting):
    user = new_user(csrf_app, Role.SECRETARIAT)
    client = csrf_app.test_client()
    log_in_with_token(client, user)
    client.get(meeting.page)
    end_sessions_of(csrf_app, user)
    response = client.post(f"/meetings/{meeting.id}/deadlines/due-date", data={**DUE_DATE, "butoir-csrf_token": "perdu"})
    assert response.status_code == 302 and unquote(response.headers["Location"]) == f"/login?next={meeting.page}"
    token = csrf_token(client.get(response.headers["Location"]).text)
    client.post(response.headers["Location"], data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert form_values(client.get(meeting.page).text)["butoir-title"] == DUE_DATE["butoir-title"]


def test_every_declared_form_page_is_a_page_its_action_can_lead_to(app):
    """``form_shown_on`` names a page (GET) whose URL values the action's URL has: else a refused post would
    fall back, silently, to « l'action n'a pas été faite »."""
    declared = {endpoint: getattr(view, FORM_PAGE) for endpoint, view in app.view_functions.items()
                if hasattr(view, FORM_PAGE)}
    assert declared.keys() >= {"deadlines.add_next_meeting", "deadlines.add_due_date"}
    with app.app_context():
        for action, page in declared.items():
            rule = page_rule(page)
            assert rule is not None, f"{action}: {page} is no page"
            for action_rule in app.url_map.iter_rules(action):
                assert rule.arguments <= action_rule.arguments, f"{action}: {page} needs {rule.arguments}"

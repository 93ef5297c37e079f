"""The two échéance forms of /meetings/<id>/deadlines post to action-only URLs (…/deadlines/due-date,
…/deadlines/next-meeting). Whatever refuses the post — a lost CSRF token, an ended session, a bad date —
the secretariat gets the deadlines page back with what was typed and a French message, never « l'action
n'a pas été faite », a 500 or a half-written record; sent again with the page's fresh token, the form saves
once. Who may post stays the staff of the meeting's ARS, on this path too."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import unquote

import pytest

from app.extensions import db
from app.models import Meeting, Minutes, MinutesStatus, Organisation, Role
from tests.conftest import PASSWORD, create_user
from tests.html_forms import form_values
from tests.test_expired_action_forms import DUE_DATE, PLACE, deadlines_meeting, next_meeting_typed, rows
from tests.test_expired_forms import csrf_token, end_sessions_of, log_in_with_token, new_user

NOT_SAVED = "rien n&#39;a été enregistré"
NOT_DONE = "l&#39;action n&#39;a pas été faite"


@pytest.fixture
def csrf_app(isolated_app):
    """CSRF checked, each request in its own app context, as in production."""
    return isolated_app("deadline_tokens", WTF_CSRF_ENABLED=True)


@pytest.fixture
def meeting(csrf_app):
    return deadlines_meeting(csrf_app)


def secretariat(app):
    client = app.test_client()
    log_in_with_token(client, new_user(app, Role.SECRETARIAT))
    return client


def prefixed(values: dict, prefix: str) -> dict:
    return {name: value for name, value in values.items() if name.startswith(f"{prefix}-")}


def assert_shown(page_html: str, typed: dict) -> dict:
    shown = form_values(page_html)
    for name, value in typed.items():
        assert shown[name] == value, f"{name}: {shown[name]!r} shown, {value!r} typed"
    return shown


# A token lost while still logged in -------------------------------------------------------------------------

def test_a_due_date_whose_token_an_older_session_gave_comes_back_filled_then_saves_once(csrf_app, meeting):
    user = new_user(csrf_app, Role.SECRETARIAT)
    client = csrf_app.test_client()
    log_in_with_token(client, user)
    stale_page = client.get(meeting.page).text
    # Logged out and in again in another tab: a new session, a new CSRF secret; this tab keeps the old page.
    stale_form = form_values(stale_page)
    assert client.post("/logout", data={"csrf_token": stale_form["csrf_token"]}).status_code == 302
    log_in_with_token(client, user)
    before = rows(csrf_app)
    response = client.post(meeting.due_date, data={**prefixed(stale_form, "butoir"), **DUE_DATE})
    assert response.status_code == 400
    assert NOT_DONE not in response.text and NOT_SAVED in response.text
    assert "Prochaines échéances" in response.text
    shown = assert_shown(response.text, DUE_DATE)
    assert rows(csrf_app) == before
    sent_again = client.post(meeting.due_date, data=prefixed(shown, "butoir"))
    assert sent_again.status_code == 302 and rows(csrf_app) == (before[0] + 1, before[1])
    # « Renvoyer » after Back: the same form, posted once more, records nothing more.
    assert client.post(meeting.due_date, data=prefixed(shown, "butoir")).status_code == 302
    assert rows(csrf_app) == (before[0] + 1, before[1])


def test_a_next_meeting_with_a_lost_token_plans_one_meeting_once_sent_again(csrf_app, meeting):
    client = secretariat(csrf_app)
    before = rows(csrf_app)
    typed = next_meeting_typed(meeting.other_body_id)
    response = client.post(meeting.next_meeting, data={**typed, "prochaine-csrf_token": "perdu"})
    assert response.status_code == 400 and NOT_SAVED in response.text and NOT_DONE not in response.text
    shown = assert_shown(response.text, typed)
    assert rows(csrf_app) == before
    assert client.post(meeting.next_meeting, data=prefixed(shown, "prochaine")).status_code == 302
    assert client.post(meeting.next_meeting, data=prefixed(shown, "prochaine")).status_code == 302
    assert rows(csrf_app) == (before[0] + 1, before[1] + 1)


# A bad date: the French error, what was typed, nothing saved ----------------------------------------------

def test_a_bad_date_on_the_due_date_form_comes_back_as_typed_with_a_french_error(csrf_app, meeting):
    client = secretariat(csrf_app)
    before = rows(csrf_app)
    page = form_values(client.get(meeting.page).text)
    typed = {**DUE_DATE, "butoir-day": "31/02/2031"}
    response = client.post(meeting.due_date, data={**prefixed(page, "butoir"), **typed})
    assert response.status_code == 422
    assert "Date invalide : saisissez-la au format JJ/MM/AAAA." in response.text
    assert 'id="butoir-day-erreurs"' in response.text
    shown = assert_shown(response.text, typed)
    assert shown["prochaine-title"] == "" and shown["prochaine-place"] == PLACE
    assert rows(csrf_app) == before
    corrected = {**prefixed(shown, "butoir"), "butoir-day": "28/02/2031"}
    assert client.post(meeting.due_date, data=corrected).status_code == 302
    assert client.post(meeting.due_date, data=corrected).status_code == 302
    assert rows(csrf_app) == (before[0] + 1, before[1])


def test_a_next_meeting_ending_before_it_starts_comes_back_as_typed_with_a_french_error(csrf_app, meeting):
    client = secretariat(csrf_app)
    before = rows(csrf_app)
    page = form_values(client.get(meeting.page).text)
    typed = {**next_meeting_typed(meeting.other_body_id), "prochaine-starts": "11:00", "prochaine-ends": "09:30"}
    response = client.post(meeting.next_meeting, data={**prefixed(page, "prochaine"), **typed})
    assert response.status_code == 422
    assert "L&#39;heure de fin doit être après l&#39;heure de début." in response.text
    shown = assert_shown(response.text, typed)
    assert shown["butoir-title"] == "" and shown["butoir-day"] == ""
    assert rows(csrf_app) == before


# The session ended: back after the login ----------------------------------------------------------------

def test_after_the_session_ended_the_next_meeting_typed_comes_back_after_the_login(csrf_app, meeting):
    user = new_user(csrf_app, Role.SECRETARIAT)
    client = csrf_app.test_client()
    log_in_with_token(client, user)
    token = form_values(client.get(meeting.page).text)["prochaine-csrf_token"]
    end_sessions_of(csrf_app, user)
    before = rows(csrf_app)
    typed = next_meeting_typed(meeting.other_body_id)
    response = client.post(meeting.next_meeting, data={**typed, "prochaine-csrf_token": token})
    assert response.status_code == 302 and unquote(response.headers["Location"]) == f"/login?next={meeting.page}"
    login_page = client.get(response.headers["Location"]).text
    assert "Ce que vous aviez saisi vous sera présenté de nouveau" in login_page
    client.post(response.headers["Location"],
                data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(login_page)})
    page = client.get(meeting.page)
    assert page.status_code == 200 and "est repris ci-dessous" in page.text
    shown = assert_shown(page.text, typed)
    assert rows(csrf_app) == before
    assert client.post(meeting.next_meeting, data=prefixed(shown, "prochaine")).status_code == 302
    assert rows(csrf_app) == (before[0] + 1, before[1] + 1)


def test_the_echeance_forms_keep_their_text_in_the_browser_until_saved(csrf_app, meeting):
    """A browser that lost its cookies altogether leaves the server nothing to tell whose typing it was: as on
    the tour de table, the browser keeps the text (static/js/drafts.js) and forgets it once saved."""
    client = secretariat(csrf_app)
    page = client.get(meeting.page).text
    due_key, next_key = f"meeting-{meeting.id}-deadline-due-date", f"meeting-{meeting.id}-deadline-next-meeting"
    assert f'data-draft="{due_key}"' in page and f'data-draft="{next_key}"' in page
    shown = form_values(page)
    saved = client.post(meeting.due_date, data={**prefixed(shown, "butoir"), **DUE_DATE})
    assert saved.status_code == 302 and unquote(saved.headers["Location"]).endswith(f"{meeting.page}?saved={due_key}")
    repeated = client.post(meeting.due_date, data={**prefixed(shown, "butoir"), **DUE_DATE})
    assert unquote(repeated.headers["Location"]).endswith(f"?saved={due_key}")
    typed = next_meeting_typed(meeting.other_body_id)
    planned = client.post(meeting.next_meeting, data={**prefixed(shown, "prochaine"), **typed})
    assert planned.status_code == 302 and unquote(planned.headers["Location"]).endswith(f"?saved={next_key}")


# Who may post: staff of the meeting's ARS only, after a lost token too -----------------------------------

def test_a_member_posting_an_echeance_with_a_lost_token_is_refused_and_nothing_is_kept(csrf_app, meeting):
    client = csrf_app.test_client()
    log_in_with_token(client, new_user(csrf_app, Role.MEMBER))
    before = rows(csrf_app)
    response = client.post(meeting.due_date, data={**DUE_DATE, "butoir-csrf_token": "perdu"})
    assert response.status_code == 403
    assert DUE_DATE["butoir-title"] not in response.text
    assert rows(csrf_app) == before
    with client.session_transaction() as session:
        assert DUE_DATE["butoir-title"] not in str(dict(session))


def test_staff_of_another_ars_posting_with_a_lost_token_get_a_404_and_see_nothing(csrf_app, meeting):
    with csrf_app.app_context():
        corse = Organisation(name="ARS Corse")
        db.session.add(corse)
        email = create_user(Role.SECRETARIAT, organisation=corse).email
    client = csrf_app.test_client()
    log_in_with_token(client, SimpleNamespace(email=email))
    before = rows(csrf_app)
    for url, typed, prefix in ((meeting.due_date, DUE_DATE, "butoir"),
                               (meeting.next_meeting, next_meeting_typed(meeting.body_id), "prochaine")):
        response = client.post(url, data={**typed, f"{prefix}-csrf_token": "perdu"})
        assert response.status_code == 404, url
        assert "Réunion tapée" not in response.text and DUE_DATE["butoir-title"] not in response.text
        assert PLACE not in response.text
    assert rows(csrf_app) == before


def test_a_lost_token_on_a_meeting_frozen_meanwhile_says_why_instead_of_failing(csrf_app, meeting):
    client = secretariat(csrf_app)
    with csrf_app.app_context():
        db.session.get(Meeting, meeting.id).minutes = Minutes(status=MinutesStatus.VALIDATED)
        db.session.commit()
    before = rows(csrf_app)
    response = client.post(meeting.due_date, data={**DUE_DATE, "butoir-csrf_token": "perdu"})
    assert response.status_code == 409 and "Séance figée" in response.text
    assert rows(csrf_app) == before

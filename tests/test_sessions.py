"""Logging out logs out: sessions and remember cookies end on logout, password change or reset and
deactivation, replayed cookies are refused, and a login lasts REMEMBER_COOKIE_DURATION at most.

Checked on the home page and on « Mes séances ».
"""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select

from app.auth.passwords import reset_token
from app.extensions import db
from app.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, create_user, log_in

PAGES = ("/", "/mes-seances")
NEW_PASSWORD = "un tout nouveau secret 2026"


def remembered_client(app, user: User):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    return client


def cookie_value(client, name: str) -> str | None:
    cookie = client.get_cookie(name, domain="seances.test")
    return cookie.value if cookie is not None else None


def replay(app, **cookies):
    """A new browser holding only ``cookies`` (copied from another one)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value, domain="seances.test")
    return client


def logged_in(client) -> bool:
    """True when every page of PAGES opens; False when each sends to the login page."""
    statuses = {client.get(page).status_code for page in PAGES}
    assert statuses in ({200}, {302}), statuses
    return statuses == {200}


@pytest.fixture
def member(app_context):
    return create_user(Role.SECRETARIAT)


def test_logout_deletes_the_remember_cookie_and_neither_cookie_logs_in_again(app, member):
    client = remembered_client(app, member)
    assert logged_in(client)
    session_cookie, remember_cookie = cookie_value(client, "session"), cookie_value(client, "remember_token")
    assert session_cookie and remember_cookie

    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert any(header.startswith("remember_token=;") and "Expires=Thu, 01 Jan 1970" in header
               for header in response.headers.getlist("Set-Cookie"))
    assert response.headers["Clear-Site-Data"] == '"storage"'
    assert cookie_value(client, "remember_token") is None and not logged_in(client)

    assert not logged_in(replay(app, session=session_cookie))
    assert not logged_in(replay(app, remember_token=remember_cookie))
    assert not logged_in(replay(app, session=session_cookie, remember_token=remember_cookie))


def test_a_refused_remember_cookie_is_deleted(app, member):
    remember_cookie = cookie_value(remembered_client(app, member), "remember_token")
    member.end_sessions()
    db.session.commit()
    thief = replay(app, remember_token=remember_cookie)
    response = thief.get("/")
    assert response.status_code == 302
    assert cookie_value(thief, "remember_token") is None


def test_the_remember_cookie_alone_logs_in_again_until_something_ends_the_sessions(app, member):
    remember_cookie = cookie_value(remembered_client(app, member), "remember_token")
    browser_reopened = replay(app, remember_token=remember_cookie)
    assert logged_in(browser_reopened)


def test_logging_out_in_one_browser_logs_out_the_others(app, member):
    first, second = log_in(app.test_client(), member), remembered_client(app, member)
    assert logged_in(first) and logged_in(second)
    first.post("/logout")
    assert not logged_in(second)


def test_changing_the_password_logs_out_the_other_browsers_but_not_this_one(app, member):
    here, elsewhere = remembered_client(app, member), remembered_client(app, member)
    old_remember_cookie = cookie_value(here, "remember_token")
    assert logged_in(here) and logged_in(elsewhere)
    response = here.post("/mon-compte/mot-de-passe", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(here)
    assert not logged_in(elsewhere)
    assert not logged_in(replay(app, remember_token=old_remember_cookie))
    # This browser's new remember cookie works on its own (the browser closed and reopened).
    assert logged_in(replay(app, remember_token=cookie_value(here, "remember_token")))


def test_a_password_reset_logs_out_every_browser(app, member):
    browsers = [log_in(app.test_client(), member), remembered_client(app, member)]
    assert all(logged_in(browser) for browser in browsers)
    token = reset_token(member)
    response = app.test_client().post(f"/mot-de-passe/nouveau/{token}",
                                      data={"new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.status_code == 302
    assert not any(logged_in(browser) for browser in browsers)


def test_a_deactivated_account_is_logged_out_everywhere_and_cannot_log_in(app, app_context, admin_client):
    user = create_user(Role.SECRETARIAT)
    browsers = [log_in(app.test_client(), user), remembered_client(app, user)]
    remember_cookie = cookie_value(browsers[1], "remember_token")
    assert admin_client.post(f"/admin/comptes/{user.id}/desactiver").status_code == 302
    assert not any(logged_in(browser) for browser in browsers)
    assert not logged_in(replay(app, remember_token=remember_cookie))
    refused = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 200 and "incorrect" in refused.get_data(as_text=True)

    assert admin_client.post(f"/admin/comptes/{user.id}/reactiver").status_code == 302
    assert logged_in(log_in(app.test_client(), user))
    assert not logged_in(replay(app, remember_token=remember_cookie)), "reactivating brings no old session back"


def test_deactivate_and_reactivate_user_commands(app, member):
    browser = remembered_client(app, member)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deactivate-user", member.email.upper()])
    assert result.exit_code == 0 and "désactivé" in result.output
    assert not logged_in(browser)
    assert app.test_client().post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 200
    result = runner.invoke(args=["reactivate-user", member.email])
    assert result.exit_code == 0 and "réactivé" in result.output
    assert logged_in(log_in(app.test_client(), member))
    unknown = runner.invoke(args=["deactivate-user", "personne@example.fr"])
    assert unknown.exit_code != 0 and "Aucun compte" in unknown.output
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "User",
                                                                AuditEvent.entity_id == member.id)).all()
    assert {"deactivated", "reactivated"} <= set(events)


def test_a_remember_cookie_older_than_its_lifetime_is_refused_by_the_server(app, member, monkeypatch):
    """The browser drops the cookie after REMEMBER_COOKIE_DURATION; a copy kept longer gets nothing."""
    lifetime = app.config["REMEMBER_COOKIE_DURATION"]
    assert lifetime == timedelta(days=14)
    with app.test_request_context():
        issued = int(time.time() - lifetime.total_seconds())
        expired = encode_cookie(f"{member.id}:{member.session_generation}:{issued - 60}")
        recent = encode_cookie(f"{member.id}:{member.session_generation}:{issued + 3600}")
    assert not logged_in(replay(app, remember_token=expired))
    assert logged_in(replay(app, remember_token=recent))
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_DURATION", timedelta(minutes=30))
    assert not logged_in(replay(app, remember_token=recent))


def test_a_session_of_before_the_generations_is_refused(app, member):
    """A cookie holding a bare account id (as Séances wrote them before) no longer logs anyone in."""
    with app.test_request_context():
        bare = encode_cookie(str(member.id))
    assert not logged_in(replay(app, remember_token=bare))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(member.id)
    assert not logged_in(client)


def test_cookies_expire_with_the_configured_lifetime(app, member):
    client = app.test_client()
    response = client.post("/login", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    remember = next(header for header in response.headers.getlist("Set-Cookie")
                    if header.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember and "Expires=" in remember


def test_a_new_secret_key_ends_the_sessions_signed_with_the_old_one_unless_kept_as_a_fallback(app, member,
                                                                                             monkeypatch):
    """The session's signer is built once per key: a key rotated in place (``SECRET_KEY``, with the old one in
    ``SECRET_KEY_FALLBACKS`` or not) is read at the next request."""
    client = log_in(app.test_client(), member)
    assert client.get("/mes-seances").status_code == 200
    old_key = app.secret_key
    monkeypatch.setitem(app.config, "SECRET_KEY", "une toute nouvelle clé de signature, assez longue")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])
    assert client.get("/mes-seances").status_code == 200
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    assert client.get("/mes-seances").status_code == 302  # a new key alone: the session ended, log in again
    log_in(client, member)
    assert client.get("/mes-seances").status_code == 200

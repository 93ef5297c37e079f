"""Audit of accounts, sign-in and role boundaries: the defects found, each proved by a test."""
from __future__ import annotations

import uuid

import pytest

from app.accounts.domain import deactivate, reactivate
from app.auth.passwords import reset_token
from app.extensions import db
from app.models import Role, User
from tests.conftest import PASSWORD, create_user, log_in

NEW_PASSWORD = "une phrase de passe 2026"


@pytest.mark.parametrize("target", ["/\\evil.example/", "/\\/evil.example/", "/\t/evil.example/"])
def test_login_next_with_a_backslash_does_not_leave_the_site(client, app_context, target):
    """Browsers read « /\\evil.example » as « //evil.example »: another site."""
    user = create_user(Role.MEMBER)
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_login_next_to_a_page_of_the_site_is_followed(client, app_context):
    user = create_user(Role.MEMBER)
    response = client.post("/login", query_string={"next": "/mon-agenda?x=1"},
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/mon-agenda?x=1"


def test_control_characters_in_the_address_do_not_escape_the_account_limit(isolated_app):
    """The form drops control characters and line breaks before looking the account up: the limit per
    account must count the same address, else each variant gets fresh guesses at the same password."""
    app = isolated_app("audit_limits", RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=uuid.uuid4().hex,
                       LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes")
    with app.app_context():
        user = create_user(Role.SECRETARIAT, email="cible@example.fr")
        client = app.test_client()
        failures = [client.post("/login", data={"email": email, "password": "faux mot de passe"}).status_code
                    for email in ("cible@example.fr", "CIBLE@example.fr ")]
        assert failures == [200, 200]
        for variant in ("ci\x01ble@example.fr", "cible@exa\x7fmple.fr", "cible@example.fr\u2028"):
            guess = client.post("/login", data={"email": variant, "password": PASSWORD})
            assert guess.status_code == 429, repr(variant)
        assert user.id


def test_a_reset_link_does_not_come_back_with_a_reactivation(app, app_context, client):
    """A link sent before a deactivation stays dead once the account is reactivated (within its hour)."""
    user = create_user(Role.SECRETARIAT, email="claire@example.fr")
    link = f"/mot-de-passe/nouveau/{reset_token(user)}"
    deactivate(user)
    db.session.commit()
    assert client.get(link).status_code == 400
    reactivate(db.session.get(User, user.id))
    db.session.commit()
    answer = client.post(link, data={"new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert answer.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_a_reset_link_still_works_when_nothing_ended_the_sessions(app, app_context, client):
    user = create_user(Role.SECRETARIAT, email="claire@example.fr")
    link = f"/mot-de-passe/nouveau/{reset_token(user)}"
    log_in(app.test_client(), user)  # a login elsewhere does not end the link
    answer = client.post(link, data={"new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert answer.status_code == 302


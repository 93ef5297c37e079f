"""Sign-in defences: limits per account and per address behind trusted proxies, login and reset working
when Redis is down, the same work whether an account exists, security events in the audit trail, and no
page with personal data kept by a browser or a proxy."""
from __future__ import annotations

import logging
import re
import uuid

import pytest
from sqlalchemy import select

from app.extensions import db, limiter
from app.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, create_user, log_in
from tests.smtp_server import free_port

NEW_PASSWORD = "un tout nouveau secret 2026"


def limited_app(isolated_app, **config):
    return isolated_app("limits", RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=uuid.uuid4().hex, **config)


def attempt(client, email: str, address: str, password: str = "faux mot de passe"):
    return client.post("/login", data={"email": email, "password": password},
                       headers={"X-Forwarded-For": address})


def test_failures_are_limited_per_account_whatever_the_address(isolated_app):
    app = limited_app(isolated_app, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="100 per minute",
                      LOGIN_ACCOUNT_RATE_LIMIT="3 per 15 minutes")
    with app.app_context():
        target, other = create_user(Role.SECRETARIAT), create_user(Role.SECRETARIAT)
        client = app.test_client()
        statuses = [attempt(client, target.email, f"203.0.113.{number}").status_code for number in range(1, 5)]
        assert statuses == [200, 200, 200, 429]
        blocked = attempt(client, target.email.upper(), "198.51.100.7", PASSWORD)
        assert blocked.status_code == 429, "the right password waits too: guesses must not go on"
        assert "Trop de tentatives" in blocked.text
        assert attempt(client, other.email, "203.0.113.1", PASSWORD).status_code == 302, "other accounts go on"


def test_successful_logins_do_not_use_up_the_account_limit(isolated_app):
    app = limited_app(isolated_app, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes")
    with app.app_context():
        user = create_user(Role.SECRETARIAT)
        for _ in range(4):
            client = app.test_client()
            assert attempt(client, user.email, "203.0.113.1", PASSWORD).status_code == 302


def test_password_reset_requests_are_limited_per_account(isolated_app):
    # Nobody listens on MAIL_PORT: the e-mail fails, logged, and the answer stays the same.
    app = limited_app(isolated_app, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="100 per minute",
                      LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes", MAIL_PORT=free_port())
    with app.app_context():
        user = create_user(Role.SECRETARIAT)
        client = app.test_client()
        statuses = [client.post("/mot-de-passe-oublie", data={"email": user.email},
                                headers={"X-Forwarded-For": f"203.0.113.{number}"}).status_code for number in (1, 2, 3)]
        assert statuses == [302, 302, 429]


def change_password(client, current: str, new: str = NEW_PASSWORD, address: str = "127.0.0.1"):
    return client.post("/mon-compte/mot-de-passe", data={"current_password": current, "new_password": new,
                                                         "confirmation": new}, headers={"X-Forwarded-For": address})


def test_wrong_current_passwords_are_limited_per_account(isolated_app):
    """A stolen session (or a shared computer) cannot try current passwords without end: after the
    account's failures, even the right one waits, from any session and address; other accounts go on."""
    app = limited_app(isolated_app, TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="100 per minute",
                      LOGIN_ACCOUNT_RATE_LIMIT="3 per 15 minutes")
    with app.app_context():
        target, other = create_user(Role.SECRETARIAT), create_user(Role.SECRETARIAT)
        client = log_in(app.test_client(), target)
        statuses = [change_password(client, "faux mot de passe", address=f"203.0.113.{number}").status_code
                    for number in range(1, 5)]
        assert statuses == [422, 422, 422, 429]
        blocked = change_password(client, PASSWORD, address="198.51.100.7")
        assert blocked.status_code == 429, "the right password waits too: guesses must not go on"
        assert "Trop de tentatives" in blocked.text and "Patientez une minute" in blocked.text
        assert change_password(log_in(app.test_client(), target), PASSWORD).status_code == 429, "a new session too"
        assert client.get("/mon-compte/mot-de-passe").status_code == 200, "the page itself still opens"
        db.session.refresh(target)
        assert target.check_password(PASSWORD) and not target.check_password(NEW_PASSWORD)
        assert "password_changed" not in [action for action, _ in security_events(target)]
        other_client = log_in(app.test_client(), other)
        assert change_password(other_client, PASSWORD, address="203.0.113.1").status_code == 302, "other accounts go on"
        db.session.refresh(other)
        assert other.check_password(NEW_PASSWORD)


def test_successful_password_changes_do_not_use_up_the_account_limit(isolated_app):
    app = limited_app(isolated_app, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes")
    with app.app_context():
        user = create_user(Role.SECRETARIAT)
        client = log_in(app.test_client(), user)
        passwords = [PASSWORD, NEW_PASSWORD] * 3
        statuses = [change_password(client, current, new).status_code
                    for current, new in zip(passwords, passwords[1:])]
        assert statuses == [302] * 5
        assert change_password(client, "faux mot de passe", PASSWORD).status_code == 422, "not blocked: one failure"


def test_password_changes_are_limited_per_client_address(isolated_app):
    app = limited_app(isolated_app, LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    with app.app_context():
        first, second = create_user(Role.SECRETARIAT), create_user(Role.SECRETARIAT)
        first_client, second_client = log_in(app.test_client(), first), log_in(app.test_client(), second)
        statuses = [change_password(first_client, "faux mot de passe").status_code,
                    change_password(second_client, "faux mot de passe").status_code,
                    change_password(first_client, "faux mot de passe").status_code,
                    change_password(second_client, PASSWORD).status_code]
        assert statuses == [422, 422, 422, 429], "every attempt from the address counts, whatever the account"
        db.session.refresh(second)
        assert second.check_password(PASSWORD)
        anonymous = app.test_client().post("/mon-compte/mot-de-passe", data={"current_password": PASSWORD})
        assert anonymous.status_code == 302 and "/login" in anonymous.location, "the login page, not the limiter"


@pytest.mark.parametrize("proxies, seen", [(0, "127.0.0.1"), (1, "203.0.113.9"), (2, "198.51.100.4")])
def test_forwarded_addresses_are_believed_only_from_trusted_proxies(isolated_app, proxies, seen):
    """X-Forwarded-For is written by each proxy in turn: with N trusted proxies, the Nth address from the
    end is the client's; with none, the header is ignored (anyone can send it)."""
    app = isolated_app("proxies", TRUSTED_PROXIES=proxies)
    with app.app_context():
        user = create_user(Role.SECRETARIAT)
        response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD},
                                          headers={"X-Forwarded-For": "198.51.100.4, 203.0.113.9"})
        assert response.status_code == 302
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
        assert event.remote_address == seen


def test_without_trusted_proxies_every_forged_address_shares_one_limit(isolated_app):
    app = limited_app(isolated_app, LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    with app.app_context():
        client = app.test_client()
        statuses = [attempt(client, f"x{number}@example.fr", f"203.0.113.{number}").status_code
                    for number in range(1, 5)]
        assert statuses == [200, 200, 200, 429]


def test_login_and_reset_work_when_redis_is_unreachable(isolated_app, caplog):
    """Limits fall back to this process's memory (the failure is logged): nobody is locked out, and
    the limits still hold."""
    # Alembic's logging set-up (test_migrations runs « flask db upgrade » in this process) disables the loggers
    # that exist by then: the limiter's must speak here, as it does in the app servers.
    logging.getLogger("flask-limiter").disabled = False
    app = limited_app(isolated_app, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                      LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute",
                      MAIL_PORT=free_port())
    try:
        with app.app_context(), caplog.at_level(logging.WARNING):
            user = create_user(Role.SECRETARIAT)
            assert app.test_client().post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
            assert "Rate limit storage unreachable" in caplog.text
            forgot = app.test_client().post("/mot-de-passe-oublie", data={"email": user.email})
            assert forgot.status_code == 302
            client = app.test_client()
            statuses = [client.post("/login", data={"email": user.email, "password": "faux"}).status_code
                        for _ in range(3)]
            assert statuses == [200, 200, 429], "the first login above counted too: the limits still hold in memory"
    finally:
        limiter._storage_dead = False  # the extension object outlives this app: forget the dead storage


def test_login_checks_a_password_hash_whether_the_account_exists_or_not(app, app_context, monkeypatch):
    """The answer for an unknown address costs the same hashing as a wrong password."""
    import app.auth.passwords as passwords
    import app.models.accounts as accounts

    checked = []
    for module in (passwords, accounts):
        original = module.check_password_hash
        monkeypatch.setattr(module, "check_password_hash",
                            lambda hashed, password, original=original: checked.append(hashed) or original(hashed,
                                                                                                           password))
    user = create_user(Role.SECRETARIAT)
    client = app.test_client()
    for email in ("personne@example.fr", user.email):
        checked.clear()
        response = client.post("/login", data={"email": email, "password": "faux mot de passe"})
        assert response.status_code == 200 and "incorrect" in response.text
        assert len(checked) == 1 and checked[0].split("$")[0] == user.password_hash.split("$")[0], email


def security_events(user: User | None = None) -> list[tuple[str, str]]:
    query = select(AuditEvent).where(AuditEvent.action.in_((
        "login", "login_failed", "logout", "password_changed", "password_reset_requested", "password_reset",
        "deactivated", "reactivated", "feed_link_regenerated"))).order_by(AuditEvent.id)
    if user is not None:
        query = query.where(AuditEvent.entity_id == user.id)
    return [(event.action, event.remote_address) for event in db.session.scalars(query)]


def test_security_events_are_in_the_audit_trail_with_account_and_address(app, app_context, inbox, admin_client):
    user = create_user(Role.SECRETARIAT)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": "faux"})
    client.post("/login", data={"email": "personne@example.fr", "password": "faux"})
    log_in(client, user)
    client.post("/mon-compte/mot-de-passe", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                  "confirmation": NEW_PASSWORD})
    client.post("/logout")
    client.post("/mot-de-passe-oublie", data={"email": user.email})
    token = re.search(r"/mot-de-passe/nouveau/(\S+)", inbox.messages[-1][1].get_content())
    client.post(f"/mot-de-passe/nouveau/{token.group(1)}", data={"new_password": PASSWORD, "confirmation": PASSWORD})
    admin_client.post(f"/admin/comptes/{user.id}/desactiver")
    admin_client.post(f"/admin/comptes/{user.id}/reactiver")
    assert [action for action, _ in security_events(user)] == [
        "login_failed", "login", "password_changed", "logout", "password_reset_requested", "password_reset",
        "deactivated", "reactivated"]
    assert {address for _, address in security_events(user)} == {"127.0.0.1"}
    unknown = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_failed",
                                                         AuditEvent.entity_id.is_(None)))
    assert unknown.summary == "Échec de connexion : adresse sans compte" and "personne@" not in unknown.summary

    page = admin_client.get("/admin/audit?entity=securite").text
    for label in ("Échec de connexion", "Connexion", "Changement de mot de passe", "Déconnexion",
                  "Demande de nouveau mot de passe", "Nouveau mot de passe par lien", "Désactivation du compte",
                  "Réactivation du compte"):
        assert label in page, label
    assert "127.0.0.1" in page and user.email in page


def test_regenerating_a_feed_link_is_a_security_event(app, app_context):
    from tests.ics_support import make_body

    body = make_body()
    person = body.memberships[0].person
    user = create_user(Role.MEMBER, person=person)
    client = log_in(app.test_client(), user)
    client.post(f"/bodies/{body.id}/feed/regenerate")  # the first link: not an event
    client.post(f"/bodies/{body.id}/feed/regenerate")
    client.post("/mon-agenda/nouveau-lien")
    assert [action for action, _ in security_events(user) if action != "login"] == ["feed_link_regenerated"] * 2


def test_national_admins_read_every_ars_sign_in_events_and_nothing_else(app, demo):
    from app.demo import DEMO_PASSWORD, NATIONAL_ADMIN_EMAIL

    member = db.session.scalar(select(User).where(User.email == "membre@bretagne.demo.example.fr"))
    log_in(app.test_client(), member, DEMO_PASSWORD)
    national = log_in(app.test_client(), db.session.scalar(select(User).where(User.email == NATIONAL_ADMIN_EMAIL)),
                      DEMO_PASSWORD)
    page = national.get("/admin/audit").text
    assert "membre@bretagne.demo.example.fr" in page and "Connexion" in page
    assert "Création" not in page and "Groupe de travail" not in page  # no ARS's data events


@pytest.mark.parametrize("url", ["/", "/mes-seances", "/bodies/", "/people/", "/deadlines", "/recherche",
                                 "/mon-agenda", "/admin/audit"])
def test_pages_of_a_logged_in_user_are_never_stored(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_documents_and_exports_are_never_stored_but_static_files_are(app, demo, admin_client):
    person = demo.invitations[0].person
    assert admin_client.get(f"/meetings/{demo.id}/minutes.docx").headers["Cache-Control"] == "no-store"
    assert admin_client.get(f"/meetings/{demo.id}.ics").headers["Cache-Control"] == "no-store"
    assert admin_client.post(f"/people/{person.id}/data.json").headers["Cache-Control"] == "no-store"
    assert admin_client.get("/login").headers["Cache-Control"] == "no-store"
    assert "no-store" not in admin_client.get("/static/seances.css").headers.get("Cache-Control", "")

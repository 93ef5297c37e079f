"""Password rules, « changer mon mot de passe » and the reset link sent by e-mail (real SMTP server)."""
from __future__ import annotations

import re
import uuid

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from app.auth.passwords import password_problems
from app.extensions import db
from app.models import Role, User
from tests.conftest import PASSWORD, create_user, log_in

RESET_LINK = re.compile(r"http://seances\.test/mot-de-passe/nouveau/[\w.\-]+")
NEUTRAL = "Si un compte actif correspond à cette adresse"
NEW_PASSWORD = "une phrase de passe 2026"


@pytest.mark.parametrize("password, message", [
    ("court-1", "au moins 12 caractères"),
    ("seulementdeslettres", "pas seulement des lettres"),
    ("claire@example.fr", "ne doit pas être votre adresse"),
])
def test_weak_passwords_are_refused_with_a_french_reason(password, message):
    assert message in " ".join(password_problems(password, "Claire@example.fr"))


def test_a_long_passphrase_is_accepted():
    assert password_problems(NEW_PASSWORD, "claire@example.fr") == []


def test_create_user_command_applies_the_password_rules(app, app_context):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "claire@example.fr", "--password", "seulementdeslettres"])
    assert result.exit_code != 0 and "pas seulement des lettres" in result.output
    assert db.session.scalar(select(User).where(User.email == "claire@example.fr")) is None


def test_user_changes_their_password(app, app_context):
    user = create_user(Role.MEMBER, email="claire@example.fr")
    client = log_in(app.test_client(), user)
    assert "Changer mon mot de passe" in client.get("/mon-compte/mot-de-passe").text
    wrong = client.post("/mon-compte/mot-de-passe", data={
        "current_password": "pas le bon", "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert wrong.status_code == 422 and "Mot de passe actuel incorrect." in wrong.text
    weak = client.post("/mon-compte/mot-de-passe", data={
        "current_password": PASSWORD, "new_password": "claire@example.fr", "confirmation": "claire@example.fr"})
    assert weak.status_code == 422 and "ne doit pas être votre adresse" in weak.text
    mismatch = client.post("/mon-compte/mot-de-passe", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 422 and "ne sont pas identiques" in mismatch.text
    done = client.post("/mon-compte/mot-de-passe", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert done.status_code == 302
    log_in(app.test_client(), user, NEW_PASSWORD)


def ask_reset(client, email: str):
    response = client.post("/mot-de-passe-oublie", data={"email": email}, follow_redirects=True)
    assert response.status_code == 200 and NEUTRAL in response.text
    return response


def reset_link(inbox, address: str) -> str:
    [message] = inbox.to(address)
    assert message["Subject"] == "Séances : choisir un nouveau mot de passe"
    return RESET_LINK.search(message.get_content()).group(0).removeprefix("http://seances.test")


def test_forgotten_password_link_works_once(app, app_context, client, inbox):
    user = create_user(Role.SECRETARIAT, email="claire@example.fr")
    assert "Mot de passe oublié ?" in client.get("/login").text
    ask_reset(client, "Claire@Example.fr")
    link = reset_link(inbox, "claire@example.fr")
    assert client.get(link).status_code == 200
    weak = client.post(link, data={"new_password": "trop court", "confirmation": "trop court"})
    assert weak.status_code == 422 and "au moins 12 caractères" in weak.text
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}).status_code == 302
    log_in(app.test_client(), user, NEW_PASSWORD)
    reused = client.post(link, data={"new_password": "encore une autre 2026", "confirmation": "encore une autre 2026"})
    assert reused.status_code == 400 and "n'est plus valable" in reused.text
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, app_context, inbox):
    create_user(Role.MEMBER, email="claire@example.fr")
    known = ask_reset(client, "claire@example.fr")
    unknown = ask_reset(client, "personne@example.fr")
    assert known.text.count(NEUTRAL) == unknown.text.count(NEUTRAL) == 1
    assert [recipients for recipients, _ in inbox.messages] == [["claire@example.fr"]]


def test_expired_and_tampered_links_are_refused(client, app_context, inbox, monkeypatch):
    user = create_user(Role.MEMBER, email="claire@example.fr")
    ask_reset(client, user.email)
    link = reset_link(inbox, user.email)
    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    assert client.get(tampered).status_code == 400
    forged_for_other = link.replace(link.rsplit("/", 1)[1].split(".")[0], "eyJ1c2VyIjoxfQ")
    assert client.get(forged_for_other).status_code == 400
    real_timestamp = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real_timestamp(self) + 3601)
    expired = client.post(link, data={"new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert expired.status_code == 400 and "a expiré" in expired.text
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_reset_requests_are_rate_limited_like_logins(isolated_app):
    limited = isolated_app("reset_limits", RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=uuid.uuid4().hex,
                           LOGIN_RATE_LIMIT="2 per minute", MAIL_PORT=1)
    with limited.app_context():
        client = limited.test_client()
        statuses = [client.post("/mot-de-passe-oublie", data={"email": "x@example.fr"}).status_code
                    for _ in range(3)]
    assert statuses == [302, 302, 429]

"""Accounts: login, logout, and what each role may open."""
from sqlalchemy import select

from app import create_app
from app.demo import DEMO_PASSWORD

from app.extensions import db
from app.models import Body, Role, User
from tests.conftest import PASSWORD, create_user, log_in


def test_anonymous_user_is_sent_to_login(client, demo):
    for path in ("/", "/bodies/", f"/bodies/{demo.body_id}", f"/meetings/{demo.id}"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


def test_login_page_is_french_and_wrong_password_keeps_the_email(client, app_context):
    user = create_user(Role.MEMBER, email="anne@test.example.fr")
    response = client.get("/login")
    assert "Adresse électronique" in response.text and "Mot de passe" in response.text
    response = client.post("/login", data={"email": user.email, "password": "faux"})
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert 'value="anne@test.example.fr"' in response.text


def test_login_then_logout(client, app_context):
    user = create_user(Role.SECRETARIAT)
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_login_does_not_redirect_to_another_site(client, app_context):
    user = create_user(Role.MEMBER)
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_passwords_are_hashed(app_context):
    user = create_user(Role.MEMBER)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_an_installation_hashes_passwords_with_scrypt(tmp_path):
    """The suite hashes cheaply (``TEST_PASSWORD_HASH_METHOD``); an installation keeps Werkzeug's scrypt. (Its rate
    limits stay off: Flask-Limiter keeps « enabled » on the extension object every test app shares.)"""
    installation = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite'}",
                               "RATELIMIT_ENABLED": False})
    with installation.app_context():
        user = User(email="anne@example.fr", role=Role.MEMBER)
        user.set_password(PASSWORD)
        assert user.password_hash.startswith("scrypt:32768:8:1$") and user.check_password(PASSWORD)
        assert not user.check_password(PASSWORD + "!")


def test_inactive_user_cannot_log_in(client, app_context):
    user = create_user(Role.MEMBER)
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def member_of_group(demo) -> User:
    return db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))


def test_member_sees_only_the_bodies_they_sit_in(app, demo):
    client = log_in(app.test_client(), member_of_group(demo), DEMO_PASSWORD)
    page = client.get("/bodies/").text
    assert "Groupe de travail CRSA COVID Déconfinement" in page
    assert "Conférence Régionale de la Santé et de l&#39;Autonomie" in page  # the president sits there
    assert "Conseil territorial de santé de l&#39;Hérault" not in page
    herault = db.session.scalar(select(Body).where(Body.short_name == "CTS 34"))
    assert client.get(f"/bodies/{herault.id}").status_code == 403
    assert client.get(f"/bodies/{demo.body_id}").status_code == 200
    assert client.get(f"/meetings/{demo.id}").status_code == 200


def test_member_cannot_open_a_meeting_of_another_body(app, demo):
    herault = db.session.scalar(select(Body).where(Body.short_name == "CTS 34"))
    outsider = create_user(Role.MEMBER)
    client = log_in(app.test_client(), outsider)
    assert client.get(f"/meetings/{demo.id}").status_code == 403
    assert client.get(f"/bodies/{herault.id}").status_code == 403
    assert "aucune instance" in client.get("/bodies/").text


def test_member_does_not_see_the_membership_list(app, demo):
    client = log_in(app.test_client(), member_of_group(demo), DEMO_PASSWORD)
    assert "Voix délibérative" not in client.get(f"/bodies/{demo.body_id}").text


def test_unknown_pages_answer_404_in_french(secretariat_client):
    response = secretariat_client.get("/meetings/999999")
    assert response.status_code == 404
    assert "Page introuvable" in response.text

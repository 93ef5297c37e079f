"""A form posted after its session ended or its CSRF token was lost comes back with what was typed and a
French message, instead of « Requête invalide »; nothing is saved, passwords are never kept."""
from __future__ import annotations

import re
from urllib.parse import unquote
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Person, Role, User
from tests.conftest import PASSWORD, create_user

TYPED = {"civility": "Mme", "last_name": "Lefèvre", "first_name": "Odile", "email": "odile.lefevre@example.fr",
         "affiliation": "France Assos Santé"}


def csrf_token(page_html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_html).group(1)


@pytest.fixture
def csrf_app(isolated_app):
    """Requests run in their own app context (as in production): Flask-WTF keeps a request's token in ``g``."""
    return isolated_app("expired", WTF_CSRF_ENABLED=True)


def new_user(app, role: Role) -> SimpleNamespace:
    with app.app_context():
        return SimpleNamespace(email=create_user(role).email)


def log_in_with_token(client, user) -> None:
    token = csrf_token(client.get("/login").text)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}).status_code == 302


def people_named_lefevre(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Person.first_name).where(Person.last_name == "Lefèvre")))


def test_a_lost_token_shows_the_form_again_filled_and_saves_nothing(csrf_app):
    client = csrf_app.test_client()
    log_in_with_token(client, new_user(csrf_app, Role.SECRETARIAT))
    response = client.post("/people/new", data={**TYPED, "csrf_token": "perdu"})
    assert response.status_code == 400
    assert "Requête invalide" not in response.text
    assert "rien n&#39;a été enregistré" in response.text
    for value in ("Lefèvre", "Odile", "odile.lefevre@example.fr", "France Assos Santé"):
        assert f'value="{value}"' in response.text
    assert people_named_lefevre(csrf_app) == []
    # The page shown again carries a fresh token: sending it again saves.
    assert client.post("/people/new", data={**TYPED, "csrf_token": csrf_token(response.text)}).status_code == 302
    assert len(people_named_lefevre(csrf_app)) == 1


def end_sessions_of(app, user) -> None:
    """The account's sessions end (logout elsewhere, a password reset, a login grown too old)."""
    with app.app_context():
        account = db.session.scalars(select(User).where(User.email == user.email)).one()
        account.end_sessions()
        db.session.commit()


def post_after_the_session_ended(app, client, user):
    log_in_with_token(client, user)
    token = csrf_token(client.get("/people/new").text)
    end_sessions_of(app, user)
    response = client.post("/people/new", data={**TYPED, "csrf_token": token})
    assert response.status_code == 302 and unquote(response.headers["Location"]) == "/login?next=/people/new"
    login_page = client.get(response.headers["Location"]).text
    assert "Votre session a expiré : reconnectez-vous." in login_page
    return response.headers["Location"], csrf_token(login_page)


def test_after_the_session_ended_the_login_leads_back_to_the_filled_form(csrf_app):
    user = new_user(csrf_app, Role.SECRETARIAT)
    client = csrf_app.test_client()
    login_url, token = post_after_the_session_ended(csrf_app, client, user)
    logged_in = client.post(login_url, data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert logged_in.headers["Location"] == "/people/new"
    form = client.get("/people/new").text
    assert 'value="Lefèvre"' in form and 'value="odile.lefevre@example.fr"' in form
    assert "est repris ci-dessous" in form
    assert 'value="Lefèvre"' not in client.get("/people/new").text  # once
    assert people_named_lefevre(csrf_app) == []


def test_what_was_typed_never_goes_to_the_next_person_on_the_same_browser(csrf_app):
    first, second = new_user(csrf_app, Role.SECRETARIAT), new_user(csrf_app, Role.SECRETARIAT)
    client = csrf_app.test_client()
    login_url, token = post_after_the_session_ended(csrf_app, client, first)
    client.post(login_url, data={"email": second.email, "password": PASSWORD, "csrf_token": token})
    form = client.get("/people/new").text
    assert "Lefèvre" not in form and "odile.lefevre@example.fr" not in form
    with client.session_transaction() as session:
        assert "Lefèvre" not in str(dict(session))


def test_a_browser_without_any_session_keeps_nothing(csrf_app):
    client = csrf_app.test_client()  # cookies gone: nothing tells whose typing this was
    response = client.post("/people/new", data={**TYPED, "csrf_token": "de l'ancienne session"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/people/new")
    assert "reconnectez-vous, puis enregistrez de nouveau" in client.get(response.headers["Location"]).text
    with client.session_transaction() as session:
        assert "Lefèvre" not in str(dict(session))


def test_the_login_form_comes_back_with_the_address_never_the_password(csrf_app):
    user = new_user(csrf_app, Role.MEMBER)
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400 and "Requête invalide" not in response.text
    assert f'value="{user.email}"' in response.text and PASSWORD not in response.text
    with client.session_transaction() as session:
        assert PASSWORD not in str(dict(session))


def test_an_action_without_a_page_says_it_was_not_done(csrf_app):
    client = csrf_app.test_client()
    log_in_with_token(client, new_user(csrf_app, Role.MEMBER))
    refused = client.post("/logout")
    assert refused.status_code == 400 and "l&#39;action n&#39;a pas été faite" in refused.text


def test_a_refused_form_lists_its_errors_at_the_top_and_the_title_says_so(secretariat_client):
    page = secretariat_client.post("/people/new", data={"civility": "Mme", "last_name": "", "email": "pas-une-adresse"})
    assert page.status_code in (200, 422)
    title = re.search(r"<title>([^<]*)</title>", page.text).group(1)
    assert title.startswith("Erreur : ")
    summary = page.text.split('id="erreurs"', 1)[1].split("</div>", 1)[0]
    assert "2 erreurs empêchent l'enregistrement" in summary
    assert '<a href="#last_name">Nom</a> : Saisissez le nom.' in summary
    assert '<a href="#email">Adresse électronique</a>' in summary
    assert page.text.index('id="erreurs"') < page.text.index('id="last_name"')
    assert not secretariat_client.get("/people/new").text.split("<title>")[1].startswith("Erreur")

"""What a public service site shows everyone: the accessibility statement (décret 2019-768), the legal
notice and the personal data page, linked from every page's footer, readable without logging in."""
from __future__ import annotations

from app.extensions import db
from app.models import Role
from tests.conftest import create_user, log_in, test_organisation


def test_every_page_links_the_statement_legal_notice_and_personal_data(app, app_context):
    login_page = app.test_client().get("/login").text
    assert '<a class="fr-footer__bottom-link" href="/accessibilite">Accessibilité : non conforme</a>' in login_page
    assert 'href="/mentions-legales">Mentions légales</a>' in login_page
    assert 'href="/donnees-personnelles">Données personnelles</a>' in login_page
    for path in ("/accessibilite", "/mentions-legales", "/donnees-personnelles"):
        assert app.test_client().get(path).status_code == 200  # no login needed


def test_the_accessibility_statement_says_how_conformant_and_where_to_turn(app, app_context):
    organisation = test_organisation()
    organisation.secretariat_email = "democratie-sanitaire@ars.example.fr"
    db.session.commit()
    statement = app.test_client().get("/accessibilite").text
    assert "<strong>Séances est non conforme</strong>" in statement  # no audit yet: the law says « non conforme »
    assert "décret n° 2019-768 du 24 juillet 2019" in statement
    for heading in ("État de conformité", "Contenus non accessibles", "Établissement de cette déclaration",
                    "Retour d'information et contact", "Voies de recours"):
        assert f"<h2>{heading}</h2>" in statement
    assert "Défenseur des droits, Libre réponse 71120" in statement
    assert "mailto:democratie-sanitaire@ars.example.fr" in statement

    app.config.update(ACCESSIBILITY_CONFORMITY="partiellement", ACCESSIBILITY_AUDIT="Audit du 3 mars 2027 : 87 %.")
    try:
        statement = app.test_client().get("/accessibilite").text
        assert "<strong>Séances est partiellement conforme</strong>" in statement and "87 %" in statement
        assert "Accessibilité : partiellement conforme" in statement
    finally:
        app.config.update(ACCESSIBILITY_CONFORMITY="non", ACCESSIBILITY_AUDIT=None)


def test_personal_data_page_says_what_is_held_why_and_for_how_long(app, app_context):
    app.config["ANONYMISE_MINUTES_AFTER_YEARS"] = 7
    try:
        page = log_in(app.test_client(), create_user(Role.MEMBER)).get("/donnees-personnelles").text
    finally:
        app.config["ANONYMISE_MINUTES_AFTER_YEARS"] = 10
    assert test_organisation().name in page  # the controller: the member's ARS
    assert "moins de 7 ans" in page and "expirent après 60 jours" in page
    assert "Commission nationale de l'informatique et des libertés" in page

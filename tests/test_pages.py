"""The minimal pages show the seed-004 meeting as the compte rendu records it."""
from app.demo import SEED_THEMATICS


def test_home_lists_upcoming_meetings(secretariat_client, demo):
    page = secretariat_client.get("/").text
    assert "Prochaines séances" in page
    assert "Séance plénière" in page
    assert "Réunion du groupe de travail CRSA COVID Déconfinement — Ségur" not in page  # 2020: past


def test_body_page_lists_its_meetings_and_members(secretariat_client, demo):
    page = secretariat_client.get(f"/bodies/{demo.body_id}").text
    assert "jeudi 28 mai 2020" in page
    assert "Président URPS Médecins" in page
    assert "Suppléant de M. BERTRAND Maurice" in page


def test_meeting_page_shows_every_part_of_the_seed(secretariat_client, demo):
    page = secretariat_client.get(f"/meetings/{demo.id}").text
    assert "jeudi 28 mai 2020" in page
    for heading in ("Contexte", "Méthode de travail retenue", "Tour de table des participants", "Points forts relevés",
                    "Prochaines échéances", "Étaient présents", "Étaient excusés",
                    "Personnes présentes au titre de l'Agence Régionale de Santé"):
        assert heading in page, heading
    assert "collaboration exemplaire entre secteur/public et privé" in page
    assert "Renforcer les orientations de MA SANTE 2022" in page
    assert len(SEED_THEMATICS) == 10
    assert "Réunion de la CRSA le mercredi 3 juin 2020" in page
    assert "Le mardi 9 juin 2020 à 10h30" in page
    assert "Le mardi 16 juin 2020 à 14h30" in page
    assert "Le mardi 23 juin 2020 à 11h00" in page
    assert "M. MARCHAND Laurent" in page and "Président de la CRSA" in page
    assert "Mme Céline LE ROUX" in page


def test_each_role_gets_its_own_menu_marking_the_page_it_is_on(app, app_context, secretariat_client):
    """The menu is built once per role: a member's after a secretariat's (same app) has no staff entries,
    and each page marks its own entry."""
    from html.parser import HTMLParser

    from app.models import Role
    from tests.conftest import create_user, log_in

    class Menu(HTMLParser):
        def __init__(self):
            super().__init__()
            self.links, self.current, self._href = [], None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "a" and "fr-nav__link" in (attrs.get("class") or ""):
                self._href = attrs["href"]
                if attrs.get("aria-current") == "page":
                    self.current = attrs["href"]

        def handle_data(self, data):
            if self._href:
                self.links.append((data.strip(), self._href))
                self._href = None

    def menu(client, url):
        parser = Menu()
        parser.feed(client.get(url).text)
        return parser

    staff = menu(secretariat_client, "/deadlines")
    assert ("Personnes", "/people/") in staff.links and ("Échéances", "/deadlines") in staff.links
    assert staff.current == "/deadlines"
    member = menu(log_in(app.test_client(), create_user(Role.MEMBER)), "/mes-seances")
    assert [label for label, _ in member.links] == ["Accueil", "Mes séances", "Mon agenda", "Instances",
                                                     "Échéances", "Rechercher"]
    assert member.current == "/mes-seances"
    national = menu(log_in(app.test_client(), create_user(Role.NATIONAL_ADMIN)), "/organisations/")
    assert [label for label, _ in national.links] == ["Organisations", "Comptes", "Journal de sécurité"]


def test_fixed_links_follow_the_path_the_app_is_served_under(client):
    """The stylesheet and footer links are built once per script root: an app served under /seances (behind
    a proxy) gets its own, and the root's stay as they were."""
    assert 'href="/static/seances.css"' in client.get("/mentions-legales").text
    under_path = client.get("/mentions-legales", base_url="http://localhost/seances").text
    assert 'href="/seances/static/seances.css"' in under_path and 'href="/seances/accessibilite"' in under_path
    assert 'href="/static/seances.css"' in client.get("/accessibilite").text


def test_row_links_are_those_of_url_for_under_any_script_root(app):
    from flask import url_for

    from app.urls import row_url

    for base_url in ("http://localhost/", "http://localhost/seances/", "http://localhost/"):
        with app.test_request_context("/", base_url=base_url):
            assert row_url("meetings.detail", "meeting_id", 42) == url_for("meetings.detail", meeting_id=42)
            assert row_url("meetings.detail", "meeting_id", 7) == url_for("meetings.detail", meeting_id=7)


def test_home_lists_meetings_starting_at_the_same_moment_in_the_same_order_every_time(secretariat_client):
    """Twenty-five meetings on the same morning: the home page shows twenty, always the same ones, the first
    created first (without a tie-breaker PostgreSQL's sort of equal dates may pick and order them anyhow)."""
    from datetime import timedelta

    from app.extensions import db
    from app.formatting import paris_datetime, paris_today
    from ics_support import make_body, make_meeting

    body = make_body(members=1)
    start = paris_datetime(paris_today() + timedelta(days=30), 9)
    meetings = [make_meeting(body, start, title=f"Séance parallèle n°{number:02d}") for number in range(1, 26)]
    for minutes in (1, 0):  # moved and moved back: on PostgreSQL their rows now lie after the others'
        for meeting in meetings[:5]:
            meeting.starts_at = start + timedelta(minutes=minutes)
        db.session.commit()
    titles = [meeting.title for meeting in meetings]
    page = secretariat_client.get("/").text
    shown = [title for title in titles if title in page]
    assert shown == titles[:20]
    assert sorted(shown, key=page.index) == titles[:20]

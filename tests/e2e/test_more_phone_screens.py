"""More pages on a phone (390×844): the audit journal, a meeting's history, the members import's preview, a
refused body form.

Every page is also checked by axe-core (the ``phone_page`` fixture); the tests check the page as it is once
loaded (``expect_accessible_now``) so that the failure names the page and the rule.
"""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Meeting
from tests.e2e.steps import SECRETARIAT, expect_accessible_now, expect_no_sideways_scroll, login

ADMIN = "admin@demo.example.fr"
MEETING = "Suivi des retours d'expérience"

MEMBERS_CSV = (
    "civilité;nom;prénom;email;qualité;collège;siège;suppléant de;voix délibérative;début\n"
    "Mme;DURAND;Claire;claire.durand@exemple.fr;Présidente de l'association des usagers;Usagers;titulaire;;oui;"
    "01/01/2026\n"
    "M.;MARTIN;Paul;paul.martin@exemple.fr;Représentant des usagers;Usagers;suppléant;claire.durand@exemple.fr;"
    "oui;01/01/2026\n"
)


def meeting_id_of(live_app, title: str) -> int:
    with live_app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.title == title))
        db.session.remove()
    return meeting_id


def test_an_admin_reads_the_audit_journal_on_a_phone(live_app, demo_site, phone_page):
    """The journal's table scrolls sideways inside itself at 390 px and holds nothing focusable: the table
    itself takes the focus, so a keyboard user can scroll it (axe-core « scrollable-region-focusable »)."""
    page = phone_page
    login(page, demo_site, ADMIN)
    page.goto(f"{demo_site}/admin/audit")
    expect(page.get_by_role("heading", level=1, name="Journal d'audit")).to_be_visible()
    expect_no_sideways_scroll(page)
    expect_accessible_now(page)


def test_an_admin_reads_a_meetings_history_on_a_phone(live_app, demo_site, phone_page):
    """The same table on a meeting's « Historique » page."""
    page = phone_page
    login(page, demo_site, ADMIN)
    page.goto(f"{demo_site}/meetings/{meeting_id_of(live_app, MEETING)}/audit")
    expect(page.get_by_role("heading", level=1, name="Historique de la séance", exact=False)).to_be_visible()
    expect_no_sideways_scroll(page)
    expect_accessible_now(page)


def test_the_secretariat_checks_a_members_import_on_a_phone(demo_site, phone_page, tmp_path):
    """The import's preview table (12 columns) scrolls inside itself at 390 px: the table takes the focus."""
    page = phone_page
    login(page, demo_site, SECRETARIAT)
    page.get_by_role("link", name=MEETING).first.click()
    page.get_by_role("main").locator("p.seances-muted a").first.click()  # the body's page
    body_url = page.url
    page.goto(f"{body_url}/members/import")
    members = tmp_path / "membres.csv"
    members.write_text(MEMBERS_CSV, encoding="utf-8")
    page.get_by_label("Fichier", exact=False).set_input_files(members)
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", level=1, name="Vérification de l'import", exact=False)).to_be_visible()
    expect_no_sideways_scroll(page)
    expect_accessible_now(page)


def test_a_refused_body_form_fits_a_phone(demo_site, phone_page):
    """After a refused submit, each field in error of « Règles de l'instance » draws the DSFR's error bar
    0.75 rem past its group on both sides: each group sits in a ``.fr-fieldset__element``, so the bar stays
    on the screen and the page no wider than the phone."""
    page = phone_page
    login(page, demo_site, SECRETARIAT)
    page.goto(f"{demo_site}/bodies/new")
    page.get_by_label("Nom", exact=True).fill("Commission des usagers du Gers")
    page.get_by_label("Quorum : part des membres en fonction avec voix délibérative").fill("5")  # five members, not a share
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert").filter(has_text="erreur")).to_be_visible()
    expect_no_sideways_scroll(page)

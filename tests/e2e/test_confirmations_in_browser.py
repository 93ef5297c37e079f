"""What a deletion or a step of the compte rendu does is said before it is done, on a phone and on a desktop;
the meeting page says what is still to do. axe-core checks every page (conftest)."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Meeting
from tests.e2e.steps import (
    SECRETARIAT,
    add_point,
    expect_no_sideways_scroll,
    expect_within_screen,
    login,
    round_table_section,
)

UPCOMING = "Suivi des retours d'expérience"


def seed_meeting_path(live_app) -> str:
    """The demo's held meeting (seed 004), whose compte rendu is still a draft."""
    with live_app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).order_by(Meeting.starts_at).limit(1))
        db.session.remove()
    return f"/meetings/{meeting_id}"


def test_deleting_a_point_is_asked_first_on_a_phone(demo_site, phone_page):
    page = phone_page
    login(page, demo_site, SECRETARIAT)
    page.get_by_role("link", name=UPCOMING).first.click()
    to_do = page.locator("#a-faire")
    expect(to_do).to_contain_text("n'ont pas encore reçu leur convocation")
    expect_within_screen(page, to_do.get_by_role("link", name="Envoyer les convocations"))
    expect_no_sideways_scroll(page)
    page.get_by_role("link", name="Tour de table").click()
    section_title = page.locator("section.roundtable-section h2").first.inner_text()
    add_point(page, section_title, "Point saisi par erreur")
    point = round_table_section(page, section_title).locator("li", has_text="Point saisi par erreur")
    point.get_by_role("link", name="Supprimer…").click()

    # Asked in place (js/in-place.js), in a dialog; without JavaScript the link opens the same question as a page.
    dialog = page.get_by_role("dialog", name="Supprimer ce point ?")
    expect(dialog.get_by_role("heading", name="Supprimer ce point ?")).to_be_visible()
    expect(dialog).to_contain_text("Le point « Point saisi par erreur » sera supprimé.")
    expect_no_sideways_scroll(page)
    confirm = dialog.get_by_role("button", name="Oui, supprimer le point")
    expect_within_screen(page, confirm)
    confirm.click()
    expect(page.get_by_text("Point supprimé.")).to_be_visible()
    expect(page.get_by_text("Point saisi par erreur")).to_have_count(0)


def test_validating_the_minutes_is_asked_first_on_a_desktop(live_app, demo_site, page):
    login(page, demo_site, SECRETARIAT)
    page.goto(demo_site + seed_meeting_path(live_app))
    page.locator("#a-faire").get_by_role("link", name="Valider le compte rendu").click()
    expect(page.get_by_role("heading", level=1, name="Valider le compte rendu ?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ne pourra plus être modifiée sans rouvrir le compte rendu")
    page.get_by_role("link", name="Non, revenir").click()
    expect(page.locator("#a-faire")).to_contain_text("son compte rendu est à valider")
    page.locator("#a-faire").get_by_role("link", name="Valider le compte rendu").click()
    page.get_by_role("button", name="Oui, valider le compte rendu").click()
    expect(page.get_by_text("Compte rendu validé : le document est figé.")).to_be_visible()
    expect(page.locator("#a-faire")).to_contain_text("validé mais pas encore publié")

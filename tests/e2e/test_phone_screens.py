"""On a phone (390×844): a member follows her meetings, the secretariat keeps the attendance sheet; on a
tablet (768×1024), the main pages. Every page must fit the screen's width and show its main action without
scrolling sideways."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.calendar.answers import make_answer_token
from app.extensions import db
from app.models import Invitation, Meeting, User
from tests.e2e.steps import (MEMBER, SECRETARIAT, expect_no_sideways_scroll, expect_within_screen, login,
                             open_phone_menu)

MEETING = "Suivi des retours d'expérience"


def answer_link_of(live_app, email: str, title: str) -> str:
    with live_app.app_context():
        person_id = db.session.scalar(select(User.person_id).where(User.email == email))
        invitation = db.session.scalar(select(Invitation).join(Meeting).where(
            Invitation.person_id == person_id, Meeting.title == title))
        token = make_answer_token(invitation)
        db.session.remove()
    return f"/reponse/{token}"


def test_member_follows_her_meetings_on_a_phone(live_app, demo_site, phone_page):
    page = phone_page
    login(page, demo_site, MEMBER)
    expect_no_sideways_scroll(page)
    open_phone_menu(page)
    menu = page.get_by_role("dialog")
    expect_within_screen(page, menu.get_by_role("link", name="Mes séances"))
    expect_within_screen(page, menu.get_by_role("button", name="Se déconnecter"))
    expect_within_screen(page, menu.get_by_role("link", name=MEMBER))  # her account
    menu.get_by_role("link", name="Mes séances").click()
    expect(page.get_by_role("heading", level=1, name="Mes séances")).to_be_visible()
    expect_no_sideways_scroll(page)

    page.get_by_role("link", name=MEETING).first.click()
    expect(page.get_by_role("heading", level=1, name=MEETING)).to_be_visible()
    expect_no_sideways_scroll(page)

    open_phone_menu(page)
    page.get_by_role("dialog").get_by_role("link", name="Mon agenda").click()
    expect(page.get_by_role("heading", level=1, name="Mon agenda")).to_be_visible()
    expect_no_sideways_scroll(page)

    page.goto(demo_site + answer_link_of(live_app, MEMBER, MEETING))
    expect_no_sideways_scroll(page)
    expect_within_screen(page, page.get_by_role("button", name="Enregistrer ma réponse"))

    page.goto(demo_site + "/")
    open_phone_menu(page)
    page.get_by_role("dialog").get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté(e).")).to_be_visible()
    expect_no_sideways_scroll(page)


def test_secretariat_keeps_the_attendance_sheet_on_a_phone(demo_site, phone_page):
    page = phone_page
    login(page, demo_site, SECRETARIAT)
    page.get_by_role("link", name=MEETING).first.click()
    expect_no_sideways_scroll(page)
    page.get_by_role("link", name="Présences").click()
    expect(page.get_by_role("heading", level=1, name="Feuille de présence")).to_be_visible()
    expect_no_sideways_scroll(page)
    quorum = page.locator("#quorum-status")
    expect_within_screen(page, quorum)

    # One card per person: her name, the four statuses as large buttons.
    card = page.locator(".attendance-card", has=page.get_by_text("M. MARCHAND Laurent"))
    present = card.locator("label").get_by_text("Présent", exact=True)
    expect_within_screen(page, present)
    box = present.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, f"Bouton trop petit pour un doigt : {box}"
    present.click()
    expect(page.get_by_label("Présent : M. MARCHAND Laurent", exact=True)).to_be_checked()

    # Far down the sheet, the live quorum is still on screen.
    last = page.locator(".attendance-card").last
    last.scroll_into_view_if_needed()
    expect(quorum).to_be_in_viewport()
    expect(quorum).to_contain_text("1 membre sur")

    save = page.get_by_role("button", name="Enregistrer la feuille de présence")
    expect_within_screen(page, save)
    save.click()
    expect(page.get_by_text("Feuille de présence enregistrée.")).to_be_visible()
    expect(page.get_by_label("Présent : M. MARCHAND Laurent", exact=True)).to_be_checked()
    expect_no_sideways_scroll(page)


def test_anyone_reads_the_footer_pages_on_a_desktop_and_on_a_phone(demo_site, page, phone_page):
    for browser_page in (page, phone_page):
        browser_page.goto(f"{demo_site}/login")
        for link, heading in (("Accessibilité : non conforme", "Déclaration d'accessibilité"),
                              ("Mentions légales", "Mentions légales"),
                              ("Données personnelles", "Données personnelles")):
            browser_page.get_by_role("contentinfo").get_by_role("link", name=link).click()
            expect(browser_page.get_by_role("heading", level=1, name=heading)).to_be_visible()
            expect_no_sideways_scroll(browser_page)


def test_after_a_refused_submit_the_focus_goes_to_the_summary_of_errors(demo_site, phone_page):
    page = phone_page
    login(page, demo_site, SECRETARIAT)
    page.goto(f"{demo_site}/people/new")
    page.get_by_label("Adresse électronique").fill("pas-une-adresse")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.get_by_role("alert").filter(has_text="erreurs empêchent l'enregistrement")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Erreur : "))
    summary.get_by_role("link", name="Nom").click()
    expect(page.get_by_label("Nom", exact=True)).to_be_in_viewport()
    expect_no_sideways_scroll(page)


def test_the_main_pages_fit_a_tablet(live_app, demo_site, tablet_page):
    """768×1024, one session per account walking the pages (each page is also checked by axe-core)."""
    page = tablet_page
    main = page.get_by_role("main")

    def fits(action) -> None:
        expect_no_sideways_scroll(page)
        expect_within_screen(page, action)

    login(page, demo_site, SECRETARIAT)
    fits(main.get_by_role("link", name=MEETING).first)
    main.get_by_role("link", name=MEETING).first.click()
    fits(main.get_by_role("link", name="Tour de table"))
    meeting_url = page.url
    main.locator("p.seances-muted a").first.click()  # the body's page
    fits(main.get_by_role("link", name="Planifier une séance"))
    page.goto(meeting_url)
    main.get_by_role("link", name="Gérer le dossier").click()
    fits(main.get_by_role("button", name="Ajouter"))
    page.goto(meeting_url)
    main.get_by_role("link", name="Tour de table").click()
    fits(main.get_by_role("button", name="Ajouter le point").first)
    page.goto(meeting_url)
    main.get_by_role("link", name="Présences").click()
    fits(main.get_by_role("button", name="Enregistrer la feuille de présence"))
    page.goto(f"{demo_site}/recherche?texte=retours")
    fits(main.get_by_role("link", name=MEETING).first)
    page.goto(f"{demo_site}/mon-agenda")
    fits(main.get_by_role("button").first)
    page.context.clear_cookies()  # the member's turn, on the same tablet

    login(page, demo_site, MEMBER)
    page.goto(f"{demo_site}/mes-seances")
    fits(main.get_by_role("link", name=MEETING).first)
    main.get_by_role("link", name=MEETING).first.click()
    fits(page.get_by_role("heading", level=1, name=MEETING))
    page.goto(demo_site + answer_link_of(live_app, MEMBER, MEETING))
    fits(page.get_by_role("button", name="Enregistrer ma réponse"))

"""Pages the other browser tests did not visit, on a phone (390×844) and on a desktop: the national admin's
menu, who opened the dossier, a meeting's « Prochaines échéances » refused; the answer of a member who holds
a pouvoir, the sheet that marks it « pouvoir caduc », the link and the sending page of a member whose mandate
ended; a written consultation from its opening to its avis on the public page.

Every page is also checked by axe-core (the ``phone_page`` and ``page`` fixtures).
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.calendar.answers import make_answer_token
from app.demo import NATIONAL_ADMIN_EMAIL, ORGANISATION_NAME
from app.extensions import db
from app.formatting import paris_today
from app.models import InvitationResponse, Meeting, Membership, Organisation, User, WrittenConsultation
from app.votes.consultations import make_link_token
from tests.e2e.conftest import DESKTOP, PHONE, open_checked_page
from tests.e2e.steps import (MEMBER, SECRETARIAT, expect_accessible_now, expect_no_sideways_scroll, login,
                             open_phone_menu)

MEETING = "Suivi des retours d'expérience"

# Words of the table's first column cut over two lines (« BERTRA/ND »): each word should draw one box (a
# compound name may wrap at its hyphen).
_CUT_WORDS = """table => [...table.querySelectorAll('tbody td:first-child')].flatMap(cell => {
  const text = cell.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) return [];
  const found = [];
  for (const match of text.textContent.matchAll(/[^\\s-]+/g)) {
    const range = document.createRange();
    range.setStart(text, match.index);
    range.setEnd(text, match.index + match[0].length);
    if (range.getClientRects().length > 1) found.push(match[0]);
  }
  return found;
})"""


def meeting_id_of(live_app, title: str) -> int:
    with live_app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.title == title))
        db.session.remove()
    return meeting_id


def test_the_national_admins_account_link_fits_the_phones_menu(demo_site, phone_page):
    """« national@demo.example.fr (Administrateur national) » is wider than the phone: it wraps inside
    its button instead of running off the screen."""
    page = phone_page
    login(page, demo_site, NATIONAL_ADMIN_EMAIL)
    menu = open_phone_menu(page)
    account = menu.get_by_role("link", name=NATIONAL_ADMIN_EMAIL)
    expect(account).to_be_visible()
    box = account.bounding_box()
    overflow = account.evaluate("link => link.scrollWidth - link.clientWidth")
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and overflow <= 0, (
        f"Lien du compte coupé : {box}, dépasse de {overflow} px")
    menu.get_by_role("link", name="Journal de sécurité").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect_no_sideways_scroll(page)


def test_who_opened_the_dossier_keeps_names_whole_on_a_phone(live_app, demo_site, phone_page):
    """« Qui a consulté » (« J-n »/« J+n »): the table scrolls inside itself; names wrap between words,
    never inside one (only the dossier's file names may break anywhere)."""
    page = phone_page
    login(page, demo_site, SECRETARIAT)
    page.goto(f"{demo_site}/meetings/{meeting_id_of(live_app, MEETING)}/dossier/receipts")
    expect(page.get_by_role("heading", level=1, name="Consultation du dossier")).to_be_visible()
    expect_no_sideways_scroll(page)
    table = page.get_by_role("table", name="Réception du dossier par personne convoquée")
    assert table.evaluate(_CUT_WORDS) == [], "Noms coupés en plein mot : " + ", ".join(table.evaluate(_CUT_WORDS))
    expect_accessible_now(page)


def test_a_refused_due_date_is_summed_up_at_the_top_on_a_phone(live_app, demo_site, phone_page):
    """The « Prochaines échéances » page holds two forms; the one refused is summed up at the top of the page,
    which takes the focus (on a phone its fields are a screen or two below), and the title says « Erreur »."""
    page = phone_page
    login(page, demo_site, SECRETARIAT)
    page.goto(f"{demo_site}/meetings/{meeting_id_of(live_app, MEETING)}/deadlines")
    due_form = page.locator("form", has=page.get_by_role("button", name="Ajouter l'échéance"))
    due_form.get_by_role("button", name="Ajouter l'échéance").click()
    summary = page.get_by_role("alert").filter(has_text="erreurs empêchent l'enregistrement")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Erreur : "))
    summary.get_by_role("link", name="Date").click()
    expect(due_form.get_by_label("Date")).to_be_in_viewport()
    expect(due_form.get_by_label("Date")).to_have_accessible_description(re.compile("Saisissez la date"))
    expect_no_sideways_scroll(page)


def pouvoir_to_the_member_and_a_mandate_ended(live_app) -> dict:
    """On the upcoming meeting: a member gave the demo member his pouvoir; another's mandate ended yesterday."""
    with live_app.app_context():
        member = db.session.scalar(select(User).where(User.email == MEMBER)).person
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == MEETING))
        mine = next(invitation for invitation in meeting.invitations if invitation.person_id == member.id)
        giver, leaver = [invitation for invitation in meeting.invitations if invitation.person_id != member.id][:2]
        giver.response, giver.proxy_holder = InvitationResponse.PROXY, member
        db.session.scalar(select(Membership).where(Membership.person_id == leaver.person_id,
                                                   Membership.body_id == meeting.body_id)
                          ).end_date = paris_today() - timedelta(days=1)
        db.session.commit()
        found = {"meeting": meeting.id, "body": meeting.body_id, "answer": f"/reponse/{make_answer_token(mine)}",
                 "leaver_answer": f"/reponse/{make_answer_token(leaver)}", "leaver": leaver.person.display_name,
                 "organisation": db.session.scalar(select(Organisation.id).where(
                     Organisation.name == ORGANISATION_NAME))}
        db.session.remove()
    return found


@pytest.fixture(params=["phone", "desktop"])
def phone_or_desktop_page(request, browser):
    """A phone-sized page (390×844, touch), then a desktop-sized one (axe-core checks every page it loads)."""
    if request.param == "phone":
        yield from open_checked_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    else:
        yield from open_checked_page(browser, viewport=DESKTOP)


def test_recent_pages_fit_a_phone_and_a_desktop(live_app, demo_site, phone_or_desktop_page):
    """Each page fits the screen and passes axe-core as loaded; refused forms say why in French, at the field."""
    page = phone_or_desktop_page
    found = pouvoir_to_the_member_and_a_mandate_ended(live_app)

    # The holder of a pouvoir answers by her personal link: warned, refused without a choice, then recorded.
    page.goto(demo_site + found["answer"])
    expect(page.locator("#pouvoirs-detenus")).to_contain_text("vous a donné pouvoir")
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(page.get_by_role("group", name="Votre réponse")).to_have_accessible_description("Choisissez une réponse.")
    expect_no_sideways_scroll(page)
    page.get_by_text("Je serai excusé(e)", exact=True).click()
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(page.get_by_role("heading", level=1, name="Réponse enregistrée")).to_be_visible()
    expect(page.get_by_text("ne compte plus")).to_be_visible()
    expect_no_sideways_scroll(page)

    # The member whose mandate ended: her link is refused, in a sentence.
    page.goto(demo_site + found["leaver_answer"])
    expect(page.get_by_role("heading", level=1, name="Lien de réponse")).to_be_visible()
    expect_no_sideways_scroll(page)

    # The secretariat: the sheet marks the pouvoir lapsed; the meeting and sending pages name the ended mandate.
    login(page, demo_site, SECRETARIAT)
    page.goto(f"{demo_site}/meetings/{found['meeting']}/attendance")
    expect(page.get_by_text("pouvoir caduc", exact=False)).to_be_visible()
    expect_no_sideways_scroll(page)
    page.goto(f"{demo_site}/meetings/{found['meeting']}")
    expect(page.locator("#envois")).to_contain_text("Mandat terminé, plus de courriel")
    expect_no_sideways_scroll(page)
    page.goto(f"{demo_site}/meetings/{found['meeting']}/convocations")
    expect(page.get_by_role("main")).to_contain_text(f"Mandat terminé, plus de courriel : {found['leaver']}")
    expect_no_sideways_scroll(page)
    page.goto(f"{demo_site}/deadlines")
    expect_no_sideways_scroll(page)
    page.goto(f"{demo_site}/recherche?texte=retours")
    expect_no_sideways_scroll(page)

    # A written consultation: refused empty, opened, answered by every personal link, closed and published.
    page.goto(f"{demo_site}/bodies/{found['body']}/consultations/new")
    opening = page.get_by_role("button", name="Ouvrir la consultation et envoyer les liens")
    opening.click()
    expect(page.get_by_role("alert").filter(has_text="3 erreurs")).to_be_focused()
    expect(page.get_by_label("Question soumise aux membres")).to_have_accessible_description(
        "Saisissez la question soumise aux membres.")
    expect_no_sideways_scroll(page)
    page.get_by_label("Question soumise aux membres").fill("Avis sur le projet régional de santé ?")
    page.get_by_label("Date de clôture").fill((paris_today() + timedelta(days=5)).isoformat())
    page.get_by_label("Heure de clôture").fill("18:00")
    opening.click()
    expect(page.locator("#participation")).to_be_visible()
    expect_no_sideways_scroll(page)
    consultation_url = page.url
    with live_app.app_context():
        consultation = db.session.scalar(select(WrittenConsultation).order_by(WrittenConsultation.id.desc()).limit(1))
        links = [f"/consultation/{make_link_token(answer)}" for answer in consultation.answers]
        db.session.remove()
    for index, link in enumerate(links):
        page.goto(demo_site + link)
        if index == 0:
            page.get_by_role("button", name="Enregistrer ma réponse").click()
            expect(page.get_by_label("Votre réponse")).to_have_accessible_description(
                re.compile("Choisissez pour, contre ou abstention"))
            expect_no_sideways_scroll(page)
        page.get_by_label("Votre réponse").select_option(index=1)
        page.get_by_role("button", name="Enregistrer ma réponse").click()
    expect_no_sideways_scroll(page)
    page.goto(consultation_url)
    page.get_by_role("button", name="Enregistrer le résultat").click()
    page.get_by_role("button", name="Publier l'avis sur la page publique").click()
    expect(page.get_by_text("L'avis est publié sur la page publique.")).to_be_visible()
    expect_no_sideways_scroll(page)
    page.context.clear_cookies()
    page.goto(f"{demo_site}/public/{found['organisation']}")
    expect(page.locator("#consultations")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Avis sur le projet régional de santé ?")
    expect_no_sideways_scroll(page)
    if page.viewport_size == PHONE:  # the DSFR's menu of a visitor without an account
        expect(open_phone_menu(page).get_by_role("link", name="Se connecter")).to_be_visible()

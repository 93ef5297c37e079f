"""In a real browser: the secretariat puts an item to the vote, records the counts and publishes the avis;
an anonymous visitor finds it on the organisation's public page."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from app.demo import ORGANISATION_NAME
from app.extensions import db
from app.formatting import paris_datetime
from app.models import Meeting, Organisation
from tests.e2e.steps import SECRETARIAT, login, logout

AVIS = "La CRSA émet un avis favorable à la feuille de route régionale du Ségur de la Santé."


def test_secretariat_records_a_vote_and_the_avis_is_public(live_app, demo_site, page):
    with live_app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id).where(
            Meeting.starts_at == paris_datetime(date(2020, 7, 2), 14, 0)))
        organisation_id = db.session.scalar(select(Organisation.id).where(Organisation.name == ORGANISATION_NAME))
        db.session.remove()
    login(page, demo_site, SECRETARIAT)
    page.goto(f"{demo_site}/meetings/{meeting_id}")
    item = page.locator("#votes .seances-vote-item", has_text="Ségur de la Santé")
    item.get_by_role("link", name="Nature et texte soumis").click()
    page.get_by_label("Nature du point").select_option(label="Pour avis")
    page.get_by_label("Texte soumis au vote").fill(AVIS)
    page.get_by_role("button", name="Enregistrer").click()

    item = page.locator("#votes .seances-vote-item", has_text="Ségur de la Santé")
    item.get_by_role("link", name="Mettre au vote").click()
    expect(page.locator("#vote-quorum")).to_have_text("Quorum atteint : 58 membres sur 100 (50 requis)")
    expect(page.get_by_label("Texte soumis au vote")).to_have_value(AVIS)
    # More votes than members present or represented: refused on the field, nothing recorded.
    page.get_by_label("Pour", exact=True).fill("60")
    page.get_by_label("Contre", exact=True).fill("5")
    page.get_by_label("Abstentions", exact=True).fill("3")
    page.get_by_label("Ne prennent pas part au vote", exact=True).fill("0")
    page.get_by_role("button", name="Enregistrer le vote").click()
    expect(page.locator("#votes_for-erreurs")).to_contain_text("Les décomptes totalisent 68 voix pour 58 membres")
    page.get_by_label("Pour", exact=True).fill("50")
    page.get_by_role("button", name="Enregistrer le vote").click()
    expect(page.get_by_text("Vote enregistré sur « Ségur de la Santé : la concertation en région » : avis favorable."))\
        .to_be_visible()
    vote = page.locator("#votes .seances-vote-item", has_text="Ségur de la Santé")
    expect(vote).to_contain_text("Pour : 50 ; contre : 5 ; abstentions : 3")
    vote.get_by_role("button", name="Publier l'avis").click()
    expect(page.get_by_text("L'avis est publié sur la page publique.")).to_be_visible()
    logout(page)

    page.goto(f"{demo_site}/public/{organisation_id}")
    avis = page.locator("article", has_text=AVIS)
    expect(avis).to_be_visible()
    expect(avis).to_contain_text("jeudi 2 juillet 2020")
    expect(avis).to_contain_text("Avis favorable")

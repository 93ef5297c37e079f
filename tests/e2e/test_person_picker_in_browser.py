"""Adding a member on one screen, on a phone and on a desktop: the person is found as one types and picked,
or created with her seat. axe-core checks every page (conftest)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.demo import ORGANISATION_NAME
from app.extensions import db
from app.folding import fold
from app.models import Body, Membership, Organisation, Person
from tests.e2e.steps import SECRETARIAT, expect_no_sideways_scroll, expect_within_screen, login


def body_and_newcomer(live_app) -> tuple[int, str, str]:
    """A body of the demo's ARS, and one of the ARS's people who does not sit in it yet."""
    with live_app.app_context():
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATION_NAME))
        body = db.session.scalar(select(Body).where(Body.organisation_id == organisation.id).order_by(Body.id).limit(1))
        seated = select(Membership.person_id).where(Membership.body_id == body.id)
        person = db.session.scalar(
            select(Person).where(Person.organisation_id == organisation.id, Person.deleted_at.is_(None),
                                 Person.id.not_in(seated), Person.first_name != "")
            .order_by(Person.last_name, Person.id).limit(1))
        found = (body.id, f"{fold(person.first_name)[:4]} {fold(person.last_name)[:5]}", person.formal_name)
        db.session.remove()
    return found


@pytest.mark.parametrize("size", ["page", "phone_page"])
def test_the_secretariat_picks_a_person_as_she_types_then_creates_one(request, live_app, demo_site, size):
    page = request.getfixturevalue(size)
    body_id, typed, formal_name = body_and_newcomer(live_app)
    login(page, demo_site, SECRETARIAT)
    page.goto(f"{demo_site}/bodies/{body_id}/members/new")
    expect(page.get_by_role("heading", level=1, name="Ajouter un membre")).to_be_visible()
    expect(page.locator("#new_person")).to_be_hidden()  # shown once « créer la personne » is chosen

    # Typed without accents nor capitals: found without pressing « Rechercher ».
    page.get_by_label("Rechercher la personne").press_sequentially(typed, delay=30)
    expect(page.locator("#person-search-status")).to_have_text(re.compile(r"personnes? trouvées?\.$"))
    found = page.get_by_role("radio", name=re.compile(re.escape(formal_name)))
    expect(found).to_have_count(1)
    found.focus()
    page.keyboard.press("Space")  # keyboard usable
    expect(found).to_be_checked()
    page.get_by_label("Qualité").fill("Représentante des usagers")
    expect_no_sideways_scroll(page)
    save = page.get_by_role("button", name="Enregistrer", exact=True)
    expect_within_screen(page, save)
    save.click()
    expect(page.locator("main")).to_contain_text("a été ajouté(e) aux membres.")

    # Someone not recorded yet: created with her seat, on the same screen.
    page.goto(f"{demo_site}/bodies/{body_id}/members/new")
    page.get_by_label("Rechercher la personne").press_sequentially("Quintanilla", delay=20)
    expect(page.locator("#person-search-status")).to_have_text(re.compile("Aucune personne enregistrée"))
    page.locator("label[for=person_id-nouvelle]").click()
    new_person = page.locator("#new_person")
    expect(new_person).to_be_visible()
    new_person.get_by_label("Prénom", exact=True).fill("Inès")
    new_person.get_by_label("Nom", exact=True).fill("Quintanilla")
    new_person.get_by_label("Adresse électronique").fill(f"ines.quintanilla.{size}@exemple.fr")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("main")).to_contain_text("QUINTANILLA (fiche créée) a été ajouté(e) aux membres.")
    with live_app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == f"ines.quintanilla.{size}@exemple.fr"))
        assert person is not None and [m.body_id for m in person.memberships] == [body_id]
        db.session.remove()

"""In a real browser: the secretariat holds a session, then a member finds it under « Mes séances »."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.steps import (
    MEMBER,
    SECRETARIAT,
    add_due_date,
    add_point,
    create_meeting,
    login,
    logout,
    open_meeting_from_home,
    mark_attendance,
    open_round_table,
    round_table_section,
    save_attendance,
)

MEETING = "Suivi des retours d'expérience"
NEW_MEETING = "Retours d'expérience des CTS"


def test_secretariat_holds_a_session_and_a_member_finds_it(demo_site, page):
    login(page, demo_site, SECRETARIAT)
    day = date.today() + timedelta(days=10)
    create_meeting(page, demo_site, "Groupe de travail CRSA COVID Déconfinement", NEW_MEETING, day, "10:00", "12:00",
                   "ARS Occitanie, Montpellier")
    expect(page.locator("main")).to_contain_text("Retours des CTS")

    page.get_by_role("link", name="Présences").click()
    quorum = page.locator("#quorum-status")
    expect(quorum).to_have_text("Quorum non atteint : 0 membre sur 14 (7 requis)")
    mark_attendance(page, {"M. MARCHAND Laurent": "Présent", "M. BERTRAND Maurice": "Présent",
                           "M. BOUSCAT Jean-François": "Excusé"})
    expect(quorum).to_have_text("Quorum non atteint : 2 membres sur 14 (7 requis)")
    # Keyboard: « p » on a focused row marks it present and moves to the next row.
    page.get_by_label("Absent : M. DELMAS Jean-Michel", exact=True).focus()
    page.keyboard.press("p")
    expect(page.get_by_label("Présent : M. DELMAS Jean-Michel", exact=True)).to_be_checked()
    expect(quorum).to_have_text("Quorum non atteint : 3 membres sur 14 (7 requis)")
    # Choosing who represents a member marks them « représenté »; represented members count here.
    # A row's list of representatives is built when the field is reached: suppléants first.
    bertrand = page.get_by_label("Représenté(e) par — M. BERTRAND Maurice")
    bertrand.focus()
    expect(bertrand.locator("option").nth(1)).to_have_text("Mme FABRE Claire (suppléant)")
    jouve = page.get_by_label("Représenté(e) par — M. JOUVE Olivier")
    jouve.focus()
    jouve.select_option(label="M. MARCHAND Laurent")
    expect(page.get_by_label("Représenté : M. JOUVE Olivier", exact=True)).to_be_checked()
    expect(quorum).to_have_text("Quorum non atteint : 4 membres sur 14 (7 requis)")
    save_attendance(page)
    expect(page.get_by_label("Excusé : M. BOUSCAT Jean-François", exact=True)).to_be_checked()

    page.get_by_role("link", name=NEW_MEETING).click()
    page.get_by_role("link", name="Tour de table").click()  # the default sections come with a new meeting
    add_point(page, "Points forts relevés", "Mobilisation remarquable des équipes de terrain")
    add_point(page, "Propositions", "Pérenniser les téléconsultations en EHPAD", proposal=True)

    # A text typed but not saved survives a reload (and so a session timeout); saved ones are forgotten.
    difficulties = round_table_section(page, "Difficultés").get_by_label("Texte du point")
    page.wait_for_load_state("load")  # drafts.js (deferred) listens to the field only once the page has loaded
    difficulties.fill("Brouillon en cours de saisie")
    page.reload()
    expect(round_table_section(page, "Difficultés").get_by_label("Texte du point")).to_have_value(
        "Brouillon en cours de saisie")
    expect(round_table_section(page, "Propositions").get_by_label("Texte du point")).to_have_value("")

    page.get_by_role("link", name=NEW_MEETING).click()
    add_due_date(page, "Synthèses des CTS attendues", day + timedelta(days=14))
    main = page.locator("main")
    expect(main).to_contain_text("Synthèses des CTS attendues")
    expect(main).to_contain_text("Mobilisation remarquable des équipes de terrain")
    expect(main).to_contain_text("Pérenniser les téléconsultations en EHPAD")
    expect(main).to_contain_text("Quorum non atteint : 4 membres sur 14 (7 requis)")
    expect(main).to_contain_text("M. JOUVE Olivier, Président de la CSOS, représenté(e) par M. MARCHAND Laurent")
    present = page.locator("table", has=page.get_by_text("M. MARCHAND Laurent"))
    expect(present).to_contain_text("M. BERTRAND Maurice")
    expect(main).to_contain_text("Étaient excusés")

    # No quorum: « Reconvoquer » plans the second convocation within 8 days, same agenda and convened list.
    page.get_by_role("link", name="Reconvoquer").click()
    page.get_by_label("Date").fill((day + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Planifier la seconde convocation").click()
    expect(page.get_by_role("heading", level=1, name=f"{NEW_MEETING} (seconde convocation)")).to_be_visible()
    expect(main).to_contain_text("Seconde convocation : la séance se tient quel que soit le nombre de présents")
    expect(main).to_contain_text("Retours des CTS")
    page.get_by_role("link", name="Présences").click()
    expect(quorum).to_have_text("Seconde convocation, aucun quorum requis : 0 membre sur 14")
    mark_attendance(page, {"Mme FABRE Claire": "Présent"})  # the suppléante sits in her titulaire's seat
    expect(quorum).to_have_text("Seconde convocation, aucun quorum requis : 1 membre sur 14")
    mark_attendance(page, {"M. BERTRAND Maurice": "Présent"})  # her titulaire too: still one seat
    expect(quorum).to_have_text("Seconde convocation, aucun quorum requis : 1 membre sur 14")
    logout(page)

    login(page, demo_site, MEMBER)
    page.get_by_role("link", name="Mes séances").click()
    expect(page.get_by_role("link", name=NEW_MEETING, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Présences")).to_have_count(0)


def test_text_typed_when_the_session_expires_is_not_lost(demo_site, page):
    login(page, demo_site, SECRETARIAT)
    open_round_table(page, demo_site, MEETING)
    editor_url = page.url.split("?")[0]
    text = "Un long point tapé pendant que la session expirait. " * 5
    round_table_section(page, "Difficultés").get_by_label("Texte du point").fill(text)

    # The session expires (the browser loses its cookies), then the point is submitted. Logging out is
    # another matter: it forgets the drafts (test below).
    page.context.clear_cookies()
    round_table_section(page, "Difficultés").get_by_role("button", name="Ajouter le point").click()
    # The in-place editor gets the login page instead of its fragment: it posts the form the plain way,
    # which leads to the login page (waited for: navigating now would race with that post).
    expect(page).to_have_url(re.compile("/login"))
    expect(page.locator("main")).to_contain_text("Votre session a expiré")
    expect(page.locator("main")).not_to_contain_text("Point ajouté.")

    login(page, demo_site, SECRETARIAT)
    page.goto(editor_url)
    expect(round_table_section(page, "Difficultés").get_by_label("Texte du point")).to_have_value(text)
    expect(page.get_by_text("Texte non enregistré restauré")).to_be_visible()
    round_table_section(page, "Difficultés").get_by_role("button", name="Ajouter le point").click()
    expect(page.get_by_text("Point ajouté.")).to_be_visible()
    page.reload()
    expect(round_table_section(page, "Difficultés").get_by_label("Texte du point")).to_have_value("")
    expect(round_table_section(page, "Difficultés")).to_contain_text(text.strip())


def test_logging_out_forgets_the_drafts_kept_in_the_browser(demo_site, page):
    """On a shared computer, the next person finds nothing of what was typed and not saved."""
    login(page, demo_site, SECRETARIAT)
    open_round_table(page, demo_site, MEETING)
    editor_url = page.url.split("?")[0]
    round_table_section(page, "Difficultés").get_by_label("Texte du point").fill("Brouillon confidentiel")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('seances-draft:')).length") >= 1
    logout(page)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('seances-draft:')).length") == 0
    login(page, demo_site, SECRETARIAT)
    page.goto(editor_url)
    expect(round_table_section(page, "Difficultés").get_by_label("Texte du point")).to_have_value("")
    expect(page.get_by_text("Texte non enregistré restauré")).to_have_count(0)


def test_an_echeance_typed_when_the_session_expires_comes_back_with_its_date(demo_site, page):
    """The échéance forms keep their text, date and time in the browser until saved (drafts.js)."""
    login(page, demo_site, SECRETARIAT)
    open_meeting_from_home(page, demo_site, MEETING)
    page.get_by_role("link", name="Prochaines échéances").click()
    page.wait_for_load_state("load")  # drafts.js (deferred) listens to the fields once the page has loaded
    deadlines_url = page.url.split("?")[0]
    due_form = page.locator("form", has=page.get_by_role("button", name="Ajouter l'échéance"))
    due_form.get_by_label("Intitulé").fill("Retour des contributions des CTS")
    due_form.get_by_label("Date").fill("2030-03-14")

    page.context.clear_cookies()
    due_form.get_by_role("button", name="Ajouter l'échéance").click()
    expect(page).to_have_url(re.compile("/login"))
    login(page, demo_site, SECRETARIAT)
    page.goto(deadlines_url)
    due_form = page.locator("form", has=page.get_by_role("button", name="Ajouter l'échéance"))
    expect(due_form.get_by_label("Intitulé")).to_have_value("Retour des contributions des CTS")
    expect(due_form.get_by_label("Date")).to_have_value("2030-03-14")
    due_form.get_by_role("button", name="Ajouter l'échéance").click()
    expect(page.locator("main")).to_contain_text("Échéance ajoutée : Retour des contributions des CTS")
    page.reload()
    due_form = page.locator("form", has=page.get_by_role("button", name="Ajouter l'échéance"))
    expect(due_form.get_by_label("Intitulé")).to_have_value("")
    expect(due_form.get_by_label("Date")).to_have_value("")

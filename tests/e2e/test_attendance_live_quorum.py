"""In a real browser: the live quorum of the attendance sheet counts as the server does (count_quorum).

A pouvoir whose holder is excusé, absent or himself représenté fills no seat (no chain of pouvoirs,
D.1432-50), nor does a titulaire represented by a suppléant who does not sit; the live figure says so
while the sheet is filled in, and equals the one the server shows once the sheet is posted.
"""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.steps import SECRETARIAT, create_meeting, login, mark_attendance

MEETING = "Présences et pouvoirs"
QUORUM_HTML = re.compile(r'<p id="quorum-status"[^>]*>(.*?)</p>', re.DOTALL)


def represent(page: Page, member: str, representative: str) -> None:
    select = page.get_by_label(f"Représenté(e) par — {member}")
    select.focus()  # the row's list of representatives is built when the field is reached
    select.select_option(label=representative)
    expect(page.get_by_label(f"Représenté : {member}", exact=True)).to_be_checked()


def save_and_read_server_quorum(page: Page) -> str:
    """Posts the sheet; the quorum label as written by the server in the page it answers (before the
    script runs), whether the sheet was saved (after the redirect) or refused."""
    with page.expect_response(lambda response: response.request.resource_type == "document"
                              and response.status in (200, 422)) as answer:
        page.get_by_role("button", name="Enregistrer la feuille de présence").click()
    # The answered page's deferred scripts (drafts.js, the live quorum) run after its text shows: a radio
    # checked before they have would be set back (CI, 6 December 2026).
    page.wait_for_load_state("load")
    found = QUORUM_HTML.search(answer.value.text())
    assert found, "la page renvoyée par le serveur n'affiche pas le quorum"
    return html.unescape(found.group(1)).strip()


def test_live_quorum_ignores_pouvoirs_whose_holder_does_not_sit(demo_site, page):
    login(page, demo_site, SECRETARIAT)
    create_meeting(page, demo_site, "Groupe de travail CRSA COVID Déconfinement", MEETING,
                   date.today() + timedelta(days=10), "10:00", "12:00", "ARS Occitanie, Montpellier")
    page.get_by_role("link", name="Présences").click()
    quorum = page.locator("#quorum-status")
    expect(quorum).to_have_text("Quorum non atteint : 0 membre sur 14 (7 requis)")

    # B (JOUVE) gives his pouvoir to C (MARCHAND), who is excusé: B's seat is not filled.
    mark_attendance(page, {"M. DELMAS Jean-Michel": "Présent", "M. MARCHAND Laurent": "Excusé"})
    represent(page, "M. JOUVE Olivier", "M. MARCHAND Laurent")
    expect(quorum).to_have_text("Quorum non atteint : 1 membre sur 14 (7 requis)")
    live = quorum.text_content()
    assert save_and_read_server_quorum(page) == live
    expect(page.get_by_text("La feuille n'a pas été enregistrée")).to_be_visible()  # a pouvoir to an absent
    expect(quorum).to_have_text(live)

    # C is himself représenté par A (DELMAS): B's pouvoir would be a chain, it fills no seat either.
    represent(page, "M. MARCHAND Laurent", "M. DELMAS Jean-Michel")
    expect(page.get_by_label("Représenté(e) par — M. JOUVE Olivier").locator("option:checked")).to_have_text(
        "M. MARCHAND Laurent")  # B's pouvoir is still given to C
    expect(quorum).to_have_text("Quorum non atteint : 2 membres sur 14 (7 requis)")  # A present, C represented
    live = quorum.text_content()
    assert save_and_read_server_quorum(page) == live
    expect(page.get_by_text("La feuille n'a pas été enregistrée")).to_be_visible()
    expect(quorum).to_have_text(live)

    # A titulaire represented by his suppléante, who is excusée: nobody sits in his seat.
    mark_attendance(page, {"Mme FABRE Claire": "Excusé"})
    represent(page, "M. BERTRAND Maurice", "Mme FABRE Claire (suppléant)")
    expect(quorum).to_have_text("Quorum non atteint : 2 membres sur 14 (7 requis)")
    live = quorum.text_content()
    assert save_and_read_server_quorum(page) == live
    expect(quorum).to_have_text(live)

    # Once C sits and the suppléante with him, every seat counts: the sheet is saved, same figure.
    mark_attendance(page, {"M. MARCHAND Laurent": "Présent", "Mme FABRE Claire": "Présent"})
    represent(page, "M. JOUVE Olivier", "M. MARCHAND Laurent")
    represent(page, "M. BERTRAND Maurice", "Mme FABRE Claire (suppléant)")
    expect(quorum).to_have_text("Quorum non atteint : 4 membres sur 14 (7 requis)")
    live = quorum.text_content()
    assert save_and_read_server_quorum(page) == live
    expect(page.get_by_text("Feuille de présence enregistrée.")).to_be_visible()
    expect(quorum).to_have_text(live)

"""The tour de table is edited in place, on a desktop and on a phone: adding, editing, moving and deleting a
point change the page without loading it again (a marker set on the window survives), and the focus stays
where the work goes on. axe-core checks the page at load (conftest) and after each kind of change."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.steps import (
    SECRETARIAT,
    expect_accessible_now,
    expect_no_sideways_scroll,
    expect_within_screen,
    login,
    open_round_table,
    round_table_section,
)

MEETING = "Suivi des retours d'expérience"


def point_line(section, text: str):
    return section.locator("li.roundtable-point", has_text=text)


def edit_points_in_place(page: Page, base_url: str, suffix: str) -> None:
    login(page, base_url, SECRETARIAT)
    open_round_table(page, base_url, MEETING)
    page.evaluate("window.seancesSamePage = true")
    status = page.locator("#in-place-status")
    section = round_table_section(page, page.locator("section.roundtable-section h2").first.inner_text())
    new_point = section.get_by_label("Texte du point")
    first, second = f"Premier point {suffix}", f"Second point {suffix}"

    # Adding: the point shows in its section, the field is empty again and keeps the focus.
    for text in (first, second):
        new_point.fill(text)
        section.get_by_role("button", name="Ajouter le point").click()
        expect(status).to_have_text("Point ajouté.")
        expect(point_line(section, text)).to_have_count(1)
        expect(new_point).to_be_focused()
        expect(new_point).to_have_value("")

    # A refused point keeps what was typed, and the field in error gets the focus.
    new_point.fill(" ")
    section.get_by_role("button", name="Ajouter le point").click()
    expect(status).to_have_text("Le point n'est pas enregistré : corrigez les champs signalés.")
    expect(section.get_by_text("Saisissez le texte du point.")).to_be_visible()
    expect(new_point).to_be_focused()

    # Editing, inside the list: then the focus is back on the point's « Modifier ».
    point_line(section, first).get_by_role("link", name="Modifier").click()
    edited = point_line(section, first).get_by_label("Texte du point")
    expect(edited).to_be_focused()
    expect_no_sideways_scroll(page)
    expect_accessible_now(page)
    edited.fill(f"{first} corrigé")
    point_line(section, first).get_by_role("button", name="Enregistrer le point").click()
    expect(status).to_have_text("Point modifié.")
    expect(point_line(section, f"{first} corrigé").get_by_role("link", name="Modifier")).to_be_focused()

    # Moving: the point goes up, the focus stays on its « Monter ce point ».
    point_line(section, second).get_by_role("button", name="Monter ce point").click()
    expect(status).to_have_text("Point monté.")
    expect(point_line(section, second).get_by_role("button", name="Monter ce point")).to_be_focused()
    lines = section.locator("li.roundtable-point").all_inner_texts()
    order = [index for index, line in enumerate(lines) if second in line or first in line]
    assert second in lines[order[0]] and first in lines[order[1]], lines

    # Deleting is asked first, with what goes; Escape asks nothing more and deletes nothing.
    point_line(section, second).get_by_role("link", name="Supprimer…").click()
    dialog = page.locator("dialog.in-place-dialog")
    expect(dialog).to_contain_text(f"Le point « {second} » sera supprimé.")
    confirm = dialog.get_by_role("button", name="Oui, supprimer le point")
    expect(confirm).to_be_focused()
    expect_within_screen(page, confirm)
    expect_accessible_now(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(point_line(section, second).get_by_role("link", name="Supprimer…")).to_be_focused()
    point_line(section, second).get_by_role("link", name="Supprimer…").click()
    confirm.click()
    expect(status).to_have_text("Point supprimé.")
    expect(point_line(section, second)).to_have_count(0)
    # The focus goes to the point that followed.
    expect(point_line(section, f"{first} corrigé").get_by_role("link", name="Modifier")).to_be_focused()

    assert page.evaluate("window.seancesSamePage") is True, "the page was loaded again"
    expect_no_sideways_scroll(page)
    expect_accessible_now(page)
    # What the server kept: the page loaded again shows the same list.
    page.reload()
    expect(point_line(section, f"{first} corrigé")).to_have_count(1)
    expect(point_line(section, second)).to_have_count(0)


def refusal_is_said_in_place(page: Page) -> None:
    """A point deleted meanwhile (another secretary): moving it is refused with the error page's French words."""
    status = page.locator("#in-place-status")
    section = page.locator("section.roundtable-section").first
    section.get_by_label("Texte du point").fill("Supprimé par quelqu'un d'autre")
    section.get_by_role("button", name="Ajouter le point").click()
    gone = point_line(section, "Supprimé par quelqu'un d'autre")
    delete_url = gone.get_by_role("link", name="Supprimer…").get_attribute("href")
    token = section.locator("input[name=csrf_token]").first.input_value()
    assert page.request.post(page.url.split("/meetings")[0] + delete_url, form={"csrf_token": token}).ok
    gone.get_by_role("button", name="Monter ce point").click()
    expect(status).to_contain_text("Page introuvable : Cette page n'existe pas ou a été supprimée.")
    expect(status.get_by_role("link", name="Recharger le tour de table")).to_be_visible()


def edit_sections_in_place(page: Page) -> None:
    """Sections too: added, renamed, moved and deleted (asked first) in place, the focus kept in the editor."""
    status = page.locator("#in-place-status")
    title = page.get_by_label("Titre de la section", exact=True).last  # the new section's field
    title.fill("Divers")
    page.get_by_role("button", name="Ajouter la section").click()
    expect(status).to_have_text("Section « Divers » ajoutée.")
    expect(title).to_be_focused()
    expect(title).to_have_value("")
    section = round_table_section(page, "Divers")
    section.get_by_label("Titre de la section").fill("Questions diverses")
    section.get_by_role("button", name="Renommer").click()
    expect(status).to_have_text("Section renommée.")
    section = round_table_section(page, "Questions diverses")
    expect(section.get_by_role("button", name="Renommer")).to_be_focused()
    up = section.get_by_role("button", name="Monter la section « Questions diverses »")
    up.click()
    expect(status).to_have_text("Section montée.")
    expect(up).to_be_focused()
    following = page.locator("section.roundtable-section").filter(has=page.locator("h2")).all_inner_texts()
    assert following[-1].startswith("Questions diverses") is False, "moved up, it is no longer last"
    section.get_by_role("link", name="Supprimer la section…").click()
    dialog = page.locator("dialog.in-place-dialog")
    expect(dialog).to_contain_text("La section « Questions diverses », vide, sera supprimée.")
    # Open too long, the page's token expired: nothing is deleted, the question comes again, ready.
    dialog.locator("input[name=csrf_token]").evaluate("input => { input.value = 'perime'; }")
    dialog.get_by_role("button", name="Oui, supprimer la section").click()
    expect(dialog).to_contain_text("La page était ouverte depuis trop longtemps : rien n'a été enregistré.")
    expect(dialog.get_by_role("button", name="Oui, supprimer la section")).to_be_focused()
    expect(section).to_have_count(1)
    dialog.get_by_role("button", name="Oui, supprimer la section").click()
    expect(status).to_have_text("Section « Questions diverses » supprimée, avec ses points.")
    expect(page.locator("section.roundtable-section h2").last).to_be_focused()  # the section that followed
    assert page.evaluate("window.seancesSamePage") is True, "the page was loaded again"
    expect_accessible_now(page)


def test_points_are_edited_in_place_on_a_desktop_and_on_a_phone(demo_site, page, phone_page):
    edit_points_in_place(page, demo_site, "au bureau")
    page.evaluate("window.seancesSamePage = true")
    refusal_is_said_in_place(page)
    edit_sections_in_place(page)
    edit_points_in_place(phone_page, demo_site, "au téléphone")

"""Reusable steps of the browser tests, written as a user would describe them."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD

SECRETARIAT = "secretariat@demo.example.fr"
MEMBER = "membre@demo.example.fr"


def login(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    # The account's link is in the header's tools (the phone's menu holds a copy, shown on demand).
    expect(page.locator(".fr-header__tools-links").get_by_text(email)).to_have_count(1)


def open_phone_menu(page: Page):
    """The phone's header shows a « Menu » button; the main menu and the account's links are in its modal.
    The button opens it once the DSFR's deferred module has taken it over (it marks it
    ``data-fr-js-modal-button``): a click before that is lost. Returns the dialog."""
    expect(page.locator("#bouton-menu[data-fr-js-modal-button]")).to_have_count(1)
    page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("dialog")
    expect(menu).to_be_visible()
    return menu


def logout(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté(e).")).to_be_visible()


def open_meeting_from_home(page: Page, base_url: str, title: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def mark_attendance(page: Page, statuses: dict[str, str]) -> None:
    """On the attendance sheet: ``statuses`` maps « M. NOM Prénom » to Présent / Excusé / Absent / Représenté."""
    for name, status in statuses.items():
        page.get_by_label(f"{status} : {name}", exact=True).check()


def save_attendance(page: Page) -> None:
    page.get_by_role("button", name="Enregistrer la feuille de présence").click()
    expect(page.get_by_text("Feuille de présence enregistrée.")).to_be_visible()
    # The message shows while the page is still parsing: wait for the sheet's deferred script, which keeps
    # the « Participation » choice and the quorum in step with the radios, before touching the sheet again.
    page.wait_for_load_state("domcontentloaded")


def round_table_section(page: Page, title: str):
    return page.locator("section.roundtable-section", has=page.get_by_role("heading", level=2, name=title))


def add_point(page: Page, section_title: str, text: str, *, proposal: bool = False) -> None:
    section = round_table_section(page, section_title)
    section.get_by_label("Texte du point").fill(text)
    if proposal:
        # The DSFR draws the box on the label, over the input: click the label, as a user does.
        section.locator("label", has_text="C'est une proposition").click()
        expect(section.get_by_label("C'est une proposition")).to_be_checked()
    section.get_by_role("button", name="Ajouter le point").click()
    expect(page.get_by_text("Point ajouté.")).to_be_visible()


def open_round_table(page: Page, base_url: str, meeting_title: str) -> None:
    open_meeting_from_home(page, base_url, meeting_title)
    page.get_by_role("link", name="Tour de table").click()
    expect(page.get_by_role("heading", level=1, name="Tour de table")).to_be_visible()
    # The heading shows while the page is still parsing; drafts.js and in-place.js (deferred) listen to the
    # forms only once it has loaded, and a text typed earlier is not kept as a draft.
    page.wait_for_load_state("load")


def create_meeting(page: Page, base_url: str, body_name: str, title: str, day: date, starts: str, ends: str,
                   place: str) -> None:
    """From « Instances », plan a meeting of ``body_name``; ends on the new meeting's page."""
    page.goto(f"{base_url}/")
    page.get_by_role("link", name="Instances").click()
    page.get_by_role("link", name=body_name).click()
    page.get_by_role("link", name="Planifier une séance").click()
    page.get_by_label("Intitulé").fill(title)
    page.get_by_label("Date").fill(day.isoformat())  # the browser's date picker takes AAAA-MM-JJ
    page.get_by_label("Heure de début").fill(starts)
    page.get_by_label("Heure de fin").fill(ends)
    page.get_by_label("Lieu").fill(place)
    page.get_by_label("Ordre du jour").fill("Approbation du compte rendu de la séance précédente\nRetours des CTS")
    page.get_by_role("button", name="Planifier la séance").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def add_due_date(page: Page, title: str, day: date) -> None:
    """From a meeting's page, add a « prochaine échéance » with a due date; ends back on the meeting page."""
    meeting_url = page.url
    page.get_by_role("link", name="Prochaines échéances").click()
    due_form = page.locator("form", has=page.get_by_role("button", name="Ajouter l'échéance"))
    due_form.get_by_label("Intitulé").fill(title)
    due_form.get_by_label("Date").fill(day.isoformat())
    due_form.get_by_role("button", name="Ajouter l'échéance").click()
    expect(page.locator("main")).to_contain_text(title)
    page.goto(meeting_url)


PHONE = {"width": 390, "height": 844}

# The page's width against the viewport's, with the widest elements poking out (to say what to mend).
_OVERFLOW_SCRIPT = """() => {
  const width = window.screen.width;
  const wide = [...document.querySelectorAll('body *')]
    .filter(element => element.getBoundingClientRect().right > width + 1 && element.offsetParent !== null)
    .filter(element => !element.querySelector('*') || element.children.length === 0)
    .slice(0, 5)
    .map(element => `${element.tagName.toLowerCase()}.${element.className} « ${(element.textContent || '').trim().slice(0, 40)} »`);
  return {page: document.documentElement.scrollWidth, viewport: width, wide};
}"""


def expect_no_sideways_scroll(page: Page) -> None:
    """The page is no wider than the viewport (nothing to scroll sideways on a phone)."""
    page.wait_for_load_state("load")
    widths = page.evaluate(_OVERFLOW_SCRIPT)
    # A phone's browser zooms out a page wider than the screen (its layout viewport grows with the page):
    # compare with the screen's width, not with the layout viewport's.
    screen = page.viewport_size["width"]
    assert widths["page"] <= screen and widths["viewport"] <= screen, (
        f"{page.url} : page de {widths['page']} px pour un écran de {screen} px ; "
        f"dépassent : {widths['wide']}")


def expect_within_screen(page: Page, locator) -> None:
    """A main action is visible and lies within the screen's width (no need to scroll sideways to reach it)."""
    expect(locator).to_be_visible()
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (
        f"{page.url} : action hors de l'écran ({box})")


_AXE_NOW = """() => new Promise((resolve, reject) => {
  const run = (tries) => axe.run(document, {resultTypes: ['violations']}).then(
    results => resolve(results.violations.map(violation => violation.id + ' (' + violation.impact + ') : ' +
      violation.help + ' — ' + violation.nodes.slice(0, 3).map(node => node.target.join(' ')).join(' | '))),
    error => String(error).includes('already running') && tries > 0 ? setTimeout(() => run(tries - 1), 200) : reject(error));
  run(20);
})"""


def expect_accessible_now(page: Page) -> None:
    """axe-core on the page as it is now: a part changed in place (no page load) is checked too."""
    violations = page.evaluate(_AXE_NOW)
    assert not violations, f"{page.url} : accessibilité (axe-core) :\n" + "\n".join(violations)

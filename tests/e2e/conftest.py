"""End-to-end fixtures: the app served on 127.0.0.1 in a thread, driven by Debian's Chromium.

Skipped when Chromium or the playwright package is missing. Playwright never downloads a browser
here: it launches /usr/bin/chromium (apt package « chromium », installed by scripts/install-system-packages).
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import ensure_default_themes
from tests.conftest import empty_tables, load_demo_again, make_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_CORE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Every page the tests load is checked by axe-core once loaded (the DSFR's script has run by then); the
# page hands its violations to the test through a binding, so no page escapes, whichever step loaded it.
AXE_ON_LOAD = """
window.addEventListener("load", function () {
  setTimeout(function () {
    axe.run(document, {resultTypes: ["violations"]}).then(function (results) {
      window.seancesAxeReport(location.pathname, results.violations.map(function (violation) {
        return violation.id + " (" + violation.impact + ") : " + violation.help + " — " +
          violation.nodes.slice(0, 3).map(function (node) { return node.target.join(" "); }).join(" | ");
      }));
    });
  }, 0);
});
"""
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def live_app(database):
    """An app of its own (no SERVER_NAME, CSRF on, as in production) on a database of its own."""
    app = make_app(database("e2e"), SERVER_NAME=None, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of the app served by werkzeug on a free port."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request would bury failures
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def demo_site(live_app, live_server):
    """The live server with the demo data freshly loaded (demo accounts, seed 004, upcoming meetings)."""
    with live_app.app_context():
        empty_tables()
        ensure_default_themes()
        load_demo_again()
        db.session.remove()
    return live_server


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium absent ({CHROMIUM}) : tests de bout en bout ignorés")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_checked_page(browser, **context_options):
    """A page whose every loaded document is checked by axe-core; yields it, then fails on any violation."""
    if not AXE_CORE.exists():
        pytest.skip(f"axe-core absent ({AXE_CORE}, `npm ci`) : tests de bout en bout ignorés")
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", **context_options)
    context.set_default_timeout(15_000)
    checked: list[str] = []
    violations: list[str] = []
    script_errors: list[str] = []

    def report(source, path, found):
        checked.append(path)
        violations.extend(f"{path} : {violation}" for violation in found)

    context.expose_binding("seancesAxeReport", report)
    context.add_init_script(AXE_CORE.read_text(encoding="utf-8"))
    context.add_init_script(AXE_ON_LOAD)
    page = context.new_page()
    page.on("pageerror", lambda error: script_errors.append(f"{page.url} : {error}"))
    yield page
    if not page.is_closed() and page.url.startswith("http"):
        page.wait_for_timeout(500)  # the last page's check
    context.close()
    assert checked, "axe-core n'a analysé aucune page"
    assert not violations, "Accessibilité (axe-core) :\n" + "\n".join(violations)
    assert not script_errors, "Erreurs JavaScript :\n" + "\n".join(script_errors)


@pytest.fixture
def page(browser):
    """A desktop-sized page (axe-core checks every page it loads)."""
    yield from open_checked_page(browser, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser):
    """A phone-sized page, 390×844, touch (axe-core checks every page it loads)."""
    yield from open_checked_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def tablet_page(browser):
    """A tablet-sized page, 768×1024, touch (axe-core checks every page it loads)."""
    yield from open_checked_page(browser, viewport=TABLET, has_touch=True)

"""End-to-end fixtures: the app served on 127.0.0.1 in a thread, driven by Debian's Chromium.

Skipped when Chromium or the playwright package is missing. Playwright never downloads a browser
here: it launches /usr/bin/chromium (apt package « chromium », installed by scripts/install-system-packages).
"""
from __future__ import annotations

import logging
import os
import threading

import pytest
from werkzeug.serving import make_server

from app.demo import load_demo
from app.extensions import db
from app.models import ensure_default_themes
from tests.conftest import make_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
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
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        ensure_default_themes()
        load_demo()
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


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()

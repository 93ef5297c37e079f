"""In a real browser: the secretariat uploads a PDF to a meeting, publishes it and sends the convocation;
a member opens it from the e-mail's personal link and from the meeting page."""
from __future__ import annotations

import re

from aiosmtpd.controller import Controller
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.dossier_files import PDF
from tests.e2e.steps import MEMBER, SECRETARIAT, login, logout, open_meeting_from_home
from tests.smtp_server import Inbox, free_port

MEETING = "Suivi des retours d'expérience"


def test_secretariat_sends_a_pdf_with_the_convocation_and_a_member_opens_it(live_app, demo_site, page):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    saved = {key: live_app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "BASE_URL")}
    live_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, BASE_URL=demo_site)
    try:
        login(page, demo_site, SECRETARIAT)
        open_meeting_from_home(page, demo_site, MEETING)
        page.get_by_role("link", name="Gérer le dossier").click()
        page.get_by_label("Titre").fill("Synthèse des retours")
        page.get_by_label("Fichier").set_input_files({"name": "synthese.pdf", "mimeType": "application/pdf",
                                                      "buffer": PDF})
        page.get_by_role("button", name="Ajouter").click()
        expect(page.get_by_text("Document ajouté au dossier (brouillon) : Synthèse des retours.")).to_be_visible()
        page.get_by_role("row", name=re.compile("Synthèse des retours")).get_by_role("button", name="Diffuser").click()
        expect(page.get_by_text("Document diffusé aux membres : Synthèse des retours.")).to_be_visible()
        page.get_by_role("link", name=MEETING).click()
        page.get_by_role("button", name="Envoyer les convocations").click()
        expect(page.get_by_text(re.compile(r"Courriel envoyé à \d+ personne"))).to_be_visible()

        with live_app.app_context():
            member = db.session.scalar(select(User).where(User.email == MEMBER))
            address = member.person.email
            db.session.remove()
        (message,) = inbox.to(address)
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "Synthèse des retours" in text
        link = re.search(r"Synthèse des retours : (\S+)", text).group(1)
        logout(page)

        response = page.request.get(link)  # the personal link, without logging in
        assert response.status == 200 and response.body() == PDF
        assert response.headers["content-disposition"].startswith("attachment;")

        login(page, demo_site, MEMBER)
        open_meeting_from_home(page, demo_site, MEETING)
        with page.expect_download() as download:
            page.get_by_role("link", name="Synthèse des retours").click()
        assert download.value.suggested_filename == "synthese.pdf"
    finally:
        live_app.config.update(saved)
        controller.stop()

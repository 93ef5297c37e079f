"""In a real browser, on a phone and on a desktop: at a meeting held both on site and by visio, the attendance
sheet asks each present person « Sur place » or « En visio », shows the choice only for present people, fits a
390 px screen and passes axe-core; the choice saved comes back."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Meeting
from tests.e2e.steps import (
    SECRETARIAT,
    expect_accessible_now,
    expect_no_sideways_scroll,
    expect_within_screen,
    login,
    mark_attendance,
    save_attendance,
)

MEETING = "Suivi des retours d'expérience"
PERSON = "M. MARCHAND Laurent"


def held_both_ways(live_app) -> int:
    with live_app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == MEETING))
        meeting.visio_url = "https://visio.example.fr/retours"
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


@pytest.mark.parametrize("screen", ["phone_page", "page"])
def test_the_sheet_asks_each_present_persons_mode(demo_site, live_app, request, screen):
    page = request.getfixturevalue(screen)
    meeting_id = held_both_ways(live_app)
    login(page, demo_site, SECRETARIAT)
    page.goto(f"{demo_site}/meetings/{meeting_id}/attendance")
    expect(page.get_by_role("heading", level=1, name="Feuille de présence")).to_be_visible()
    mode = page.get_by_label(f"Participation de {PERSON}", exact=True)

    mark_attendance(page, {PERSON: "Absent"})
    expect(mode).to_be_hidden()
    mark_attendance(page, {PERSON: "Présent"})
    expect(mode).to_be_visible()
    expect(mode.locator("option:checked")).to_have_text("Sur place")
    expect_within_screen(page, mode)
    expect_no_sideways_scroll(page)
    expect_accessible_now(page)
    mode.select_option(label="En visio")
    expect(page.get_by_label(f"Présent : {PERSON}", exact=True)).to_be_checked()  # the status is kept

    save_attendance(page)
    expect(mode.locator("option:checked")).to_have_text("En visio")
    expect(page.get_by_label(f"Présent : {PERSON}", exact=True)).to_be_checked()
    mark_attendance(page, {PERSON: "Excusé"})  # by keyboard too: « e » on the row
    expect(mode).to_be_hidden()
    page.get_by_label(f"Excusé : {PERSON}", exact=True).focus()
    page.keyboard.press("p")
    expect(mode).to_be_visible()
    expect_no_sideways_scroll(page)

"""Helpers of the calendar tests: a small body with members, meetings, and parsers of .ics files."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from app.extensions import db
from app.formatting import PARIS
from app.models import (
    AgendaItem,
    Body,
    BodyKind,
    Capacity,
    Civility,
    Invitation,
    Meeting,
    Membership,
    Person,
    Seat,
)

from tests.conftest import test_organisation

ROOT = Path(__file__).resolve().parent.parent
PARSE_SCRIPT = ROOT / "tests" / "js" / "parse_ics.mjs"


def make_body(members: int = 3, email_prefix: str = "membre") -> Body:
    """A commission of the tests' ARS (that of the accounts ``create_user`` makes) and ``members`` voting
    titulaires with an address."""
    organisation = test_organisation()
    name = "Commission spécialisée dans le domaine des droits des usagers"
    taken = db.session.scalar(select(func.count()).where(Body.organisation_id == organisation.id,
                                                         Body.name.startswith(name)))
    body = Body(organisation=organisation, kind=BodyKind.SPECIALISED_COMMISSION,
                name=f"{name} ({taken + 1})" if taken else name, short_name="CSDU")
    db.session.add(body)
    for number in range(1, members + 1):
        person = Person(organisation=organisation, civility=Civility.MRS, first_name=f"Anne{number}",
                        last_name=f"Membre{number}", email=f"{email_prefix}{number}@example.fr")
        db.session.add(Membership(person=person, body=body, title=f"Représentante {number}", seat=Seat.TITULAIRE,
                                  voting=True, start_date=date(2019, 1, 1)))
    db.session.flush()
    return body


def feed_token_for(body: Body, person: Person | None = None) -> str:
    """The token of an account's own link to the body's feed: the account of ``person`` (a member),
    else a new secretariat account of the body's ARS."""
    from app.calendar.feeds import regenerate_body_feed_link
    from app.models import Role, User
    from tests.conftest import create_user

    account = db.session.scalar(select(User).where(User.person_id == person.id)) if person is not None else None
    if account is None:
        account = create_user(Role.MEMBER if person is not None else Role.SECRETARIAT, person=person,
                              organisation=body.organisation)
    token = regenerate_body_feed_link(body, account, None).token
    db.session.commit()
    return token


def make_meeting(body: Body, start: datetime, hours: int = 2, **values) -> Meeting:
    """A planned meeting of ``body`` convening its current members, with a two-item agenda."""
    convened = [(membership.person, membership.title) for membership in body.memberships]
    meeting = Meeting(body=body, title=values.pop("title", "Séance ordinaire"), starts_at=start,
                      ends_at=start + timedelta(hours=hours), place=values.pop("place", "ARS, Montpellier"), **values)
    meeting.agenda_items = [AgendaItem(position=1, title="Approbation du compte rendu"),
                            AgendaItem(position=2, title="Rapport annuel des droits des usagers")]
    meeting.invitations = [Invitation(person=person, title=title, capacity=Capacity.MEMBER)
                           for person, title in convened]
    db.session.add(meeting)
    db.session.commit()
    return meeting


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def parse_ics(content: bytes) -> Calendar:
    """Parse with icalendar, checking it is one VCALENDAR with a VTIMEZONE for every TZID used."""
    calendar = Calendar.from_ical(content)
    assert calendar.name == "VCALENDAR"
    assert calendar.get_missing_tzids() == set()
    return calendar


def events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def parse_with_ical_js(content: bytes, tmp_path: Path) -> dict:
    """Parse with Mozilla's ical.js through tests/js/parse_ics.mjs (skip when node or ical.js is absent)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.skip("node ou node_modules/ical.js absent (npm ci)")
    path = tmp_path / "file.ics"
    path.write_bytes(content)
    result = subprocess.run([node, str(PARSE_SCRIPT), str(path)], capture_output=True, text=True, timeout=60,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)

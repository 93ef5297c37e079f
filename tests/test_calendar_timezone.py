"""One Europe/Paris VTIMEZONE that every client reads right, for every year (issue 12, part 1).

Checked three ways: the VTIMEZONE itself against zoneinfo (icalendar's and vobject's reading of it),
and a feed of meetings in every month of 2020–2045 and on both change days of every year, parsed by
Mozilla's ical.js (Thunderbird) and by vobject: each event's UTC instant is the stored one.
"""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from app.calendar.builders import PARIS_VTIMEZONE
from app.extensions import db
from app.formatting import paris_datetime
from app.models import Deadline, DeadlineKind, Meeting, Role
from conftest import create_user, log_in
from ics_support import feed_token_for, make_body, make_meeting, parse_ics, parse_with_ical_js

PARIS = ZoneInfo("Europe/Paris")
YEARS = range(2020, 2046)
VTIMEZONE_BLOCK = re.compile(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", re.S)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def noon_of_every_month():
    return [datetime(year, month, 15, 12) for year in YEARS for month in range(1, 13)]


def test_the_vtimezone_gives_zoneinfo_offsets_every_month_2020_2045_as_icalendar_reads_it():
    own = Timezone.from_ical(PARIS_VTIMEZONE).to_tz(lookup_tzid=False)
    for moment in noon_of_every_month():
        assert moment.replace(tzinfo=own).utcoffset() == moment.replace(tzinfo=PARIS).utcoffset(), moment


def test_the_vtimezone_gives_zoneinfo_offsets_every_month_2020_2045_as_vobject_reads_it():
    vobject = pytest.importorskip("vobject")
    component = vobject.readOne(io.StringIO(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{PARIS_VTIMEZONE}END:VCALENDAR\r\n"))
    own = component.vtimezone.gettzinfo()
    for moment in noon_of_every_month():
        assert moment.replace(tzinfo=own).utcoffset() == moment.replace(tzinfo=PARIS).utcoffset(), moment


def test_the_vtimezone_changes_at_the_legal_hours():
    """Last Sunday of March 02:00 → 03:00 (CEST), last Sunday of October 03:00 → 02:00 (CET)."""
    assert "DTSTART:19960331T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in PARIS_VTIMEZONE
    assert "DTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in PARIS_VTIMEZONE
    own = Timezone.from_ical(PARIS_VTIMEZONE).to_tz(lookup_tzid=False)
    for year in YEARS:
        spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
        assert datetime(spring.year, 3, spring.day, 1, 59, tzinfo=own).utcoffset() == timedelta(hours=1)
        assert datetime(spring.year, 3, spring.day, 3, 0, tzinfo=own).utcoffset() == timedelta(hours=2)
        assert datetime(autumn.year, 10, autumn.day, 1, 59, tzinfo=own).utcoffset() == timedelta(hours=2)
        assert datetime(autumn.year, 10, autumn.day, 3, 0, tzinfo=own).utcoffset() == timedelta(hours=1)


def meetings_over_the_years(app) -> tuple[object, list[Meeting]]:
    """A body with a meeting at 10:00 on the 15th of every month 2020–2045 and on both change days
    of every year at 01:30, 10:00 and 23:00 (the spring night's 02:30 does not exist), plus the two
    02:30 of the October night (before and after the change; each 50 minutes long)."""
    body = make_body(members=0)
    starts = [paris_datetime(date(year, month, 15), 10) for year in YEARS for month in range(1, 13)]
    for year in YEARS:
        for day in (last_sunday(year, 3), last_sunday(year, 10)):
            starts += [paris_datetime(day, hour, minute) for hour, minute in ((1, 30), (10, 0), (23, 0))]
        october = last_sunday(year, 10)
        twice = datetime(october.year, 10, october.day, 0, 30, tzinfo=timezone.utc)
        starts += [twice, twice + timedelta(hours=1)]
    meetings = [Meeting(body=body, title=f"Séance {index}", starts_at=start, ends_at=start + timedelta(minutes=50))
                for index, start in enumerate(starts)]
    db.session.add_all(meetings)
    db.session.commit()
    return body, meetings


@pytest.fixture
def long_feed(app):
    saved = app.config["FEED_PAST_MONTHS"]
    today = date.today()
    app.config["FEED_PAST_MONTHS"] = (today.year - 2019) * 12 + today.month
    yield
    app.config["FEED_PAST_MONTHS"] = saved


def test_ical_js_puts_every_meeting_of_a_2020_2045_feed_at_its_paris_time(app, app_context, long_feed, tmp_path):
    body, meetings = meetings_over_the_years(app)
    content = app.test_client().get(f"/feeds/{feed_token_for(body)}.ics").data
    parsed = parse_with_ical_js(content, tmp_path)
    assert parsed["timezones"] == ["Europe/Paris"]
    expected = {meeting.ical_uid: meeting for meeting in meetings}
    assert len(parsed["events"]) == len(expected) == 26 * 12 + 26 * 8
    for event in parsed["events"]:
        meeting = expected[event["uid"]]
        paris = meeting.starts_at.astimezone(PARIS)
        twice = paris.replace(fold=1 - paris.fold).utcoffset() != paris.utcoffset()
        assert event["start"]["tzid"] == ("UTC" if twice else "Europe/Paris"), "only October's repeated hour is in UTC"
        assert event["start"]["utc"] == meeting.starts_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"), \
            event["start"]["local"]
        assert event["end"]["utc"] == meeting.ends_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_vobject_puts_every_meeting_of_a_2020_2045_feed_at_its_paris_time(app, app_context, long_feed):
    vobject = pytest.importorskip("vobject")
    body, meetings = meetings_over_the_years(app)
    content = app.test_client().get(f"/feeds/{feed_token_for(body)}.ics").get_data(as_text=True)
    expected = {meeting.ical_uid: meeting for meeting in meetings}
    calendar = vobject.readOne(io.StringIO(content))
    events = calendar.vevent_list
    assert len(events) == len(expected)
    for event in events:
        start = event.dtstart.value
        assert start.tzinfo is not None
        assert start.astimezone(timezone.utc) == expected[event.uid.value].starts_at, start


def test_empty_feed_and_empty_echeances_file_are_valid_calendars(app, app_context, tmp_path):
    body = make_body(members=1)
    feed = app.test_client().get(f"/feeds/{feed_token_for(body)}.ics").data
    meeting = make_meeting(body, paris_datetime(date.today() + timedelta(days=3), 10))
    client = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    deadlines = client.get(f"/meetings/{meeting.id}/deadlines.ics").data
    for content in (feed, deadlines):
        calendar = parse_ics(content)
        assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
        assert parse_with_ical_js(content, tmp_path)["timezones"] == ["Europe/Paris"]


def test_every_file_carries_the_same_vtimezone(app, app_context, tmp_path, inbox):
    body = make_body(members=1)
    meeting = make_meeting(body, paris_datetime(date.today() + timedelta(days=30), 10))
    meeting.deadlines = [Deadline(kind=DeadlineKind.DUE_DATE, title="Contributions", due_date=date.today())]
    db.session.commit()
    client = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    client.post(f"/meetings/{meeting.id}/convocations")
    (message,) = inbox.to("membre1@example.fr")
    attachment = next(message.iter_attachments()).get_content().decode()
    files = {
        "meeting": client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True),
        "échéances": client.get(f"/meetings/{meeting.id}/deadlines.ics").get_data(as_text=True),
        "échéance": client.get(f"/deadlines/{meeting.deadlines[0].id}.ics").get_data(as_text=True),
        "feed": app.test_client().get(f"/feeds/{feed_token_for(body)}.ics").get_data(as_text=True),
        "e-mail": attachment,
    }
    expected = VTIMEZONE_BLOCK.search(Timezone.from_ical(PARIS_VTIMEZONE).to_ical().decode()).group(0)
    for name, content in files.items():
        assert VTIMEZONE_BLOCK.findall(content) == [expected], name
        assert "RDATE" not in content, name


def test_clock_time_writes_babels_french_hours_in_paris_time():
    """« 10h30 » as Babel's « HH'h'mm » writes it, in Paris time on both sides of the clock changes."""
    from babel.dates import format_time

    from app.formatting import clock_time, to_paris

    start = datetime(2026, 3, 28, 22, 0, tzinfo=timezone.utc)  # the night Paris moves to summer time
    for minutes in range(0, 60 * 24 * 220, 97):  # into the autumn change, at odd minutes
        moment = start + timedelta(minutes=minutes)
        assert clock_time(moment) == format_time(to_paris(moment), "HH'h'mm", locale="fr_FR"), moment
    assert clock_time(datetime(2020, 5, 28, 8, 5, tzinfo=timezone.utc)) == "10h05"

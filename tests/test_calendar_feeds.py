"""Subscribable feeds: secret token URLs, contents, HTTP caching, regeneration."""
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from tests.query_count import counted_queries
from app.formatting import paris_datetime
from app.models import Deadline, DeadlineKind, Meeting, MeetingStatus, Person, Role
from conftest import create_user, log_in
from ics_support import events, make_body, make_meeting, parse_ics, parse_with_ical_js


def in_days(days: int, hour: int = 10):
    return paris_datetime(date.today() + timedelta(days=days), hour)


def body_with_meetings():
    """A body with: an upcoming meeting, a cancelled one, one last month, one a year ago, a deadline."""
    body = make_body()
    make_meeting(body, in_days(10), title="Séance à venir")
    cancelled = make_meeting(body, in_days(20), title="Séance annulée")
    cancelled.status = MeetingStatus.CANCELLED
    recent = make_meeting(body, in_days(-30), title="Séance du mois dernier", status=MeetingStatus.HELD)
    make_meeting(body, in_days(-400), title="Séance ancienne", status=MeetingStatus.HELD)
    recent.deadlines = [Deadline(kind=DeadlineKind.DUE_DATE, title="Contributions attendues",
                                 due_date=date.today() + timedelta(days=5))]
    db.session.commit()
    return body


def title_of(summary: str) -> str:
    """« CSDU — Séance à venir » → « Séance à venir » (« ANNULÉE — » left out)."""
    return summary.removeprefix("ANNULÉE — ").split(" — ", 1)[1]


def summaries(content: bytes) -> dict[str, object]:
    return {title_of(str(event["SUMMARY"])): event for event in events(parse_ics(content))}


def test_body_feed_answers_without_session_with_upcoming_recent_and_cancelled(app, app_context):
    body = body_with_meetings()
    assert body.feed_token, "every new body gets a feed token"
    response = app.test_client().get(f"/feeds/{body.feed_token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="seances-instance-{body.id}.ics"'
    by_title = summaries(response.data)
    assert set(by_title) == {"Séance à venir", "Séance annulée", "Séance du mois dernier", "Contributions attendues"}
    assert str(by_title["Séance annulée"]["STATUS"]) == "CANCELLED"
    assert str(by_title["Séance annulée"]["SUMMARY"]) == "ANNULÉE — CSDU — Séance annulée"
    assert str(by_title["Séance à venir"]["STATUS"]) == "CONFIRMED"
    assert "ATTENDEE" not in by_title["Séance à venir"], "a feed open to its link holders lists no addresses"
    assert by_title["Contributions attendues"].decoded("DTSTART") == date.today() + timedelta(days=5)
    assert parse_ics(response.data)["X-WR-CALNAME"] == "Séances — CSDU"
    text = response.get_data(as_text=True)
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in text and "\r\nX-PUBLISHED-TTL:PT4H\r\n" in text


def test_body_feed_parses_with_ical_js(app, app_context, tmp_path):
    body = body_with_meetings()
    content = app.test_client().get(f"/feeds/{body.feed_token}.ics").data
    parsed = {title_of(event["summary"]): event for event in parse_with_ical_js(content, tmp_path)["events"]}
    assert parsed["Séance annulée"]["status"] == "CANCELLED"
    upcoming = parsed["Séance à venir"]["start"]
    assert upcoming["tzid"] == "Europe/Paris" and upcoming["local"].endswith("T10:00:00")
    assert parsed["Contributions attendues"]["start"]["is_date"] is True


def test_feed_months_of_past_are_configurable(app, app_context):
    body = body_with_meetings()
    app.config["FEED_PAST_MONTHS"] = 24
    try:
        content = app.test_client().get(f"/feeds/{body.feed_token}.ics").data
    finally:
        app.config["FEED_PAST_MONTHS"] = 6
    assert "Séance ancienne" in summaries(content)


def test_feed_is_cached_with_an_etag_and_answers_304(app, app_context):
    body = body_with_meetings()
    client = app.test_client()
    first = client.get(f"/feeds/{body.feed_token}.ics")
    etag = first.headers["ETag"]
    assert etag and client.get(f"/feeds/{body.feed_token}.ics").headers["ETag"] == etag, "same content, same ETag"
    again = client.get(f"/feeds/{body.feed_token}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_meeting(body, in_days(40), title="Séance ajoutée")
    changed = client.get(f"/feeds/{body.feed_token}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Séance ajoutée" in summaries(changed.data)


def test_unknown_token_answers_404(app, app_context):
    body_with_meetings()
    client = app.test_client()
    assert client.get("/feeds/pas-un-jeton.ics").status_code == 404
    assert client.get("/feeds/.ics").status_code == 404


def test_staff_regenerates_body_feed_and_old_url_stops(app, app_context, secretariat_client):
    body = body_with_meetings()
    old_token = body.feed_token
    page = secretariat_client.get(f"/bodies/{body.id}").get_data(as_text=True)
    assert f"webcal://seances.test/feeds/{old_token}.ics" in page
    response = secretariat_client.post(f"/bodies/{body.id}/feed/regenerate", follow_redirects=True)
    assert "Nouveau lien d&#39;abonnement créé" in response.get_data(as_text=True)
    db.session.refresh(body)
    assert body.feed_token != old_token
    client = app.test_client()
    assert client.get(f"/feeds/{old_token}.ics").status_code == 404
    assert client.get(f"/feeds/{body.feed_token}.ics").status_code == 200


def test_member_sees_body_feed_with_copy_button_but_cannot_regenerate(app, app_context):
    body = body_with_meetings()
    member = body.memberships[0].person
    client = log_in(app.test_client(), create_user(Role.MEMBER, person=member))
    page = client.get(f"/bodies/{body.id}").get_data(as_text=True)
    assert f'value="webcal://seances.test/feeds/{body.feed_token}.ics"' in page
    assert f'value="http://seances.test/feeds/{body.feed_token}.ics"' in page, "the https:// link Google Agenda needs"
    assert 'data-copy-target="flux-instance-' in page
    assert "/static/js/copy-link.js" in page and "<script>" not in page
    assert "Régénérer le lien" not in page
    assert client.post(f"/bodies/{body.id}/feed/regenerate").status_code == 403
    assert client.get("/static/js/copy-link.js").status_code == 200


def test_person_feed_holds_their_bodies_and_invitations_only(app, app_context):
    body = body_with_meetings()
    other_body = make_body(email_prefix="autre")
    guest_meeting = make_meeting(other_body, in_days(12), title="Séance où elle est invitée")
    make_meeting(other_body, in_days(13), title="Séance d'une autre instance")
    person = body.memberships[0].person
    guest_meeting.invitations[0].person = person
    db.session.commit()
    client = log_in(app.test_client(), create_user(Role.MEMBER, person=person))
    page = client.get("/mon-agenda").get_data(as_text=True)
    assert f"webcal://seances.test/feeds/{person.feed_token}.ics" in page
    response = app.test_client().get(f"/feeds/{person.feed_token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="seances-personne-{person.id}.ics"'
    titles = set(summaries(response.data))
    assert "Séance où elle est invitée" in titles and "Séance à venir" in titles
    assert "Séance d'une autre instance" not in titles


def test_member_regenerates_own_feed(app, app_context):
    person = make_body().memberships[0].person
    old_token = person.feed_token
    assert old_token, "every new person gets a feed token"
    client = log_in(app.test_client(), create_user(Role.MEMBER, person=person))
    response = client.post("/mon-agenda/nouveau-lien", follow_redirects=True)
    assert response.status_code == 200
    new_token = db.session.scalar(select(Person.feed_token).where(Person.id == person.id))
    assert new_token != old_token
    assert new_token in response.get_data(as_text=True)
    assert app.test_client().get(f"/feeds/{old_token}.ics").status_code == 404
    assert app.test_client().get(f"/feeds/{new_token}.ics").status_code == 200


def test_account_without_person_has_no_personal_feed(app, app_context):
    client = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    page = client.get("/mon-agenda").get_data(as_text=True)
    assert "rattaché à aucun membre" in page
    assert client.post("/mon-agenda/nouveau-lien").status_code == 404


def count_queries(app, action) -> int:
    with counted_queries() as statements:
        action()
    return len(statements)


def test_feed_costs_the_same_number_of_queries_for_many_meetings(app, app_context):
    body = body_with_meetings()
    client = app.test_client()
    url = f"/feeds/{body.feed_token}.ics"
    few = count_queries(app, lambda: client.get(url))
    for days in range(30, 40):
        make_meeting(body, in_days(days), title=f"Séance {days}")
    db.session.expire_all()
    many = count_queries(app, lambda: client.get(url))
    assert many == few


def test_months_before_keeps_the_day_or_the_end_of_a_shorter_month():
    from app.calendar.queries import months_before

    assert months_before(date(2026, 11, 26), 6) == date(2026, 5, 26)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert months_before(date(2026, 2, 15), 14) == date(2024, 12, 15)


def test_feed_is_the_calendar_icalendar_builds_from_its_events(app, app_context):
    """Feeds reuse each event's serialized lines: the bytes must still be those of one Calendar."""
    from app.calendar.builders import build_calendar, deadline_event, meeting_event
    from app.calendar.feeds import feed_name, paris_today
    from app.calendar.queries import feed_contents, months_before

    body = body_with_meetings()
    served = app.test_client().get(f"/feeds/{body.feed_token}.ics").data
    with app.test_request_context():
        today = paris_today()
        meetings, deadlines = feed_contents(body, months_before(today, 6), today)
        events_built = [meeting_event(meeting) for meeting in meetings]
        events_built += [deadline_event(deadline) for deadline in deadlines]
        expected = build_calendar(events_built, name=feed_name(body), feed=True).to_ical()
    assert len(events_built) == 4
    assert served == expected


def test_feed_shows_a_renamed_body_and_a_changed_agenda_at_once(app, app_context):
    """Serialized events are reused only for the same content: nothing shown can be stale."""
    body = body_with_meetings()
    client = app.test_client()
    url = f"/feeds/{body.feed_token}.ics"
    client.get(url)
    body.short_name = "CDU"
    upcoming = db.session.scalar(select(Meeting).where(Meeting.title == "Séance à venir"))
    upcoming.agenda_items[1].title = "Rapport 2026 sur les droits des usagers"
    db.session.commit()
    by_title = {str(event["SUMMARY"]): event for event in events(parse_ics(client.get(url).data))}
    assert "CDU — Séance à venir" in by_title and "CDU — Contributions attendues" in by_title
    assert "2. Rapport 2026 sur les droits des usagers" in str(by_title["CDU — Séance à venir"]["DESCRIPTION"])

"""Subscribable feeds: secret token URLs, contents, HTTP caching, regeneration; a body's feed link is
each account's own, and stops when that account may no longer open the body."""
import re
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from tests.query_count import counted_queries, counted_statements_and_parameters
from app.formatting import paris_datetime, paris_today
from app.models import Capacity, Deadline, DeadlineKind, Meeting, MeetingStatus, Person, Role, User
from conftest import create_user, log_in
from ics_support import events, feed_token_for, make_body, make_meeting, parse_ics, parse_with_ical_js


def in_days(days: int, hour: int = 10):
    return paris_datetime(paris_today() + timedelta(days=days), hour)


def body_with_meetings():
    """A body with: an upcoming meeting, a cancelled one, one last month, one a year ago, a deadline."""
    body = make_body()
    make_meeting(body, in_days(10), title="Séance à venir")
    cancelled = make_meeting(body, in_days(20), title="Séance annulée")
    cancelled.status = MeetingStatus.CANCELLED
    recent = make_meeting(body, in_days(-30), title="Séance du mois dernier", status=MeetingStatus.HELD)
    make_meeting(body, in_days(-400), title="Séance ancienne", status=MeetingStatus.HELD)
    recent.deadlines = [Deadline(kind=DeadlineKind.DUE_DATE, title="Contributions attendues",
                                 due_date=paris_today() + timedelta(days=5))]
    db.session.commit()
    return body


def title_of(summary: str) -> str:
    """« CSDU — Séance à venir » → « Séance à venir » (« ANNULÉE — » left out)."""
    return summary.removeprefix("ANNULÉE — ").split(" — ", 1)[1]


def summaries(content: bytes) -> dict[str, object]:
    return {title_of(str(event["SUMMARY"])): event for event in events(parse_ics(content))}


def test_body_feed_answers_without_session_with_upcoming_recent_and_cancelled(app, app_context):
    body = body_with_meetings()
    response = app.test_client().get(f"/feeds/{feed_token_for(body)}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="seances-instance-{body.id}.ics"'
    by_title = summaries(response.data)
    assert set(by_title) == {"Séance à venir", "Séance annulée", "Séance du mois dernier", "Contributions attendues"}
    assert str(by_title["Séance annulée"]["STATUS"]) == "CANCELLED"
    assert str(by_title["Séance annulée"]["SUMMARY"]) == "ANNULÉE — CSDU — Séance annulée"
    assert str(by_title["Séance à venir"]["STATUS"]) == "CONFIRMED"
    assert "ATTENDEE" not in by_title["Séance à venir"], "a feed open to its link holders lists no addresses"
    assert by_title["Contributions attendues"].decoded("DTSTART") == paris_today() + timedelta(days=5)
    assert parse_ics(response.data)["X-WR-CALNAME"] == "Séances — CSDU"
    text = response.get_data(as_text=True)
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n" in text and "\r\nX-PUBLISHED-TTL:PT4H\r\n" in text


def test_body_feed_parses_with_ical_js(app, app_context, tmp_path):
    body = body_with_meetings()
    content = app.test_client().get(f"/feeds/{feed_token_for(body)}.ics").data
    parsed = {title_of(event["summary"]): event for event in parse_with_ical_js(content, tmp_path)["events"]}
    assert parsed["Séance annulée"]["status"] == "CANCELLED"
    upcoming = parsed["Séance à venir"]["start"]
    assert upcoming["tzid"] == "Europe/Paris" and upcoming["local"].endswith("T10:00:00")
    assert parsed["Contributions attendues"]["start"]["is_date"] is True


def test_feed_months_of_past_are_configurable(app, app_context):
    body = body_with_meetings()
    app.config["FEED_PAST_MONTHS"] = 24
    try:
        content = app.test_client().get(f"/feeds/{feed_token_for(body)}.ics").data
    finally:
        app.config["FEED_PAST_MONTHS"] = 6
    assert "Séance ancienne" in summaries(content)


def test_feed_is_cached_with_an_etag_and_answers_304(app, app_context):
    body = body_with_meetings()
    client = app.test_client()
    url = f"/feeds/{feed_token_for(body)}.ics"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag and client.get(url).headers["ETag"] == etag, "same content, same ETag"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_meeting(body, in_days(40), title="Séance ajoutée")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Séance ajoutée" in summaries(changed.data)


def test_unknown_token_answers_404(app, app_context):
    body_with_meetings()
    client = app.test_client()
    assert client.get("/feeds/pas-un-jeton.ics").status_code == 404
    assert client.get("/feeds/.ics").status_code == 404


def test_each_account_gets_its_own_body_link_and_regenerating_it_stops_only_the_old_one(
        app, app_context, secretariat_client):
    body = body_with_meetings()
    member = body.memberships[0].person
    member_client = log_in(app.test_client(), create_user(Role.MEMBER, person=member))
    page = secretariat_client.get(f"/bodies/{body.id}").get_data(as_text=True)
    assert "webcal://" not in page and "Créer mon lien d’abonnement" in page
    for client in (secretariat_client, member_client):
        response = client.post(f"/bodies/{body.id}/feed/regenerate", follow_redirects=True)
        assert "Votre lien d&#39;abonnement personnel est créé" in response.get_data(as_text=True)
    staff_token, member_token = (
        re.search(r'value="webcal://seances.test/feeds/([^"]+)\.ics"', client.get(f"/bodies/{body.id}").text).group(1)
        for client in (secretariat_client, member_client))
    assert staff_token != member_token
    response = member_client.post(f"/bodies/{body.id}/feed/regenerate", follow_redirects=True)
    assert "Nouveau lien d&#39;abonnement créé" in response.get_data(as_text=True)
    new_member_token = re.search(r'feeds/([^"]+)\.ics"', member_client.get(f"/bodies/{body.id}").text).group(1)
    anonymous = app.test_client()
    assert anonymous.get(f"/feeds/{member_token}.ics").status_code == 404
    assert anonymous.get(f"/feeds/{new_member_token}.ics").status_code == 200
    assert anonymous.get(f"/feeds/{staff_token}.ics").status_code == 200, "the others' links keep working"


def test_member_sees_own_body_feed_with_copy_button(app, app_context):
    body = body_with_meetings()
    member = body.memberships[0].person
    token = feed_token_for(body, member)
    client = log_in(app.test_client(), db.session.scalar(select(User).where(User.person_id == member.id)))
    page = client.get(f"/bodies/{body.id}").get_data(as_text=True)
    assert f'value="webcal://seances.test/feeds/{token}.ics"' in page
    assert f'value="http://seances.test/feeds/{token}.ics"' in page, "the https:// link Google Agenda needs"
    assert 'data-copy-target="flux-instance-' in page and "Ce lien vous est personnel" in page
    assert "/static/js/copy-link.js" in page and "<script>" not in page
    assert client.get("/static/js/copy-link.js").status_code == 200


def test_person_feed_holds_their_bodies_and_invitations_only(app, app_context):
    body = body_with_meetings()
    other_body = make_body(email_prefix="autre")
    guest_meeting = make_meeting(other_body, in_days(12), title="Séance où elle est invitée")
    make_meeting(other_body, in_days(13), title="Séance d'une autre instance")
    person = body.memberships[0].person
    guest_meeting.invitations[0].person = person
    guest_meeting.invitations[0].capacity = Capacity.GUEST
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


def plan_of(statement: str, parameters) -> str:
    """The database's plan of a statement as the driver got it (SQLite: its query plan's lines)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        return "\n".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    return "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))


def test_a_person_feed_reads_their_meetings_once_not_again_for_each_meeting_of_the_window(app, app_context):
    """The meetings their seats open come from one UNION of ids; a condition on the outer statement's meeting
    inside it made it a correlated subquery, run again for every meeting of their ARS in the window (a member's
    feed: 3.3 ms instead of 0.3 on the national dataset)."""
    body = body_with_meetings()
    person = body.memberships[0].person
    with counted_statements_and_parameters() as sent:
        assert app.test_client().get(f"/feeds/{person.feed_token}.ics").status_code == 200
    meetings = [(statement, parameters) for statement, parameters in sent
                if statement.startswith("SELECT meeting.id") and "ORDER BY meeting.starts_at" in statement]
    assert len(meetings) == 1, [statement[:80] for statement, _ in sent]
    plan = plan_of(*meetings[0])
    assert "CORRELATED" not in plan and not re.search(r"\(SubPlan \d+\)", plan), plan


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
    url = f"/feeds/{feed_token_for(body)}.ics"
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
    from app.calendar.feeds import feed_name
    from app.calendar.queries import feed_contents, months_before
    from app.formatting import paris_today

    body = body_with_meetings()
    served = app.test_client().get(f"/feeds/{feed_token_for(body)}.ics").data
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
    url = f"/feeds/{feed_token_for(body)}.ics"
    client.get(url)
    body.short_name = "CDU"
    upcoming = db.session.scalar(select(Meeting).where(Meeting.title == "Séance à venir"))
    upcoming.agenda_items[1].title = "Rapport 2026 sur les droits des usagers"
    db.session.commit()
    by_title = {str(event["SUMMARY"]): event for event in events(parse_ics(client.get(url).data))}
    assert "CDU — Séance à venir" in by_title and "CDU — Contributions attendues" in by_title
    assert "2. Rapport 2026 sur les droits des usagers" in str(by_title["CDU — Séance à venir"]["DESCRIPTION"])


def member_with_links(app, body, index: int):
    """A logged-in member of ``body`` with their own link to its feed; (client, body link, personal link)."""
    person = body.memberships[index].person
    token = feed_token_for(body, person)
    client = log_in(app.test_client(), db.session.scalar(select(User).where(User.person_id == person.id)))
    return client, f"/feeds/{token}.ics", f"/feeds/{person.feed_token}.ics"


def test_ending_a_mandate_ends_the_body_pages_and_its_calendar_links_at_once(app, app_context, secretariat_client):
    body = body_with_meetings()
    leaving, leaving_feed, leaving_agenda = member_with_links(app, body, 0)
    staying, staying_feed, _ = member_with_links(app, body, 1)
    anonymous = app.test_client()
    assert leaving.get(f"/bodies/{body.id}").status_code == 200
    assert "Séance à venir" in summaries(anonymous.get(leaving_agenda).data)

    membership = body.memberships[0]
    page = secretariat_client.get(f"/bodies/memberships/{membership.id}/end").text
    assert f'value="{paris_today():%Y-%m-%d}"' in page  # ends today by default
    assert secretariat_client.post(f"/bodies/memberships/{membership.id}/end",
                                   data={"end_date": paris_today().isoformat()}).status_code == 302

    assert leaving.get(f"/bodies/{body.id}").status_code == 403
    upcoming = db.session.scalar(select(Meeting).where(Meeting.title == "Séance à venir"))
    assert leaving.get(f"/meetings/{upcoming.id}").status_code == 403
    assert anonymous.get(leaving_feed).status_code == 404
    assert "Séance à venir" not in summaries(anonymous.get(leaving_agenda).data), "their own agenda drops the body"
    assert staying.get(f"/bodies/{body.id}").status_code == 200
    assert "Séance à venir" in summaries(anonymous.get(staying_feed).data), "the other members keep their link"


def test_deleting_a_person_or_deactivating_an_account_stops_their_links(app, app_context, secretariat_client,
                                                                          admin_client):
    body = body_with_meetings()
    deleted, deleted_feed, deleted_agenda = member_with_links(app, body, 0)
    deactivated, deactivated_feed, deactivated_agenda = member_with_links(app, body, 1)
    _, staying_feed, staying_agenda = member_with_links(app, body, 2)
    person = body.memberships[0].person
    assert secretariat_client.post(f"/people/{person.id}/delete").status_code == 302
    account = db.session.scalar(select(User).where(User.person_id == body.memberships[1].person_id))
    assert admin_client.post(f"/admin/comptes/{account.id}/desactiver").status_code == 302

    anonymous = app.test_client()
    for url in (deleted_feed, deleted_agenda, deactivated_feed, deactivated_agenda):
        assert anonymous.get(url).status_code == 404, url
    assert deleted.get(f"/bodies/{body.id}").status_code == 403
    assert deactivated.get(f"/bodies/{body.id}").status_code == 302  # logged out
    for url in (staying_feed, staying_agenda):
        assert anonymous.get(url).status_code == 200, url


def test_a_feed_token_that_is_no_token_is_a_404_without_a_query(app, app_context):
    client = app.test_client()
    for token in ("x%00", "%00", "a" * 65, "jeton avec espaces", "x'--", "é" * 20):
        with counted_queries() as statements:
            assert client.get(f"/feeds/{token}.ics").status_code == 404, token
        assert not [statement for statement in statements if "feed" in statement], token

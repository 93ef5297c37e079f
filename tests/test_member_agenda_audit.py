"""Audit of the promise « every member sees the right meetings at the right time »: « Mes séances » and the
personal feed (``/feeds/<token>.ics``, parsed with icalendar) agree through a meeting's life (convened, taken
off, cancelled, binned, restored), for suppléants, after a mandate ends, at the upcoming/past boundary (Paris
time, daylight saving, after midnight), for a second convocation, across two ARS, and page after page."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app import formatting
from app.agenda import queries as agenda_queries
from app.calendar.answers import make_answer_token
from app.extensions import db
from app.formatting import PARIS, paris_today
from app.models import Capacity, Invitation, Meeting, MeetingStatus, Organisation, Role, Seat
from tests.conftest import create_user, log_in
from tests.ics_support import events, parse_ics
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_calendar_withdrawals_and_links import convene_again, ics_of, parts, send, upcoming_meeting
from tests import test_second_convocation


without_quorum = test_second_convocation.without_quorum  # its fixture: a meeting whose quorum was not reached


# --- What a member is shown -----------------------------------------------------------------------------------

def my_meetings(client) -> tuple[str, str]:
    """The « À venir » and « Passées » parts of « Mes séances »."""
    response = client.get("/mes-seances")
    assert response.status_code == 200
    upcoming, past = response.text.split("<h2>Passées</h2>")
    return upcoming, past


def personal_feed(app, person) -> dict[str, object]:
    """The VEVENTs of the person's own feed, by UID."""
    response = app.test_client().get(f"/feeds/{person.feed_token}.ics")
    assert response.status_code == 200
    return {str(event["UID"]): event for event in events(parse_ics(response.data))}


def assert_event_of(event, meeting: Meeting, *, status: str = "CONFIRMED") -> None:
    """The feed's VEVENT is the meeting's: its UID and SEQUENCE, its Paris times (TZID, or UTC in the hour
    that occurs twice in October), its title, place and status."""
    db.session.refresh(meeting)
    assert str(event["UID"]) == meeting.ical_uid
    assert int(event["SEQUENCE"]) == meeting.ical_sequence
    for name, moment in (("DTSTART", meeting.starts_at), ("DTEND", meeting.ends_at)):
        written = event[name]
        assert written.params.get("TZID") == "Europe/Paris" or written.to_ical().endswith(b"Z"), name
        assert event.decoded(name) == moment, name
    prefix = "ANNULÉE — " if status == "CANCELLED" else ""
    assert str(event["SUMMARY"]) == f"{prefix}{meeting.body.label} — {meeting.title}"
    assert str(event.get("LOCATION", "")) == (meeting.place or "")
    assert str(event["STATUS"]) == status


def downloaded_event(client, meeting: Meeting):
    """The VEVENT of the member's own download of the meeting, checked to name them alone (or nobody)."""
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    [event] = events(parse_ics(response.data))
    return event


def member_client(app, membership):
    return log_in(app.test_client(), create_user(Role.MEMBER, person=membership.person))


@pytest.fixture
def clock(monkeypatch):
    """Sets « now » (an aware datetime) for the Paris day (``paris_today``, as tests/test_access_after_ending.py
    does) and for the upcoming/past boundary of « Mes séances » (``utc_now``)."""

    def set_now(moment: datetime) -> None:
        class ClockAt(datetime):
            @classmethod
            def now(cls, tz=None):
                return moment.astimezone(tz)

        monkeypatch.setattr(formatting, "datetime", ClockAt)
        monkeypatch.setattr(agenda_queries, "utc_now", lambda: moment.astimezone(timezone.utc))

    return set_now


def paris(year, month, day, hour, minute=0, fold=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS, fold=fold)


# --- 1. A titulaire convened, through the meeting's life ----------------------------------------------------

def test_a_convened_titulaire_follows_the_meeting_through_cancel_bin_and_restore(app, app_context,
                                                                                 secretariat_client, admin_client):
    body = make_body("CTS de l'Aude")
    membership = add_member(body, "Titulaire")
    meeting = make_meeting(body, day=paris_today() + timedelta(days=12), title="Séance de rentrée", place="Carcassonne")
    member = member_client(app, membership)
    person = membership.person

    def shown(status="CONFIRMED", label=False):
        upcoming, past = my_meetings(member)
        assert "Séance de rentrée" in upcoming and "Séance de rentrée" not in past
        assert ('Annulée</span>' in upcoming) is label
        assert_event_of(personal_feed(app, person)[meeting.ical_uid], meeting, status=status)
        downloaded = downloaded_event(member, meeting)
        assert_event_of(downloaded, meeting, status=status)
        assert [str(attendee) for attendee in downloaded.get("ATTENDEE", [])] in ([], [f"mailto:{person.email}"])

    def gone():
        upcoming, past = my_meetings(member)
        assert "Séance de rentrée" not in upcoming + past
        assert meeting.ical_uid not in personal_feed(app, person)
        assert member.get(f"/meetings/{meeting.id}.ics").status_code == 404

    shown()
    assert secretariat_client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    shown(status="CANCELLED", label=True)
    assert secretariat_client.post(f"/meetings/{meeting.id}/restore").status_code == 302
    shown()
    assert secretariat_client.post(f"/meetings/{meeting.id}/delete").status_code == 302
    gone()
    assert admin_client.post(f"/admin/corbeille/meetings/{meeting.id}/restore").status_code == 302
    shown()
    assert meeting.ical_sequence == 4, "cancelled, restored, binned, restored: four versions"


def test_a_titulaire_taken_off_the_list_still_reads_their_bodys_agenda(app, app_context, secretariat_client):
    """README: « Mes séances » and the personal feed show the meetings of the bodies where the person sits
    (as the body's page and feed do), not only those they are convened to: taken off the list, the member
    still sees the meeting, unchanged (their own calendar got the cancellation of their invitation)."""
    body = make_body("CTS de l'Aude")
    membership, other = add_member(body, "Titulaire"), add_member(body, "Autre")
    meeting = make_meeting(body, day=paris_today() + timedelta(days=12), title="Séance de rentrée")
    invitation = next(invitation for invitation in meeting.invitations if invitation.person_id == membership.person_id)
    member = member_client(app, membership)
    assert secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove").status_code == 302
    assert [invitation.person_id for invitation in meeting.invitations] == [other.person_id]
    assert "Séance de rentrée" in my_meetings(member)[0]
    assert_event_of(personal_feed(app, membership.person)[meeting.ical_uid], meeting)


def test_a_member_convened_again_downloads_a_file_newer_than_the_cancellation_they_hold(
        app, app_context, secretariat_client, inbox):
    """README: convened again, a person's invitation carries a SEQUENCE one above their cancellation's for each
    time they were taken off, as calendars ignore an invitation no newer than the cancelled event they hold.
    Their own .ics download (naming them as ATTENDEE) is that invitation too: same SEQUENCE as their e-mail."""
    meeting = upcoming_meeting()
    membership = meeting.body.memberships[1]
    member = member_client(app, membership)
    send(secretariat_client, meeting)
    invitation = next(i for i in meeting.invitations if i.person_id == membership.person_id)
    assert secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove").status_code == 302
    cancelled = events(parse_ics(ics_of(parts(inbox.to(membership.person.email)[-1])[2])))[0]
    convene_again(secretariat_client, meeting, membership.person_id)
    downloaded = downloaded_event(member, meeting)
    assert int(downloaded["SEQUENCE"]) > int(cancelled["SEQUENCE"]), "the download is ignored by their calendar"
    send(secretariat_client, meeting)
    invited = events(parse_ics(ics_of(parts(inbox.to(membership.person.email)[-1])[2])))[0]
    assert int(downloaded["SEQUENCE"]) == int(invited["SEQUENCE"])


def test_a_guest_taken_off_the_list_loses_the_meeting_from_the_page_and_the_feed(app, app_context,
                                                                                 secretariat_client):
    """A guest sees a meeting only through their convocation: taken off (their calendar gets the CANCEL), it
    leaves « Mes séances » and their feed, as it left their own calendar."""
    body, elsewhere = make_body("CTS de l'Aude"), make_body("CSOS")
    guest = add_member(elsewhere, "Invitee")
    meeting = make_meeting(body, day=paris_today() + timedelta(days=12), title="Séance de rentrée", convene=[])
    meeting.invitations.append(Invitation(person=guest.person, capacity=Capacity.GUEST))
    db.session.commit()
    client = member_client(app, guest)
    assert "Séance de rentrée" in my_meetings(client)[0]
    assert_event_of(personal_feed(app, guest.person)[meeting.ical_uid], meeting)
    invitation_id = meeting.invitations[0].id
    assert secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation_id}/remove").status_code == 302
    assert "Séance de rentrée" not in "".join(my_meetings(client))
    assert meeting.ical_uid not in personal_feed(app, guest.person)


# --- 2. A suppléant ------------------------------------------------------------------------------------------

def test_a_suppleant_sees_the_bodys_meetings_and_is_convened_when_their_titulaire_sends_them(app, app_context):
    body = make_body("CTS de l'Aude")
    titulaire = add_member(body, "Titulaire")
    suppleant = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=titulaire)
    elsewhere = make_body("CSOS", organisation=body.organisation)
    make_meeting(elsewhere, day=paris_today() + timedelta(days=9), title="Séance de la CSOS", convene=[])
    meeting = make_meeting(body, day=paris_today() + timedelta(days=12), title="Séance de rentrée",
                           convene=[titulaire])
    client = member_client(app, suppleant)
    upcoming, _ = my_meetings(client)
    assert "Séance de rentrée" in upcoming and "Séance de la CSOS" not in upcoming
    assert set(personal_feed(app, suppleant.person)) == {meeting.ical_uid}

    token = make_answer_token(meeting.invitations[0])
    assert app.test_client().post(f"/reponse/{token}", data={"response": "substitute"}).status_code == 302
    assert {invitation.person_id for invitation in db.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id))} == {titulaire.person_id, suppleant.person_id}
    assert "Séance de rentrée" in my_meetings(client)[0]
    assert_event_of(personal_feed(app, suppleant.person)[meeting.ical_uid], meeting)


def test_a_suppleant_taking_office_before_the_meeting_sees_the_meeting_they_are_sent_to(app, app_context):
    """README: « the suppléant whose mandate runs on the meeting day » is convened and e-mailed when their
    titulaire answers « mon suppléant me remplace »; if that mandate starts after today, the meeting is in their
    « Mes séances » and feed, and its page opens, before the mandate starts (``mandate_opens_meeting``)."""
    body = make_body("CTS de l'Aude")
    titulaire = add_member(body, "Titulaire")
    suppleant = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=titulaire)
    suppleant.start_date = paris_today() + timedelta(days=3)
    meeting = make_meeting(body, day=paris_today() + timedelta(days=12), title="Séance de rentrée",
                           convene=[titulaire])
    client = member_client(app, suppleant)
    token = make_answer_token(meeting.invitations[0])
    assert app.test_client().post(f"/reponse/{token}", data={"response": "substitute"}).status_code == 302
    assert db.session.scalar(select(Invitation.id).where(Invitation.meeting_id == meeting.id,
                                                         Invitation.person_id == suppleant.person_id))
    assert "Séance de rentrée" in my_meetings(client)[0]
    assert meeting.ical_uid in personal_feed(app, suppleant.person)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200


# --- 3. A mandate ended --------------------------------------------------------------------------------------

def test_an_ended_mandate_takes_the_bodys_meetings_off_but_keeps_those_attended_as_guest(app, app_context):
    """README: « a mandate ended takes them off at once » (today included), past meetings of the seat too; a
    meeting they were convened to as a guest stays. Their personal link keeps answering (it stops only once the
    person is deleted or the account deactivated): a calendar with no meeting of the body."""
    body = make_body("CTS de l'Aude")
    membership = add_member(body, "Sortante")
    other = make_body("CSOS", organisation=body.organisation)
    past = make_meeting(body, day=paris_today() - timedelta(days=20), title="Séance passée",
                        status=MeetingStatus.HELD)
    upcoming = make_meeting(body, day=paris_today() + timedelta(days=20), title="Séance future")
    as_guest = make_meeting(other, day=paris_today() - timedelta(days=10), title="Séance comme invitée", convene=[])
    as_guest.invitations.append(Invitation(person=membership.person, capacity=Capacity.GUEST))
    db.session.commit()
    member = member_client(app, membership)
    assert set(personal_feed(app, membership.person)) == {past.ical_uid, upcoming.ical_uid, as_guest.ical_uid}

    membership.end_date = paris_today()
    db.session.commit()
    upcoming_part, past_part = my_meetings(member)
    assert "Séance future" not in upcoming_part and "Séance passée" not in past_part
    assert "Séance comme invitée" in past_part
    assert set(personal_feed(app, membership.person)) == {as_guest.ical_uid}

    as_guest.invitations.clear()
    db.session.commit()
    assert personal_feed(app, membership.person) == {}, "no mandate left: an empty calendar, still answering"


# --- 4. Upcoming or past: at the meeting's end, in Paris time ------------------------------------------------

@pytest.mark.parametrize("starts, ends, still_upcoming, past, card", [
    # today 18:00–20:00 in June: « à venir » before it starts and while it sits, past once over
    (paris(2030, 6, 12, 18), paris(2030, 6, 12, 20),
     [paris(2030, 6, 12, 17, 59), paris(2030, 6, 12, 19, 59)], paris(2030, 6, 12, 20, 1), "de 18h00 à 20h00"),
    # 22:00 to 01:00: still sitting at 00:30 the next Paris day (UTC still reads the day before)
    (paris(2030, 6, 12, 22), paris(2030, 6, 13, 1),
     [paris(2030, 6, 13, 0, 30)], paris(2030, 6, 13, 1, 1), "de 22h00 à 01h00"),
    # the night summer time starts (31 March 2030): 01:00–04:00 Paris lasts two hours
    (paris(2030, 3, 31, 1), paris(2030, 3, 31, 4),
     [paris(2030, 3, 31, 3, 59)], paris(2030, 3, 31, 4, 1), "de 01h00 à 04h00"),
    # the night it ends (27 October 2030): until 02:30 of the second, winter, hour
    (paris(2030, 10, 27, 1), paris(2030, 10, 27, 2, 30, fold=1),
     [paris(2030, 10, 27, 2, 45), paris(2030, 10, 27, 2, 15, fold=1)], paris(2030, 10, 27, 2, 31, fold=1),
     "de 01h00 à 02h30"),
])
def test_a_meeting_is_upcoming_until_it_ends_in_paris_time(app, app_context, clock, starts, ends, still_upcoming,
                                                          past, card):
    body = make_body("CTS de l'Aude")
    membership = add_member(body, "Membre")
    meeting = Meeting(body=body, title="Séance du soir", starts_at=starts, ends_at=ends, place="Narbonne")
    db.session.add(meeting)
    db.session.commit()
    member = member_client(app, membership)
    for now in still_upcoming:
        clock(now)
        upcoming_part, past_part = my_meetings(member)
        assert "Séance du soir" in upcoming_part and "Séance du soir" not in past_part, now
        assert card in upcoming_part
        assert_event_of(personal_feed(app, membership.person)[meeting.ical_uid], meeting)
    clock(past)
    upcoming_part, past_part = my_meetings(member)
    assert "Séance du soir" not in upcoming_part and "Séance du soir" in past_part, past
    assert_event_of(personal_feed(app, membership.person)[meeting.ical_uid], meeting)


# --- 5. A second convocation ---------------------------------------------------------------------------------

def test_a_second_convocation_shows_beside_the_first_meeting_without_quorum(app, without_quorum, clock,
                                                                           secretariat_client):
    first = without_quorum
    assert secretariat_client.post(f"/meetings/{first.id}/second-convocation", data={
        "day": "10/06/2020", "starts": "14:00", "ends": "16:00", "place": "ARS, Montpellier",
        "a_posteriori": "y"}).status_code == 302
    second = db.session.scalar(select(Meeting).where(Meeting.second_convocation_of_id == first.id))
    clock(paris(2020, 6, 5, 9))
    membership = first.body.memberships[5]  # excused at the first meeting, convened again
    member = member_client(app, membership)
    upcoming, past = my_meetings(member)
    assert "Séance plénière (seconde convocation)" in upcoming and "Séance plénière (seconde convocation)" not in past
    assert "Séance plénière</a>" in past.replace("\n", "") and 'Annulée</span>' not in past, "the first one stays, held"
    feed = personal_feed(app, membership.person)
    assert_event_of(feed[first.ical_uid], first)
    assert_event_of(feed[second.ical_uid], second)
    assert first.ical_uid != second.ical_uid


# --- 6. Two ARS ----------------------------------------------------------------------------------------------

def test_a_member_sees_their_bodies_of_their_ars_and_never_another_ars_meeting(app, app_context):
    """Every account and person belongs to one ARS (README « Using Séances »): someone sitting in two ARS has a
    person and an account in each; each sees its ARS's bodies, never the other's meetings, whatever names them."""
    aude = make_body("CTS de l'Aude")
    csos = make_body("CSOS", organisation=aude.organisation)
    membership = add_member(aude, "Double")
    csos_seat = add_member(csos, "Double")
    csos_seat.person = membership.person
    corse = make_body("CRSA de Corse", organisation=Organisation(name="ARS Corse"))
    in_corse = add_member(corse, "Double")
    day = paris_today() + timedelta(days=10)
    in_aude, in_csos = make_meeting(aude, day=day, title="Séance de l'Aude"), make_meeting(csos, day=day,
                                                                                          title="Séance de la CSOS")
    corsican = make_meeting(corse, day=day, title="Séance en Corse")
    # A seat and a convocation of Corse naming the Occitanie person (no form makes them; rows might).
    stray_seat = add_member(corse, "Egaree")
    stray_seat.person = membership.person
    corsican.invitations.append(Invitation(person=membership.person, capacity=Capacity.MEMBER))
    db.session.commit()

    occitanie = member_client(app, membership)
    upcoming, _ = my_meetings(occitanie)
    assert "Séance de l&#39;Aude" in upcoming and "Séance de la CSOS" in upcoming
    assert "Séance en Corse" not in upcoming
    assert set(personal_feed(app, membership.person)) == {in_aude.ical_uid, in_csos.ical_uid}

    corsica = member_client(app, in_corse)
    upcoming, _ = my_meetings(corsica)
    assert "Séance en Corse" in upcoming and "Aude" not in upcoming and "CSOS" not in upcoming
    assert set(personal_feed(app, in_corse.person)) == {corsican.ical_uid}


# --- 7. Pages of past meetings -------------------------------------------------------------------------------

def test_past_meetings_at_the_same_time_are_each_on_exactly_one_page(app, app_context):
    body = make_body("CTS de l'Aude")
    membership = add_member(body, "Membre")
    titles = []
    for hour in (10, 14, 16):
        for number in range(9):  # 27 past meetings, 9 at each start: every page boundary falls inside a group
            title = f"Séance {hour}h n°{number}"
            make_meeting(body, day=date(2021, 3, 4), hour=hour, title=title, convene=[])
            titles.append(title)
    member = member_client(app, membership)
    shown = []
    for page in (1, 2, 3):
        past = member.get(f"/mes-seances?page={page}").text.split("<h2>Passées</h2>")[1]
        on_page = [title for title in titles if f">{title}</a>" in past]
        shown += sorted(on_page, key=lambda title: past.index(f">{title}</a>"))
    expected = [meeting.title for meeting in db.session.scalars(
        select(Meeting).order_by(Meeting.starts_at.desc(), Meeting.id.desc()))]
    assert shown == expected, "each once, latest first, the same order every time"

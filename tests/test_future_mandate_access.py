"""A mandate still to start: its holder is convened to the meetings it runs on (the members of the meeting day)
and e-mailed, so they see those meetings — their page, « Mes séances », the personal feed, the dossier — before
it starts; and nothing else of the body (its page, its meetings before the mandate) until it starts."""
from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from app.dossier.links import document_url, dossier_url
from app.extensions import db
from app.formatting import paris_today
from app.models import Membership, Organisation, Seat, utc_now
from tests.dossier_files import PDF
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_dossier_mail import published
from tests.test_member_agenda_audit import member_client, my_meetings, personal_feed


def seat_to_start(body, last_name: str = "Arrivante", *, in_days: int = 3, for_days: int | None = None,
                  **seat) -> Membership:
    """A seat of the body starting ``in_days`` from today (ending ``for_days`` later, if given)."""
    membership = add_member(body, last_name, **seat)
    membership.start_date = paris_today() + timedelta(days=in_days)
    if for_days is not None:
        membership.end_date = membership.start_date + timedelta(days=for_days)
    db.session.commit()
    return membership


def sees(app, client, membership, meeting) -> bool:
    """Whether the meeting's page opens (200; else it must be 403) and, alike, whether it is listed in
    « Mes séances » and in the person's feed."""
    status = client.get(f"/meetings/{meeting.id}").status_code
    assert status in (200, 403), status
    listed = meeting.title in "".join(my_meetings(client))
    in_feed = meeting.ical_uid in personal_feed(app, membership.person)
    assert listed == in_feed == (status == 200), (status, listed, in_feed)
    return status == 200


@pytest.fixture
def aude(app_context):
    """The CTS de l'Aude, a sitting titulaire and her suppléante taking office in 3 days."""
    body = make_body("CTS de l'Aude")
    titulaire = add_member(body, "Titulaire")
    return body, seat_to_start(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=titulaire)


def test_a_seat_to_start_shows_the_meetings_it_runs_on_and_not_those_before(app, aude):
    body, suppleant = aude
    today = paris_today()
    tomorrow = make_meeting(body, day=today + timedelta(days=1), title="Séance avant la prise de fonctions")
    first_day = make_meeting(body, day=today + timedelta(days=3), hour=9, title="Séance du premier jour")
    later = make_meeting(body, day=today + timedelta(days=12), title="Séance de rentrée")
    client = member_client(app, suppleant)
    assert sees(app, client, suppleant, first_day) and sees(app, client, suppleant, later)
    assert not sees(app, client, suppleant, tomorrow)
    upcoming, _ = my_meetings(client)
    assert upcoming.index("Séance du premier jour") < upcoming.index("Séance de rentrée")
    # the meeting, not the body: its page and the other meetings wait for the mandate
    assert client.get(f"/bodies/{body.id}").status_code == 403
    assert client.get(f"/meetings/{later.id}.ics").status_code == 200
    assert client.get(f"/meetings/{tomorrow.id}.ics").status_code == 403


def test_the_first_day_is_the_paris_day_of_the_meeting(app, aude):
    """A meeting at 00:30 in Paris on the mandate's first day is still the previous day in UTC; one at 23:30 the
    evening before is not in the mandate, whatever the season (UTC+1 in winter, UTC+2 in summer)."""
    body, suppleant = aude
    start = suppleant.start_date
    just_after = make_meeting(body, day=start, hour=0, title="Séance de minuit")
    just_before = make_meeting(body, day=start - timedelta(days=1), hour=23, title="Séance de la veille")
    # the same UTC day: only the Paris day tells them apart
    assert just_after.starts_at.astimezone(timezone.utc).date() == just_before.starts_at.astimezone(timezone.utc).date()
    client = member_client(app, suppleant)
    assert sees(app, client, suppleant, just_after)
    assert not sees(app, client, suppleant, just_before)


def test_a_seat_to_start_that_ends_shows_the_meetings_up_to_its_end_date(app, app_context):
    """The members convened to a meeting are those whose mandate runs on its day, its end date included
    (``members_to_convene``); from the day after, nothing."""
    body = make_body("CTS de l'Aude")
    membership = seat_to_start(body, in_days=3, for_days=5)
    last_day = make_meeting(body, day=membership.end_date, title="Séance du dernier jour")
    after = make_meeting(body, day=membership.end_date + timedelta(days=1), title="Séance du lendemain")
    client = member_client(app, membership)
    assert sees(app, client, membership, last_day)
    assert not sees(app, client, membership, after)


def test_an_ended_mandate_shows_nothing_even_on_days_it_ran(app, app_context):
    """Ending a mandate, even today, takes the body's meetings off at once, past and upcoming alike."""
    body = make_body("CTS de l'Aude")
    membership = add_member(body, "Sortante")
    past = make_meeting(body, day=paris_today() - timedelta(days=10), title="Séance passée")
    upcoming = make_meeting(body, day=paris_today() + timedelta(days=10), title="Séance future")
    client = member_client(app, membership)
    assert sees(app, client, membership, past) and sees(app, client, membership, upcoming)
    membership.end_date = paris_today()
    db.session.commit()
    assert not sees(app, client, membership, past) and not sees(app, client, membership, upcoming)


def test_a_seat_to_start_shows_nothing_of_another_body_nor_of_another_ars(app, aude):
    body, suppleant = aude
    day = paris_today() + timedelta(days=12)
    other_body = make_meeting(make_body("CSOS", organisation=body.organisation), day=day, title="Séance de la CSOS")
    corse = make_body("CRSA de Corse", organisation=Organisation(name="ARS Corse"))
    stray = seat_to_start(corse, "Egaree")  # a seat of Corse naming the Aude person (rows might)
    stray.person = suppleant.person
    db.session.commit()
    corsican = make_meeting(corse, day=day, title="Séance en Corse")
    client = member_client(app, suppleant)
    assert not sees(app, client, suppleant, other_body)
    assert client.get(f"/meetings/{corsican.id}").status_code == 404
    assert "Séance en Corse" not in "".join(my_meetings(client))
    assert corsican.ical_uid not in personal_feed(app, suppleant.person)


def test_a_deleted_person_sees_nothing_of_the_seat_to_start(app, aude):
    body, suppleant = aude
    meeting = make_meeting(body, day=paris_today() + timedelta(days=12), title="Séance de rentrée")
    client = member_client(app, suppleant)
    assert sees(app, client, suppleant, meeting)
    suppleant.person.deleted_at = utc_now()
    db.session.commit()
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    assert "Séance de rentrée" not in "".join(my_meetings(client))
    assert app.test_client().get(f"/feeds/{suppleant.person.feed_token}.ics").status_code == 404


def test_the_dossier_of_a_meeting_the_seat_runs_on_opens_as_its_page_does(app, aude, secretariat_client):
    """Logged in and through the personal links of the convocation e-mail; the meeting before the mandate's
    start stays closed."""
    body, suppleant = aude
    titulaire = body.memberships[0]
    today = paris_today()
    meeting = make_meeting(body, day=today + timedelta(days=12), title="Séance de rentrée")
    before = make_meeting(body, day=today + timedelta(days=1), title="Séance de demain", convene=[titulaire])
    document = published(secretariat_client, meeting, PDF, "odj.pdf", "Ordre du jour")
    early = published(secretariat_client, before, PDF, "odj.pdf", "Ordre du jour de demain")
    client = member_client(app, suppleant)
    assert client.get(f"/meetings/{meeting.id}/dossier.zip").status_code == 200
    assert client.get(f"/meetings/{before.id}/dossier.zip").status_code == 403
    assert client.get(f"/dossier/versions/{document.current.id}").status_code == 200
    assert client.get(f"/dossier/versions/{early.current.id}").status_code == 403
    anonymous = app.test_client()
    for link in (document_url(suppleant.person_id, document.id), dossier_url(suppleant.person_id, meeting.id)):
        assert anonymous.get(link).status_code == 200, link


def test_the_meeting_page_links_to_the_body_only_when_the_body_opens(app, aude):
    """No dead end: the page of a meeting a seat still to start opens names its body without a link to the body's
    page (403 until the mandate starts); a member in office and the secretariat get the link."""
    body, suppleant = aude
    meeting = make_meeting(body, day=paris_today() + timedelta(days=5), title="Séance de décembre")
    body_link = f'href="/bodies/{body.id}"'
    page = member_client(app, suppleant).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "CTS de l&#39;Aude" in page and body_link not in page
    in_office = add_member(body, "EnFonction")
    db.session.commit()
    page = member_client(app, in_office).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert body_link in page


def test_the_home_page_lists_the_meetings_a_seat_still_to_start_is_convened_to(app, aude):
    """The first page after the login agrees with « Mes séances »: the meetings held on the mandate's days, not
    those before."""
    body, suppleant = aude
    today = paris_today()
    make_meeting(body, day=today + timedelta(days=1), title="Séance avant la prise de fonctions")
    make_meeting(body, day=today + timedelta(days=3), hour=9, title="Séance du premier jour")
    home = member_client(app, suppleant).get("/").get_data(as_text=True)
    assert "Séance du premier jour" in home
    assert "Séance avant la prise de fonctions" not in home and "Aucune séance à venir" not in home

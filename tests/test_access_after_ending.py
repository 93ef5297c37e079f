"""What stops when a mandate ends or an account is deactivated (the personal links of e-mails, as the pages
and feeds), and what one ARS's data never reaches: another ARS's member feed, the national admins' journal."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from app import formatting
from app.calendar.feeds import regenerate_feed_token
from app.demo import DEMO_PASSWORD, NATIONAL_ADMIN_EMAIL
from app.dossier.links import document_url, dossier_url
from app.extensions import db
from app.models import Capacity, Invitation, Organisation, Role, User
from tests.conftest import create_user, log_in
from tests.dossier_files import PDF
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_dossier_mail import convened_meeting, published


def member_with_personal_links(app, secretariat_client):
    """A member convened (as a member) to an upcoming meeting whose dossier holds a published document,
    logged in, with the personal links the convocation e-mail gives her."""
    meeting = convened_meeting()
    document = published(secretariat_client, meeting, PDF, "odj.pdf", "Ordre du jour")
    membership = meeting.body.memberships[0]
    account = create_user(Role.MEMBER, person=membership.person)
    client = log_in(app.test_client(), account)
    links = (document_url(membership.person_id, document.id), dossier_url(membership.person_id, meeting.id))
    anonymous = app.test_client()
    assert [anonymous.get(link).status_code for link in links] == [200, 200]
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    return meeting, membership, account, client, links


def test_ending_a_mandate_stops_the_personal_dossier_links_as_it_stops_the_pages(app, app_context,
                                                                                 secretariat_client):
    meeting, membership, _, client, links = member_with_personal_links(app, secretariat_client)
    assert secretariat_client.post(f"/bodies/memberships/{membership.id}/end",
                                   data={"end_date": date.today().isoformat()}).status_code == 302
    assert client.get(f"/meetings/{meeting.id}").status_code == 403  # the pages stop at once
    anonymous = app.test_client()
    for link in links:
        assert anonymous.get(link).status_code == 404, f"{link}: the ended mandate still downloads the dossier"


def test_deactivating_an_account_stops_its_personal_dossier_links_as_it_stops_its_feeds(app, app_context,
                                                                                         secretariat_client,
                                                                                         admin_client):
    _, _, account, _, links = member_with_personal_links(app, secretariat_client)
    assert admin_client.post(f"/admin/comptes/{account.id}/desactiver").status_code == 302
    assert not db.session.get(User, account.id).active
    anonymous = app.test_client()
    for link in links:
        assert anonymous.get(link).status_code == 404, f"{link}: a deactivated account still downloads the dossier"


def test_a_personal_feed_never_shows_a_meeting_of_another_ars(app, app_context):
    """« Mes séances » keeps to the member's ARS whatever else names their person
    (tests/test_agenda_pages.py); the subscribable personal feed must too."""
    cts = make_body("CTS de l'Hérault")
    membership = add_member(cts, "Membre")
    corse = make_body("CRSA de Corse", organisation=Organisation(name="ARS Corse"))
    elsewhere = make_meeting(corse, day=date.today() + timedelta(days=4), title="Séance en Corse", convene=[])
    elsewhere.invitations.append(Invitation(person=membership.person, capacity=Capacity.GUEST))
    db.session.commit()
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=membership.person))
    assert "Séance en Corse" not in member.get("/mes-seances").text
    regenerate_feed_token(membership.person)
    db.session.commit()
    feed = app.test_client().get(f"/feeds/{membership.person.feed_token}.ics")
    assert feed.status_code == 200
    assert "Séance en Corse" not in feed.text and "CRSA de Corse" not in feed.text


def test_national_admins_security_journal_names_no_body_of_an_ars(app, demo):
    """National admins read the sign-in events of every ARS « and nothing else » of its data
    (tests/test_sign_in_defences.py, tests/test_organisations.py): not the name of its bodies."""
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    client = log_in(app.test_client(), member, DEMO_PASSWORD)
    for _ in range(2):  # the second regeneration is a security event
        assert client.post(f"/bodies/{demo.body_id}/feed/regenerate").status_code == 302
    national = log_in(app.test_client(), db.session.scalar(select(User).where(User.email == NATIONAL_ADMIN_EMAIL)),
                      DEMO_PASSWORD)
    page = national.get("/admin/audit").text
    assert "Nouveau lien d&#39;abonnement" in page  # the event is listed
    assert demo.body.label not in page and "COVID" not in page


def test_a_mandate_ends_on_the_paris_day_not_on_the_servers(app, app_context, monkeypatch):
    """At 00:30 in Paris the server's clock (UTC) still reads the day before: a mandate ending that day is
    over for the pages already, as for the feeds and the e-mails."""
    body = make_body("CTS de la Lozère")
    membership = add_member(body, "BOUDET")
    membership.end_date = date(2027, 1, 1)
    meeting = make_meeting(body)
    client = log_in(app.test_client(), create_user(Role.MEMBER, person=membership.person))

    class ClockAt(datetime):
        """The clock of 31 December 2026, 23:30 UTC (1 January, 00:30 in Paris)."""

        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc).astimezone(tz)

    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    monkeypatch.setattr(formatting, "datetime", ClockAt)
    assert formatting.paris_today() == date(2027, 1, 1)
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    assert client.get(f"/bodies/{body.id}").status_code == 403

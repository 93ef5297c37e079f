"""The public page of an organisation (no login): upcoming plenaries, published avis and the comptes
rendus the secretariat chose to publish; the Atom feed of the avis. No personal address anywhere."""
from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

from sqlalchemy import select

from app.extensions import db
from app.models import BodyKind, Organisation, Person, Vote
from tests.docx_reading import body_text, reopen
from tests.meeting_factories import make_body, make_meeting
from tests.test_votes import AVIS, counts_form, post_vote, sitting

ATOM = "{http://www.w3.org/2005/Atom}"


def voted_and_published(secretariat_client, **sitting_options):
    meeting, members = sitting(10, 6, **sitting_options)
    for index, membership in enumerate(members):
        membership.person.email = f"membre{index}@personnel.example.fr"
    db.session.commit()
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1)).status_code == 302
    vote = db.session.scalar(select(Vote))
    assert secretariat_client.post(f"/votes/{vote.id}/publish").status_code == 302
    return meeting, vote


def personal_addresses() -> set[str]:
    return set(db.session.scalars(select(Person.email).where(Person.email.is_not(None))))


def test_anonymous_visitor_reads_plenaries_and_published_avis(app, secretariat_client):
    meeting, vote = voted_and_published(secretariat_client)
    organisation_id = meeting.body.organisation_id
    make_meeting(meeting.body, day=date.today() + timedelta(days=20), title="Plénière d'automne",
                            visio_url="https://visio.example.fr/secret-room")
    anonymous = app.test_client()
    response = anonymous.get(f"/public/{organisation_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Plénière d&#39;automne" in page
    assert "secret-room" not in page
    assert AVIS in page and "Avis favorable" in page and "CRSA de test" in page and "jeudi 4 juin 2020" in page
    assert not any(address in page for address in personal_addresses())
    # Unpublished, the avis leaves the page.
    assert secretariat_client.post(f"/votes/{vote.id}/publish").status_code == 302
    assert AVIS not in anonymous.get(f"/public/{organisation_id}").get_data(as_text=True)


def test_working_group_meetings_and_another_ars_stay_off_the_page(app, secretariat_client):
    meeting, _ = voted_and_published(secretariat_client)
    other = Organisation(name="ARS voisine", short_name="ARSV")
    db.session.add(other)
    group = make_body("Groupe de travail COVID")
    group.kind = BodyKind.WORKING_GROUP
    db.session.commit()
    make_meeting(group, day=date.today() + timedelta(days=5), title="Réunion du groupe")
    anonymous = app.test_client()
    page = anonymous.get(f"/public/{meeting.body.organisation_id}").get_data(as_text=True)
    assert "Réunion du groupe" not in page
    other_page = anonymous.get(f"/public/{other.id}").get_data(as_text=True)
    assert AVIS not in other_page and "Aucun avis n'a encore été publié." in other_page
    assert anonymous.get("/public/999999").status_code == 404


def test_atom_feed_of_published_avis(app, secretariat_client):
    meeting, vote = voted_and_published(secretariat_client)
    response = app.test_client().get(f"/public/{meeting.body.organisation_id}/avis.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title") == "Avis favorable — Projet régional de santé (CRSA de test)"
    assert entries[0].findtext(f"{ATOM}content") == AVIS
    assert entries[0].findtext(f"{ATOM}id").endswith(f"#avis-{vote.id}")
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == meeting.body.organisation.name
    text = response.get_data(as_text=True)
    assert not any(address in text for address in personal_addresses())


def test_a_reopened_vote_leaves_the_public_page(app, secretariat_client):
    meeting, vote = voted_and_published(secretariat_client)
    assert secretariat_client.post(f"/votes/{vote.id}/reopen").status_code == 302
    page = app.test_client().get(f"/public/{meeting.body.organisation_id}").get_data(as_text=True)
    assert AVIS not in page


def test_the_secretariat_chooses_which_published_comptes_rendus_go_public(app, secretariat_client):
    meeting, _ = voted_and_published(secretariat_client)
    anonymous = app.test_client()
    public_url = f"/public/{meeting.body.organisation_id}"
    assert secretariat_client.post(f"/meetings/{meeting.id}/minutes/public").status_code == 302  # not published yet
    db.session.expire_all()
    assert meeting.minutes is None or meeting.minutes.public_at is None
    secretariat_client.post(f"/meetings/{meeting.id}/minutes/validate")
    secretariat_client.post(f"/meetings/{meeting.id}/minutes/publish")
    assert "Aucun compte rendu n'est publié" in anonymous.get(public_url).get_data(as_text=True)
    assert secretariat_client.post(f"/meetings/{meeting.id}/minutes/public").status_code == 302
    db.session.expire_all()
    minutes_id = meeting.minutes.id
    page = anonymous.get(public_url).get_data(as_text=True)
    assert f"/public/comptes-rendus/{minutes_id}.docx" in page
    document = reopen(anonymous.get(f"/public/comptes-rendus/{minutes_id}.docx").data)
    assert "Relevé des avis" in body_text(document) and AVIS in body_text(document)
    # Reopened, the compte rendu is a draft again: off the public page.
    assert secretariat_client.post(f"/meetings/{meeting.id}/minutes/reopen",
                                   data={"confirm": "y", "reason": "Correction"}).status_code == 302
    assert anonymous.get(f"/public/comptes-rendus/{minutes_id}.docx").status_code == 404
    assert f"/public/comptes-rendus/{minutes_id}.docx" not in anonymous.get(public_url).get_data(as_text=True)
    # Published again, it waits for the secretariat to choose again.
    secretariat_client.post(f"/meetings/{meeting.id}/minutes/validate")
    secretariat_client.post(f"/meetings/{meeting.id}/minutes/publish")
    assert anonymous.get(f"/public/comptes-rendus/{minutes_id}.docx").status_code == 404

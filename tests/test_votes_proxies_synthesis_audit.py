"""Audit of votes, avis, pouvoirs and the synthesis: what an ARS secretariat must be able to prove about each
avis (D.1432-47, -50, L.1432-4) stays true whatever is edited afterwards."""
from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

from sqlalchemy import func, select

from app.extensions import db
from app.meetings.quorum import quorum_status
from app.models import AgendaItem, AgendaItemNature, InvitationResponse, MeetingStatus, Vote, utc_now
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_votes import AVIS, counts_form, post_vote, sitting

ATOM = "{http://www.w3.org/2005/Atom}"


def votes_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Vote))


def edit_form(meeting, agenda: str) -> dict:
    """« Modifier la séance » as it stands, with ``agenda`` typed."""
    return {"title": meeting.title, "place": "ARS", "visio_url": "", "context": "", "working_method": "",
            "agenda": agenda, "day": "2020-06-04", "starts": "14:00", "ends": "16:00", "a_posteriori": "y",
            "version": str(meeting.version)}


def voted(secretariat_client, **options):
    meeting, members = sitting(10, 6, **options)
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1)).status_code == 302
    db.session.expire_all()
    return meeting, db.session.scalar(select(Vote))


# --- A recorded vote is never lost by editing the ordre du jour ------------------------------------------

def test_renaming_or_removing_a_voted_item_in_the_meeting_form_keeps_the_vote(secretariat_client):
    meeting, vote = voted(secretariat_client)
    for agenda in ("Projet régional de santé (PRS 2023-2028)", "Questions diverses"):
        response = secretariat_client.post(f"/meetings/{meeting.id}/edit", data=edit_form(meeting, agenda))
        assert response.status_code == 200
        assert "Le point « Projet régional de santé » a été mis au vote" in response.text
        db.session.expire_all()
        assert votes_count() == 1
        assert [item.title for item in meeting.agenda_items] == ["Projet régional de santé"]
    # Moving it or adding items around it is fine: the item and its vote stay.
    agenda = "Approbation du compte rendu\nProjet régional de santé\nQuestions diverses"
    assert secretariat_client.post(f"/meetings/{meeting.id}/edit", data=edit_form(meeting, agenda)).status_code == 302
    db.session.expire_all()
    assert votes_count() == 1 and db.session.get(Vote, vote.id).agenda_item.position == 2


def test_an_agenda_with_two_items_of_the_same_title_saved_as_it_is_keeps_both(secretariat_client):
    """Two items may bear the same title (« Avis », « Questions diverses »): saving the meeting unchanged
    keeps each item, its nature and its vote."""
    meeting, vote = voted(secretariat_client)
    meeting.agenda_items.append(AgendaItem(position=2, title="Projet régional de santé"))
    db.session.commit()
    first_id = meeting.agenda_items[0].id
    agenda = "Projet régional de santé\nProjet régional de santé"
    response = secretariat_client.post(f"/meetings/{meeting.id}/edit", data=edit_form(meeting, agenda))
    assert response.status_code == 302
    db.session.expire_all()
    assert votes_count() == 1
    assert meeting.agenda_items[0].id == first_id and meeting.agenda_items[0].nature is AgendaItemNature.FOR_OPINION


# --- A cancelled meeting gives no avis ----------------------------------------------------------------

def test_a_cancelled_meeting_records_no_vote(secretariat_client):
    meeting, _ = sitting(10, 6)
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    response = post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1))
    assert response.status_code == 200
    assert "La séance est annulée : aucun vote ne peut y être enregistré." in response.text
    assert votes_count() == 0


def test_a_meeting_not_begun_records_no_vote(secretariat_client):
    """The vote is taken in séance, on the quorum of that moment: not on a sheet filled in beforehand."""
    meeting, _ = sitting(10, 6)
    meeting.starts_at, meeting.ends_at = utc_now() + timedelta(days=3), utc_now() + timedelta(days=3, hours=2)
    db.session.commit()
    response = post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1))
    assert response.status_code == 200
    assert "La séance n&#39;a pas encore commencé : le vote a lieu en séance." in response.text
    assert votes_count() == 0


def test_the_avis_of_a_meeting_cancelled_afterwards_leaves_the_public_page_and_feed(app, secretariat_client):
    meeting, vote = voted(secretariat_client)
    assert secretariat_client.post(f"/votes/{vote.id}/publish").status_code == 302
    anonymous = app.test_client()
    organisation_id = meeting.body.organisation_id
    assert AVIS in anonymous.get(f"/public/{organisation_id}").text
    response = secretariat_client.post(f"/meetings/{meeting.id}/cancel", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.status is MeetingStatus.CANCELLED
    assert AVIS not in anonymous.get(f"/public/{organisation_id}").text
    feed = ElementTree.fromstring(anonymous.get(f"/public/{organisation_id}/avis.atom").data)
    assert feed.findall(f"{ATOM}entry") == []


# --- What was voted on is not rewritten afterwards -----------------------------------------------------

def test_the_nature_of_a_voted_item_changes_only_once_its_vote_is_reopened(secretariat_client):
    meeting, vote = voted(secretariat_client)
    item = meeting.agenda_items[0]
    response = secretariat_client.post(f"/agenda-items/{item.id}/vote-settings",
                                       data={"nature": "deliberation", "submitted_text": AVIS})
    assert response.status_code == 200
    assert "Ce point a été mis au vote pour avis" in response.text
    db.session.expire_all()
    assert item.nature is AgendaItemNature.FOR_OPINION
    assert secretariat_client.post(f"/votes/{vote.id}/reopen").status_code == 302
    response = secretariat_client.post(f"/agenda-items/{item.id}/vote-settings",
                                       data={"nature": "deliberation", "submitted_text": AVIS})
    assert response.status_code == 302
    db.session.expire_all()
    assert item.nature is AgendaItemNature.FOR_DELIBERATION


# --- No chain of pouvoirs in the forecast quorum ---------------------------------------------------------

def test_forecast_does_not_count_a_pouvoir_whose_holder_gave_a_pouvoir_in_turn(app_context):
    """D.1432-50: a pouvoir is held by a titulaire who sits. B gave a pouvoir to C, then C answered that
    he gives his own to A: C will not sit, so B's seat is not forecast represented (no chain)."""
    body = make_body("CRSA de test")
    members = [add_member(body, f"Membre{index}") for index in range(6)]
    meeting = make_meeting(body)
    invitations = {invitation.person_id: invitation for invitation in meeting.invitations}
    a, b, c = (members[index].person for index in range(3))
    invitations[a.id].response = InvitationResponse.PRESENT
    invitations[b.id].response, invitations[b.id].proxy_holder = InvitationResponse.PROXY, c
    invitations[c.id].response, invitations[c.id].proxy_holder = InvitationResponse.PROXY, a  # answered afterwards
    for membership in members[3:]:
        invitations[membership.person_id].response = InvitationResponse.EXCUSED
    db.session.commit()
    status = quorum_status(meeting)
    assert (status.present, status.represented, status.counted, status.reached) == (1, 1, 2, False), status.label

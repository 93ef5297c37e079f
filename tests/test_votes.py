"""Votes on agenda items: what the secretariat records at the meeting, what is refused (nothing written),
the quorum frozen with each vote, and the avis text frozen with the validated compte rendu."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaItemNature,
    Attendance,
    AttendanceStatus,
    Role,
    Vote,
    VoteBallot,
    VoteChoice,
    VoteOutcome,
)
from app.documents.typography import french_typography as fr
from tests.conftest import create_user, log_in
from tests.docx_reading import body_text, headings, reopen
from tests.meeting_factories import add_member, make_body, make_meeting, make_president

PRESENT, EXCUSED, REPRESENTED = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.REPRESENTED
AVIS = "La CRSA émet un avis favorable au projet régional de santé."


def sitting(size: int, present: int, *, represented: int = 0, president: bool = True, name: str = "CRSA de test",
            **settings):
    """A body of ``size`` titulaires (the first one president), the first ``present`` present, the next
    ``represented`` represented by the first members present (one pouvoir each), the others excused;
    one agenda item « pour avis »."""
    body = make_body(name, **settings)
    members = [add_member(body, f"Membre{index:02d}", first_name=f"Prénom{index:02d}") for index in range(size)]
    if president:
        make_president(members[0])
    meeting = make_meeting(body)
    for position, membership in enumerate(members, start=1):
        status, holder = EXCUSED, None
        if position <= present:
            status = PRESENT
        elif position <= present + represented:
            status, holder = REPRESENTED, members[position - present].person  # never the president
        meeting.attendances.append(Attendance(person=membership.person, status=status, represented_by=holder,
                                              position=position, voting=True))
    meeting.agenda_items.append(AgendaItem(position=1, title="Projet régional de santé",
                                           nature=AgendaItemNature.FOR_OPINION, submitted_text=AVIS))
    db.session.commit()
    return meeting, members


def counts_form(meeting, votes_for, against=0, abstentions=0, not_voting=0, **extra) -> dict:
    return {"agenda_item_id": meeting.agenda_items[0].id, "question": AVIS, "votes_for": votes_for,
            "votes_against": against, "abstentions": abstentions, "not_voting": not_voting, **extra}


def post_vote(client, meeting, data):
    return client.post(f"/meetings/{meeting.id}/votes/new", data=data)


def votes_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Vote))


def refused(response, message: str) -> None:
    """The form came back (200) with ``message``, and nothing was written."""
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert votes_count() == 0 and db.session.scalar(select(func.count()).select_from(VoteBallot)) == 0


def the_vote() -> Vote:
    db.session.expire_all()
    return db.session.scalar(select(Vote))


def test_secretariat_records_a_vote_and_the_quorum_is_frozen_with_it(secretariat_client):
    meeting, members = sitting(10, 6)
    page = secretariat_client.get(f"/meetings/{meeting.id}/votes/new?item={meeting.agenda_items[0].id}")
    assert page.status_code == 200 and AVIS in page.get_data(as_text=True)
    response = post_vote(secretariat_client, meeting, counts_form(meeting, 4, 1, 1))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{meeting.id}#votes")
    vote = the_vote()
    assert (vote.votes_for, vote.votes_against, vote.abstentions, vote.not_voting) == (4, 1, 1, 0)
    assert vote.outcome is VoteOutcome.ADOPTED and vote.avis_text == AVIS
    assert vote.quorum_statement == "Quorum atteint : 6 membres sur 10 (5 requis)"
    assert (vote.quorum_counted, vote.quorum_base, vote.quorum_required) == (6, 10, 5)
    # Attendance changes afterwards: the vote keeps the quorum it was taken under.
    meeting.attendances[5].status = EXCUSED
    db.session.commit()
    assert the_vote().quorum_statement == "Quorum atteint : 6 membres sur 10 (5 requis)"
    page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Avis favorable" in page and "Pour : 4 ; contre : 1 ; abstentions : 1" in page


def test_who_holds_a_pouvoir_votes_twice(secretariat_client):
    meeting, _ = sitting(10, 4, represented=2)  # 4 present, 2 represented: 6 votes
    refused(post_vote(secretariat_client, meeting, counts_form(meeting, 5, 2)),
            "Les décomptes totalisent 7 voix pour 6 membres présents ou représentés (pouvoirs compris)")
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1)).status_code == 302
    assert the_vote().votes_for == 5


def test_tie_is_decided_by_the_presidents_vote(secretariat_client):
    meeting, _ = sitting(8, 8)
    refused(post_vote(secretariat_client, meeting, counts_form(meeting, 4, 4)),
            "Égalité des voix : indiquez le vote du président, qui départage.")
    assert post_vote(secretariat_client, meeting,
                     counts_form(meeting, 4, 4, president_choice="contre")).status_code == 302
    vote = the_vote()
    assert vote.outcome is VoteOutcome.REJECTED and vote.decided_by_casting_vote
    assert vote.president_choice is VoteChoice.AGAINST


def test_a_tie_without_the_president_sitting_is_no_majority(secretariat_client):
    meeting, _ = sitting(8, 8, president=False)
    page = secretariat_client.get(f"/meetings/{meeting.id}/votes/new").get_data(as_text=True)
    assert "Vote du président" not in page
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 4, 4)).status_code == 302
    assert the_vote().outcome is VoteOutcome.REJECTED and not the_vote().decided_by_casting_vote


def test_the_presidents_vote_must_be_in_the_counts(secretariat_client):
    meeting, _ = sitting(8, 8)
    refused(post_vote(secretariat_client, meeting, counts_form(meeting, 0, 4, president_choice="pour")),
            "Le président a voté « pour » : les décomptes doivent compter sa voix.")


@pytest.mark.parametrize("in_base, outcome", [(False, VoteOutcome.ADOPTED), (True, VoteOutcome.REJECTED)])
def test_abstentions_count_in_the_base_only_where_the_body_says_so(secretariat_client, in_base, outcome):
    meeting, _ = sitting(10, 10, abstentions_in_base=in_base)
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 4, 3, 3)).status_code == 302
    assert the_vote().outcome is outcome


def test_members_who_declared_an_interest_do_not_take_part(secretariat_client):
    meeting, members = sitting(10, 6)
    interested = members[3].person
    data = counts_form(meeting, 3, 2, 0, 0, interests=[interested.id])
    refused(post_vote(secretariat_client, meeting, data), "ont déclaré un intérêt et ne prennent pas part au vote")
    data = counts_form(meeting, 3, 2, 0, 1, interests=[interested.id])
    assert post_vote(secretariat_client, meeting, data).status_code == 302
    vote = the_vote()
    assert [(ballot.person_id, ballot.choice, ballot.declared_interest) for ballot in vote.ballots] == [
        (interested.id, VoteChoice.NOT_VOTING, True)]
    assert vote.outcome is VoteOutcome.ADOPTED  # 3 against 2: the one not taking part is out of the base


def test_a_vote_is_refused_when_the_quorum_is_lost(secretariat_client):
    meeting, _ = sitting(10, 4)
    page = secretariat_client.get(f"/meetings/{meeting.id}/votes/new").get_data(as_text=True)
    assert "Quorum non atteint : 4 membres sur 10 (5 requis)" in page
    refused(post_vote(secretariat_client, meeting, counts_form(meeting, 3, 1)),
            "Le vote ne peut avoir lieu que si le quorum est atteint, ou sur seconde convocation.")


def test_a_second_convocation_votes_whatever_the_number_present(secretariat_client):
    first, _ = sitting(10, 3)
    second, _ = sitting(10, 3, name="CRSA reconvoquée")
    second.second_convocation_of_id = first.id
    week = timedelta(days=7)  # within the body's 8 days after the sitting without quorum (D.1432-50)
    second.starts_at, second.ends_at = first.starts_at + week, first.ends_at + week
    db.session.commit()
    assert post_vote(secretariat_client, second, counts_form(second, 2, 1)).status_code == 302
    assert the_vote().quorum_statement.startswith("Seconde convocation, aucun quorum requis : 3 membres sur 10")


def test_a_vote_needs_the_attendance_recorded(secretariat_client):
    body = make_body("Sans présences")
    add_member(body, "Seule")
    meeting = make_meeting(body)
    meeting.agenda_items.append(AgendaItem(position=1, title="Avis", nature=AgendaItemNature.FOR_OPINION))
    db.session.commit()
    refused(post_vote(secretariat_client, meeting, counts_form(meeting, 1)), "Enregistrez d&#39;abord les présences")


@pytest.mark.parametrize("field, value, message", [
    ("votes_for", "-1", "Un nombre de voix ne peut pas être négatif."),
    ("abstentions", "", "Saisissez un nombre de voix (0 s&#39;il n&#39;y en a pas)."),
    ("votes_against", "deux", "Saisissez un nombre entier de voix."),
    ("question", "  ", "Saisissez le texte soumis au vote."),
    ("president_choice", "peut-être", "Choix non valide"),
])
def test_bad_counts_are_refused_on_their_field(secretariat_client, field, value, message):
    meeting, _ = sitting(10, 6)
    response = post_vote(secretariat_client, meeting, {**counts_form(meeting, 3, 1), field: value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-erreurs"' in page and message.lower() in page.lower()
    assert votes_count() == 0


@pytest.mark.parametrize("nature, message", [
    (AgendaItemNature.FOR_INFORMATION, "Ce point est inscrit pour information : il ne donne pas lieu à un vote."),
    (None, "Indiquez d&#39;abord si ce point est soumis pour avis ou pour délibération."),
])
def test_items_not_put_to_the_vote_are_refused(secretariat_client, nature, message):
    meeting, _ = sitting(10, 6)
    meeting.agenda_items[0].nature = nature
    db.session.commit()
    response = post_vote(secretariat_client, meeting, counts_form(meeting, 3, 1))
    refused(response, message)
    assert 'id="agenda_item_id-erreurs"' in response.get_data(as_text=True)


def test_a_decided_item_is_voted_again_only_once_reopened(secretariat_client):
    meeting, _ = sitting(10, 6)
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 2, 3)).status_code == 302
    response = post_vote(secretariat_client, meeting, counts_form(meeting, 4, 1))
    assert response.status_code == 200 and "rouvrez ce vote avant de voter à nouveau" in response.get_data(as_text=True)
    assert votes_count() == 1
    first = the_vote()
    assert secretariat_client.post(f"/votes/{first.id}/reopen").status_code == 302
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 4, 1)).status_code == 302
    db.session.expire_all()
    votes = db.session.scalars(select(Vote).order_by(Vote.id)).all()
    assert [(vote.outcome, vote.is_current) for vote in votes] == [(VoteOutcome.REJECTED, False),
                                                                   (VoteOutcome.ADOPTED, True)]


def test_the_meeting_page_lists_the_votes_in_agenda_order_then_time(secretariat_client):
    """The second item voted first, then the first item twice (reopened between): the page reads them with its
    agenda (app/meetings/page.py) and lists the first item's two votes, oldest first, before the second's."""
    meeting, _ = sitting(10, 6)
    meeting.agenda_items.append(AgendaItem(position=2, title="Règlement intérieur",
                                           nature=AgendaItemNature.FOR_DELIBERATION, submitted_text="Le règlement."))
    db.session.commit()
    first_item, second_item = meeting.agenda_items
    for item in (second_item, first_item):
        post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1, agenda_item_id=item.id))
    reopened = db.session.scalar(select(Vote).where(Vote.agenda_item_id == first_item.id))
    assert secretariat_client.post(f"/votes/{reopened.id}/reopen").status_code == 302
    post_vote(secretariat_client, meeting, counts_form(meeting, 2, 3, agenda_item_id=first_item.id))
    db.session.expire_all()
    votes = {(vote.agenda_item_id, vote.outcome): vote.id for vote in db.session.scalars(select(Vote))}
    page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    shown = [int(vote_id) for vote_id in re.findall(r'id="vote-(\d+)"', page)]
    assert shown == [votes[first_item.id, VoteOutcome.ADOPTED], votes[first_item.id, VoteOutcome.REJECTED],
                     votes[second_item.id, VoteOutcome.ADOPTED]]
    assert page.count("Vote rouvert") == 1 and page.index("Vote rouvert") < page.index(f'id="vote-{shown[1]}"')


def test_roll_call_by_name_where_the_body_votes_so(secretariat_client):
    meeting, members = sitting(6, 4, represented=1, roll_call_votes=True)
    page = secretariat_client.get(f"/meetings/{meeting.id}/votes/new").get_data(as_text=True)
    represented = members[4].person
    assert f"{represented.formal_name}, représenté(e) par {members[1].person.formal_name}" in page
    voters = [m.person for m in members[:5]]
    choices = dict(zip(voters, ["pour", "pour", "contre", "ne_prend_pas_part", "pour"]))
    data = {"agenda_item_id": meeting.agenda_items[0].id, "question": AVIS, "interests": [voters[3].id],
            **{f"choice_{person.id}": choice for person, choice in choices.items()}}
    assert post_vote(secretariat_client, meeting, data).status_code == 302
    vote = the_vote()
    assert vote.roll_call and (vote.votes_for, vote.votes_against, vote.abstentions, vote.not_voting) == (3, 1, 0, 1)
    assert [(b.person_id, b.choice.value, b.cast_by_id) for b in vote.ballots][-1] == (
        represented.id, "pour", members[1].person.id)
    assert vote.president_choice is VoteChoice.FOR


def test_roll_call_refuses_someone_not_on_the_sheet_and_an_interested_member_voting(secretariat_client):
    meeting, members = sitting(6, 4, roll_call_votes=True)
    excused = members[5].person
    base = {"agenda_item_id": meeting.agenda_items[0].id, "question": AVIS,
            **{f"choice_{m.person.id}": "pour" for m in members[:4]}}
    response = post_vote(secretariat_client, meeting, {**base, f"choice_{excused.id}": "pour"})
    refused(response, f"L&#39;appel nominal nomme {excused.formal_name}, qui n&#39;est pas sur la feuille")
    assert 'id="roll_call-erreurs"' in response.get_data(as_text=True)
    response = post_vote(secretariat_client, meeting, {**base, "interests": [members[2].person.id]})
    refused(response, "Ce membre a déclaré un intérêt sur ce point : il ne prend pas part au vote.")
    assert f'id="choice_{members[2].person.id}-erreurs"' in response.get_data(as_text=True)
    refused(post_vote(secretariat_client, meeting, {**base, f"choice_{members[1].person.id}": ""}),
            "Indiquez le vote de ce membre.")


def test_the_avis_text_is_editable_until_the_minutes_are_validated_then_frozen(secretariat_client):
    meeting, _ = sitting(10, 6)
    post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1))
    vote = the_vote()
    assert secretariat_client.post(f"/votes/{vote.id}/avis", data={"avis_text": "Avis favorable, réserve faite."}
                                   ).status_code == 302
    assert the_vote().avis_text == "Avis favorable, réserve faite."
    refused_empty = secretariat_client.post(f"/votes/{vote.id}/avis", data={"avis_text": " "})
    assert refused_empty.status_code == 200 and "Saisissez le texte de l&#39;avis." in refused_empty.get_data(as_text=True)
    assert secretariat_client.post(f"/meetings/{meeting.id}/minutes/validate").status_code == 302
    assert secretariat_client.post(f"/votes/{vote.id}/avis", data={"avis_text": "Changé après coup"}).status_code == 409
    assert secretariat_client.post(f"/votes/{vote.id}/reopen").status_code == 409
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1)).status_code == 409
    assert the_vote().avis_text == "Avis favorable, réserve faite." and the_vote().is_current
    frozen = reopen(the_vote().agenda_item.meeting.minutes.document)
    assert "Avis favorable, réserve faite." in body_text(frozen)


def test_a_member_reads_published_avis_but_records_nothing(app, secretariat_client):
    meeting, members = sitting(10, 6)
    post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1))
    vote = the_vote()
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=members[2].person))
    assert member.get(f"/meetings/{meeting.id}/votes/new").status_code == 403
    assert member.post(f"/votes/{vote.id}/avis", data={"avis_text": "x"}).status_code == 403
    assert AVIS not in member.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert secretariat_client.post(f"/votes/{vote.id}/publish").status_code == 302
    assert AVIS in member.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_the_nature_and_the_text_submitted_are_set_on_the_item(secretariat_client):
    meeting, _ = sitting(10, 6)
    item = meeting.agenda_items[0]
    response = secretariat_client.post(f"/agenda-items/{item.id}/vote-settings",
                                       data={"nature": "deliberation", "submitted_text": "Le règlement intérieur."})
    assert response.status_code == 302
    db.session.expire_all()
    assert (item.nature, item.submitted_text) == (AgendaItemNature.FOR_DELIBERATION, "Le règlement intérieur.")
    bad = secretariat_client.post(f"/agenda-items/{item.id}/vote-settings", data={"nature": "secret"})
    assert bad.status_code == 200 and 'id="nature-erreurs"' in bad.get_data(as_text=True)


def test_relevé_des_avis_in_the_compte_rendu(secretariat_client):
    meeting, _ = sitting(8, 8)
    meeting.agenda_items.append(AgendaItem(position=2, title="Point d'information",
                                           nature=AgendaItemNature.FOR_INFORMATION))
    db.session.commit()
    post_vote(secretariat_client, meeting, counts_form(meeting, 4, 4, president_choice="pour"))
    document = reopen(secretariat_client.get(f"/meetings/{meeting.id}/minutes.docx").data)
    assert ("Heading 1", "Relevé des avis") in headings(document)
    assert ("Heading 2", "1. Projet régional de santé") in headings(document)
    assert ("Heading 2", "2. Point d'information") not in headings(document)
    text = body_text(document)
    assert fr(AVIS) in text
    assert fr("Pour : 4 ; contre : 4 ; abstentions : 0 ; ne prennent pas part au vote : 0.") in text
    assert fr("Avis favorable (8 suffrages exprimés, abstentions non comptées), la voix du président étant "
              "prépondérante en cas de partage égal des voix.") in text


def test_extract_of_one_avis_for_the_dg_ars(secretariat_client):
    meeting, members = sitting(10, 6)
    post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1))
    vote = the_vote()
    response = secretariat_client.get(f"/votes/{vote.id}/extrait.docx")
    assert response.status_code == 200
    document = reopen(response.data)
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "Extrait du relevé des avis" and document.paragraphs[0].style.name == "Title"
    assert "CRSA de test" in paragraphs and "Séance du 4 juin 2020" in paragraphs
    assert fr("Quorum au moment du vote : Quorum atteint : 6 membres sur 10 (5 requis).") in paragraphs
    assert fr(AVIS) in paragraphs
    assert fr("Pour : 5 ; contre : 1 ; abstentions : 0 ; ne prennent pas part au vote : 0.") in paragraphs
    assert paragraphs[-2:] == [fr("La présidente de l'instance"), members[0].person.display_name]
    assert "PROJET" in document.sections[0].header.paragraphs[-1].text or any(
        "PROJET" in p.text for p in document.sections[0].header.paragraphs)

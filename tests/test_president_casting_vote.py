"""The president's casting vote (voix prépondérante, D.1432-47 for the CRSA) is a setting of each body: preset
by its kind, edited on the body form, frozen with each vote and written consultation. Without it, a tie is
not adopted and nothing says the president decided."""
from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest

from app.bodies.rules import rules_summary
from app.documents.typography import french_typography as fr
from app.extensions import db
from app.models import PRESETS, Body, BodyKind, Organisation, VoteOutcome, WrittenConsultation, utc_now
from app.votes.domain import outcome_sentence
from tests.docx_reading import body_text, reopen
from tests.html_forms import form_values
from tests.test_votes import counts_form, post_vote, sitting, the_vote
from tests.test_votes_consultation import crsa, links_by_address, open_one

LABEL = "La voix du président est prépondérante en cas de partage égal des voix"
CASTING = "la voix du président étant prépondérante en cas de partage"
NO_CASTING = "l'avis n'étant pas adopté en cas de partage égal des voix"


@pytest.mark.parametrize("kind", list(BodyKind))
def test_every_kind_starts_with_the_casting_vote_and_a_body_may_do_without(app_context, kind):
    """The CRSA's rule (D.1432-47), and the common default of a CTS's règlement intérieur, which may say otherwise."""
    assert PRESETS[kind].rules.president_casting_vote is True
    assert Body(kind=kind, name="Instance", organisation=Organisation(name="ARS")).president_casting_vote is True
    assert Body(kind=kind, name="Instance", president_casting_vote=False).president_casting_vote is False


def test_the_rules_sentence_says_the_casting_vote_only_where_the_body_has_it(app_context):
    with_it = rules_summary(Body(kind=BodyKind.CRSA_PLENARY, name="CRSA"))
    without = rules_summary(Body(kind=BodyKind.CTS, name="CTS", president_casting_vote=False))
    assert any(CASTING in line for line in with_it) and not any(NO_CASTING in line for line in with_it)
    assert ("Avis : majorité des suffrages exprimés des membres présents ou représentés, abstentions non comptées, "
            f"{NO_CASTING} ; vote à main levée (décompte des voix).") in without
    assert not any("prépondérante" in line for line in without)


def test_the_body_form_shows_and_saves_the_setting(secretariat_client):
    for kind in ("crsa_plenary", "cts"):
        page = secretariat_client.get(f"/bodies/new?type={kind}").text
        assert LABEL in unescape(page) and form_values(page)["president_casting_vote"] == ["y"]
    meeting, _ = sitting(4, 4, name="CTS du Gers")
    body = meeting.body
    values = form_values(secretariat_client.get(f"/bodies/{body.id}/edit").text)
    assert values["president_casting_vote"] == ["y"]
    del values["president_casting_vote"]  # unchecked
    assert secretariat_client.post(f"/bodies/{body.id}/edit", data=values).status_code == 302
    db.session.expire_all()
    assert body.president_casting_vote is False
    page = unescape(secretariat_client.get(f"/bodies/{body.id}").text)
    assert NO_CASTING in page and "prépondérante" not in page
    edit = secretariat_client.get(f"/bodies/{body.id}/edit").text
    assert "president_casting_vote" not in form_values(edit)
    role_form = unescape(secretariat_client.get(f"/bodies/memberships/{body.memberships[1].id}/roles/new").text)
    assert "Le président ne donne ni ne reçoit de pouvoir." in role_form and "prépondérante" not in role_form
    assert secretariat_client.post(f"/bodies/{body.id}/edit",
                                   data={**values, "president_casting_vote": "y"}).status_code == 302
    db.session.expire_all()
    assert body.president_casting_vote is True


def test_a_tie_at_a_body_without_casting_vote_is_not_adopted_and_no_text_names_the_president(secretariat_client):
    meeting, _ = sitting(8, 8, president_casting_vote=False)
    page = unescape(secretariat_client.get(f"/meetings/{meeting.id}/votes/new").text)
    assert "Vote du président" not in page and "prépondérante" not in page
    assert "en cas de partage égal des voix, le texte n'est pas adopté." in page
    # Even a president's choice posted (a page from before the change) decides nothing.
    response = post_vote(secretariat_client, meeting, counts_form(meeting, 4, 4, president_choice="pour"))
    assert response.status_code == 302
    vote = the_vote()
    assert vote.outcome is VoteOutcome.REJECTED and not vote.decided_by_casting_vote
    assert vote.president_casting_vote is False and vote.president_choice is None
    sentence = "Avis défavorable (8 suffrages exprimés, abstentions non comptées)."
    assert outcome_sentence(vote) == sentence
    assert sentence in unescape(secretariat_client.get(f"/meetings/{meeting.id}").text)
    minutes = body_text(reopen(secretariat_client.get(f"/meetings/{meeting.id}/minutes.docx").data))
    assert fr(sentence) in minutes and "prépondérante" not in minutes
    extract = [paragraph.text for paragraph in
               reopen(secretariat_client.get(f"/votes/{vote.id}/extrait.docx").data).paragraphs]
    assert fr(sentence) in extract and not any("prépondérante" in paragraph for paragraph in extract)


def test_a_roll_call_tie_without_casting_vote_is_not_adopted(secretariat_client):
    meeting, members = sitting(4, 4, roll_call_votes=True, president_casting_vote=False)
    choices = dict(zip(members, ["pour", "pour", "contre", "contre"]))  # the president (first) votes pour
    data = {"agenda_item_id": meeting.agenda_items[0].id, "question": "Avis",
            **{f"choice_{membership.person.id}": choice for membership, choice in choices.items()}}
    assert post_vote(secretariat_client, meeting, data).status_code == 302
    vote = the_vote()
    assert (vote.votes_for, vote.votes_against) == (2, 2)
    assert vote.outcome is VoteOutcome.REJECTED and not vote.decided_by_casting_vote


def test_a_past_vote_keeps_the_rule_it_was_decided_under(secretariat_client):
    meeting, _ = sitting(8, 8)
    post_vote(secretariat_client, meeting, counts_form(meeting, 4, 4, president_choice="pour"))
    meeting.body.president_casting_vote = False  # the règlement intérieur changes afterwards
    db.session.commit()
    vote = the_vote()
    assert vote.president_casting_vote is True
    assert vote.outcome is VoteOutcome.ADOPTED and vote.decided_by_casting_vote
    page = unescape(secretariat_client.get(f"/meetings/{meeting.id}").text)
    assert ("Avis favorable (8 suffrages exprimés, abstentions non comptées), la voix du président étant "
            "prépondérante en cas de partage égal des voix.") in page
    assert "Vote du président" not in secretariat_client.get(f"/meetings/{meeting.id}/votes/new").text


def close_tie(app, secretariat_client, inbox, body, *, casting_vote_while_open: bool) -> WrittenConsultation:
    """A consultation of ``body`` where the president answers pour and a member contre, the body's setting
    changed to ``casting_vote_while_open`` before the closing."""
    consultation = open_one(secretariat_client, body)
    body.president_casting_vote = casting_vote_while_open
    links = links_by_address(inbox)
    for index, choice in ((0, "pour"), (1, "contre")):
        app.test_client().post(links[f"membre{index}@example.fr"], data={"choice": choice})
    consultation.closes_at = utc_now() - timedelta(minutes=1)
    db.session.commit()
    assert secretariat_client.post(f"/consultations/{consultation.id}/close").status_code == 302
    db.session.expire_all()
    return consultation


def test_a_consultation_at_a_body_without_casting_vote_is_not_adopted_on_a_tie(app, secretariat_client, inbox):
    body, _ = crsa()
    body.president_casting_vote = False
    db.session.commit()
    consultation = close_tie(app, secretariat_client, inbox, body, casting_vote_while_open=False)
    assert consultation.president_casting_vote is False
    assert consultation.outcome is VoteOutcome.REJECTED and not consultation.decided_by_casting_vote
    extract = [paragraph.text for paragraph in
               reopen(secretariat_client.get(f"/consultations/{consultation.id}/extrait.docx").data).paragraphs]
    assert fr("Avis défavorable (2 suffrages exprimés, abstentions non comptées).") in extract
    assert not any("prépondérante" in paragraph for paragraph in extract)


def test_a_consultation_applies_the_rule_of_its_opening(app, secretariat_client, inbox):
    body, _ = crsa()
    consultation = close_tie(app, secretariat_client, inbox, body, casting_vote_while_open=False)
    assert consultation.president_casting_vote is True and body.president_casting_vote is False
    assert consultation.outcome is VoteOutcome.ADOPTED and consultation.decided_by_casting_vote

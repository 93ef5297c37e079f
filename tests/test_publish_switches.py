"""« Publier l'avis » / « Retirer de la page publique » (and the same for a consultation's avis and the
compte rendu on the public page) post the state their button shows: a double tap, « Renvoyer » or a
second person's older page never undoes the first post. A post without it (a page of before) still flips."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.formatting import paris_datetime, paris_today
from app.models import Minutes, Vote
from tests.test_consultations_and_absences_rules import consulted_body, link_of, open_directly
from tests.test_frozen_minutes import validated
from tests.test_votes import counts_form, post_vote, sitting


def test_publier_l_avis_tapped_twice_stays_published(secretariat_client):
    meeting, _ = sitting(10, 6)
    assert post_vote(secretariat_client, meeting, counts_form(meeting, 5, 1)).status_code == 302
    vote = db.session.scalar(select(Vote))
    page = secretariat_client.get(f"/meetings/{meeting.id}").text
    assert f'action="/votes/{vote.id}/publish?publier=1"' in page

    for _ in range(2):
        answer = secretariat_client.post(f"/votes/{vote.id}/publish?publier=1", follow_redirects=True)
        assert "L&#39;avis est publié sur la page publique." in answer.text
    db.session.expire_all()
    assert vote.published_at is not None
    assert f'action="/votes/{vote.id}/publish?publier=0"' in secretariat_client.get(f"/meetings/{meeting.id}").text

    for _ in range(2):
        secretariat_client.post(f"/votes/{vote.id}/publish?publier=0")
    db.session.expire_all()
    assert vote.published_at is None
    secretariat_client.post(f"/votes/{vote.id}/publish")  # an older page: flips
    db.session.expire_all()
    assert vote.published_at is not None


def test_the_compte_rendu_put_on_the_public_page_twice_stays_there(demo, secretariat_client):
    minutes = validated(secretariat_client, demo.id)
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/publish").status_code == 302
    assert (f'action="/meetings/{demo.id}/minutes/public?publier=1"'
            in secretariat_client.get(f"/meetings/{demo.id}").text)
    for _ in range(2):
        secretariat_client.post(f"/meetings/{demo.id}/minutes/public?publier=1")
    db.session.expire_all()
    minutes = db.session.get(Minutes, minutes.id)
    assert minutes.public_at is not None
    for _ in range(2):
        secretariat_client.post(f"/meetings/{demo.id}/minutes/public?publier=0")
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).public_at is None


def test_a_consultations_avis_published_twice_stays_published(app, secretariat_client):
    body, members = consulted_body()
    consultation = open_directly(body, paris_datetime(paris_today() + timedelta(days=5), 18, 0))
    for membership in members:
        app.test_client().post(link_of(consultation, membership.person_id), data={"choice": "pour"})
    assert secretariat_client.post(f"/consultations/{consultation.id}/close").status_code == 302
    publish = f"/consultations/{consultation.id}/publish"
    assert f'action="{publish}?publier=1"' in secretariat_client.get(f"/consultations/{consultation.id}").text
    for _ in range(2):
        secretariat_client.post(f"{publish}?publier=1")
    db.session.expire_all()
    assert consultation.published_at is not None
    secretariat_client.post(f"{publish}?publier=0")
    db.session.expire_all()
    assert consultation.published_at is None

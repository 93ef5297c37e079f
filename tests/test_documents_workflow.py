"""The minutes workflow through the web: draft → validated → published, reopen, who downloads what."""
from __future__ import annotations

from sqlalchemy import select

from app.demo import DEMO_PASSWORD, ORGANISATION_NAME
from app.extensions import db
from app.models import Meeting, Minutes, MinutesAction, MinutesStatus, Role, User
from conftest import PASSWORD, create_user, log_in
from docx_reading import body_text, header_text, reopen

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def client_of(app, user, password=None):
    return log_in(app.test_client(), user, password or PASSWORD)


def minutes_of(meeting: Meeting) -> Minutes:
    db.session.expire_all()
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def member_client(app, demo):
    """The demo member account: the CRSA president, a member of the demo working group."""
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    assert member.person.last_name == "Marchand"
    return client_of(app, member, DEMO_PASSWORD)


def test_secretariat_validates_then_publishes_the_minutes_with_who_and_when(demo, app):
    user = create_user(Role.SECRETARIAT)
    client = client_of(app, user)
    response = client.post(f"/meetings/{demo.id}/minutes/validate")
    assert response.status_code == 302 and response.location.endswith(f"/meetings/{demo.id}")
    minutes = minutes_of(demo)
    assert minutes.status is MinutesStatus.VALIDATED
    assert minutes.validated_by_id == user.id and minutes.validated_at is not None
    stored = reopen(minutes.document)
    assert "PROJET" not in header_text(stored) and "Méthode de travail retenue" in body_text(stored)

    client.post(f"/meetings/{demo.id}/minutes/publish")
    minutes = minutes_of(demo)
    assert minutes.status is MinutesStatus.PUBLISHED and minutes.published_by_id == user.id
    assert [(event.action, event.user_id) for event in minutes.events] == [
        (MinutesAction.VALIDATED, user.id), (MinutesAction.PUBLISHED, user.id)]
    page = client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "Publié" in page and user.email in page and "Rouvrir le compte rendu" in page


def test_draft_download_says_projet(demo, secretariat_client):
    response = secretariat_client.get(f"/meetings/{demo.id}/minutes.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert "compte-rendu-2020-05-28-gt-covid-deconfinement-projet.docx" in response.headers["Content-Disposition"]
    document = reopen(response.data)
    assert "PROJET" in header_text(document) and ORGANISATION_NAME in header_text(document)


def test_validated_minutes_stay_frozen_when_the_meeting_is_edited(demo, secretariat_client):
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    frozen = minutes_of(demo).document
    meeting = db.session.get(Meeting, demo.id)
    meeting.working_method = "Une méthode toute nouvelle, écrite après la validation."
    db.session.commit()
    served = secretariat_client.get(f"/meetings/{demo.id}/minutes.docx").data
    assert served == frozen
    assert "toute nouvelle" not in body_text(reopen(served))


def test_a_validated_meeting_cannot_be_edited_until_its_minutes_are_reopened(demo, secretariat_client):
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    section = demo.sections[0]
    attempts = [
        ("GET", f"/meetings/{demo.id}/edit"),
        ("GET", f"/meetings/{demo.id}/attendance"),
        ("GET", f"/meetings/{demo.id}/round-table"),
        ("POST", f"/meetings/{demo.id}/round-table/sections/{section.id}/points"),
        ("GET", f"/meetings/{demo.id}/deadlines"),
        ("GET", f"/meetings/{demo.id}/convened"),
    ]
    for method, url in attempts:
        response = secretariat_client.open(url, method=method, data={"text": "Ajout après validation"})
        assert response.status_code == 409, url
        assert "rouvrez-le" in response.text
    db.session.expire_all()
    assert all(point.text != "Ajout après validation" for point in db.session.get(Meeting, demo.id).sections[0].points)
    secretariat_client.post(f"/meetings/{demo.id}/minutes/reopen", data={"confirm": "y", "reason": "Correction"})
    assert secretariat_client.get(f"/meetings/{demo.id}/edit").status_code == 200


def test_publishing_a_draft_is_refused_with_a_french_message(demo, secretariat_client):
    response = secretariat_client.post(f"/meetings/{demo.id}/minutes/publish", follow_redirects=True)
    assert "Validez le compte rendu avant de le publier." in response.get_data(as_text=True)
    assert minutes_of(demo) is None or minutes_of(demo).status is MinutesStatus.DRAFT


def test_reopening_needs_an_explicit_confirmation_and_is_recorded(demo, app):
    user = create_user(Role.SECRETARIAT)
    client = client_of(app, user)
    client.post(f"/meetings/{demo.id}/minutes/validate")
    client.post(f"/meetings/{demo.id}/minutes/publish")

    refused = client.post(f"/meetings/{demo.id}/minutes/reopen", data={"reason": "Nom mal orthographié"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Cochez la case pour confirmer la réouverture." in page and "Nom mal orthographié" in page
    assert minutes_of(demo).status is MinutesStatus.PUBLISHED

    done = client.post(f"/meetings/{demo.id}/minutes/reopen", data={"confirm": "y", "reason": "Nom mal orthographié"})
    assert done.status_code == 302
    minutes = minutes_of(demo)
    assert minutes.status is MinutesStatus.DRAFT and minutes.document is None
    reopened = minutes.events[-1]
    assert (reopened.action, reopened.user_id, reopened.comment) == (
        MinutesAction.REOPENED, user.id, "Nom mal orthographié")
    assert "PROJET" in header_text(reopen(client.get(f"/meetings/{demo.id}/minutes.docx").data))


def test_members_download_only_published_minutes(demo, app, secretariat_client):
    member = member_client(app, demo)
    assert member.get(f"/meetings/{demo.id}/minutes.docx").status_code == 403
    assert "pas encore publié" in member.get(f"/meetings/{demo.id}").get_data(as_text=True)
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    assert member.get(f"/meetings/{demo.id}/minutes.docx").status_code == 403
    secretariat_client.post(f"/meetings/{demo.id}/minutes/publish")
    response = member.get(f"/meetings/{demo.id}/minutes.docx")
    assert response.status_code == 200 and response.data == minutes_of(demo).document
    page = member.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert f"/meetings/{demo.id}/minutes.docx" in page and "Valider le compte rendu" not in page


def test_members_cannot_run_the_workflow_or_print_the_sign_in_sheet(demo, app):
    member = member_client(app, demo)
    for url in ("minutes/validate", "minutes/publish", "minutes/reopen"):
        assert member.post(f"/meetings/{demo.id}/{url}").status_code == 403
    assert member.get(f"/meetings/{demo.id}/sign-in-sheet.docx").status_code == 403
    assert minutes_of(demo) is None


def test_a_member_of_another_body_cannot_download_published_minutes(demo, app, secretariat_client):
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    secretariat_client.post(f"/meetings/{demo.id}/minutes/publish")
    outsider = client_of(app, create_user(Role.MEMBER))
    assert outsider.get(f"/meetings/{demo.id}/minutes.docx").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(demo, client):
    for url in (f"/meetings/{demo.id}/minutes.docx", f"/meetings/{demo.id}/sign-in-sheet.docx", "/synthesis"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_unknown_meeting_gives_404(app_context, secretariat_client):
    assert secretariat_client.get("/meetings/999999/minutes.docx").status_code == 404
    assert secretariat_client.post("/meetings/999999/minutes/validate").status_code == 404


def test_meeting_page_offers_the_documents_to_staff(demo, secretariat_client):
    page = secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "Projet de compte rendu (.docx)" in page and "Valider le compte rendu" in page
    assert f"/meetings/{demo.id}/sign-in-sheet.docx" in page
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    page = secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "Publier le compte rendu" in page and "Le compte rendu est figé" in page
    assert "Valider le compte rendu" not in page


def test_validating_and_publishing_are_asked_first_with_what_they_do(demo, secretariat_client):
    page = secretariat_client.get(f"/meetings/{demo.id}").text
    assert f'href="/meetings/{demo.id}/minutes/validate"' in page  # a link to the confirmation, no JavaScript
    confirm = secretariat_client.get(f"/meetings/{demo.id}/minutes/validate").text
    assert "Valider le compte rendu ?" in confirm and "Le compte rendu est figé tel qu&#39;il se lit maintenant" in confirm
    assert "ne pourra plus être modifiée sans rouvrir le compte rendu" in confirm
    assert 'name="csrf_token"' in confirm and f'action="/meetings/{demo.id}/minutes/validate"' in confirm
    assert minutes_of(demo) is None, "asking changes nothing"
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    confirm = secretariat_client.get(f"/meetings/{demo.id}/minutes/publish").text
    assert "Publier le compte rendu ?" in confirm and "devient visible de tous les membres de l&#39;instance" in confirm
    assert "Aucun courriel n&#39;est envoyé" in confirm
    assert minutes_of(demo).status.value == "validated"


def test_the_minutes_of_a_meeting_not_yet_held_are_neither_validated_nor_published(app, app_context):
    from datetime import timedelta

    from app.formatting import to_paris
    from app.models import MeetingStatus, utc_now
    from meeting_factories import make_body, make_meeting

    meeting = make_meeting(make_body("Commission à venir"), day=to_paris(utc_now() + timedelta(days=3)).date())
    client = client_of(app, create_user(Role.SECRETARIAT))
    page = client.get(f"/meetings/{meeting.id}").text
    assert "Valider le compte rendu" not in page
    assert "le compte rendu se validera une fois la séance tenue" in page
    refused = client.post(f"/meetings/{meeting.id}/minutes/validate", follow_redirects=True)
    assert "La séance n&#39;a pas encore eu lieu" in refused.text
    assert minutes_of(meeting) is None or minutes_of(meeting).status is MinutesStatus.DRAFT
    client.post(f"/meetings/{meeting.id}/minutes/publish")
    assert minutes_of(meeting) is None or minutes_of(meeting).status is MinutesStatus.DRAFT

    meeting.status = MeetingStatus.HELD  # held early: the secretariat marked it so
    db.session.commit()
    assert "Valider fige le compte rendu" in client.get(f"/meetings/{meeting.id}").text
    client.post(f"/meetings/{meeting.id}/minutes/validate")
    client.post(f"/meetings/{meeting.id}/minutes/publish")
    assert minutes_of(meeting).status is MinutesStatus.PUBLISHED

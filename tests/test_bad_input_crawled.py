"""Bad input found by crawling every route and form as each role (see also test_bad_input.py and
test_bad_input_probed.py): a clear French message with nothing the user typed lost; never a 500, never a
half-written record."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Meeting, MembershipRole, RoleKind
from app.models.dossier import MeetingDocument
from tests.conftest import row_counts
from tests.html_forms import form_values
from tests.test_bad_input_probed import demo_client, post_safely


def upcoming_meeting(demo) -> Meeting:
    return db.session.scalar(select(Meeting).where(Meeting.body_id == demo.body_id, Meeting.id != demo.id)
                             .order_by(Meeting.starts_at.desc()).limit(1))


def shown_values(client, url: str, form_id: str | None = None) -> dict:
    """The form's fields as the page offers them (a checkbox list: its first ticked value)."""
    return {name: value[0] if isinstance(value, list) else value
            for name, value in form_values(client.get(url).text, form_id).items()}


# -- any text field posted as a file (a hand-made multipart request) ----------------------------

def person_form(client, demo):
    return "/people/new", {"civility": "Mme", "first_name": "Zoé tapée", "email": "", "affiliation": ""}


def meeting_edit_form(client, demo):
    url = f"/meetings/{upcoming_meeting(demo).id}/edit"
    return url, {**shown_values(client, url), "title": "Titre tapé à garder"}


def due_date_form(client, demo):
    return f"/meetings/{demo.id}/deadlines/due-date", {"butoir-title": "Échéance tapée", "butoir-at": ""}


def attendance_form(client, demo):
    url = f"/meetings/{upcoming_meeting(demo).id}/attendance"
    values = shown_values(client, url)
    values.pop("chercher", None)
    return url, {**values, "new_last_name": "Nom tapé"}


def account_form(client, demo):
    return "/admin/comptes/nouveau", {"role": "member", "person_id": "", "organisation_id": ""}


@pytest.mark.parametrize("page, file_field, typed", [
    (person_form, "last_name", "Zoé tapée"),
    (meeting_edit_form, "day", "Titre tapé à garder"),
    (due_date_form, "butoir-day", "Échéance tapée"),
    (attendance_form, "new_person_search", "Nom tapé"),
    (account_form, "email", None),
], ids=["person-last_name", "meeting-day", "due_date-day", "attendance-search", "account-email"])
def test_a_text_field_posted_as_a_file_is_refused_in_french(app, demo, page, file_field, typed):
    """A file where a text is expected is no value: the field is missing (French message), never a 500."""
    client = demo_client(app)
    url, values = page(client, demo)
    values = {name: value for name, value in values.items() if name != file_field}
    values[file_field] = (io.BytesIO("un fichier à la place du texte".encode()), "texte.txt")
    before = row_counts()
    response = post_safely(client, url, data=values, content_type="multipart/form-data")
    assert response.status_code < 500, response.text
    assert response.status_code in (200, 409, 422)
    if typed:
        assert typed in response.text  # what was typed is given back
    db.session.rollback()
    assert row_counts() == before


# -- a form posted with a lost CSRF token comes back with what was typed, defaults never over it ----

@pytest.fixture
def csrf_demo(isolated_app):
    """The demo in an app checking CSRF tokens; requests run in their own app context (as in production)."""
    from app.demo import load_demo

    app = isolated_app("crawled", WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_demo()
        db.session.commit()
        upcoming = upcoming_meeting(db.session.scalar(select(Meeting).order_by(Meeting.starts_at).limit(1)))
        role = db.session.scalar(select(MembershipRole).where(MembershipRole.kind != RoleKind.RAPPORTEUR).limit(1))
        document = db.session.scalar(select(MeetingDocument).limit(1))
        other_item = next(item for item in document.meeting.agenda_items if item.id != document.agenda_item_id)
        ids = {"body_id": upcoming.body_id, "upcoming_id": upcoming.id, "role_id": role.id,
               "document_id": document.id, "item_id": str(other_item.id)}
        db.session.remove()
    return app, ids


def logged_in_with_token(app):
    from app.demo import DEMO_PASSWORD
    from tests.test_expired_forms import csrf_token

    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    assert client.post("/login", data={"email": "admin@demo.example.fr", "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client


@pytest.mark.parametrize("url, typed", [
    ("/bodies/{body_id}/meetings/new", {"title": "Séance tapée", "agenda": "Point tapé", "day": "2031-05-06",
                                        "starts": "10:00", "ends": "12:00"}),
    ("/bodies/{body_id}/meetings/series", {"title": "Série tapée", "agenda": "Point tapé",
                                           "occurrences": "06/05/2031 10:00-12:00"}),
    ("/meetings/{upcoming_id}/edit", {"title": "Séance tapée", "agenda": "Point tapé", "day": "2031-05-06",
                                      "starts": "10:00", "ends": "12:00"}),
    ("/bodies/roles/{role_id}/edit", {"kind": "rapporteur", "start_date": "2031-05-06"}),
    ("/dossier/documents/{document_id}", {"title": "Document tapé", "agenda_item": "{item_id}"}),
], ids=["meeting-create", "meeting-series", "meeting-edit", "role-edit", "dossier-document"])
def test_a_form_with_a_lost_token_comes_back_with_every_value_typed(csrf_demo, url, typed):
    """The page shown again is the view run as a GET: its defaults for a new form (title, agenda, role,
    agenda item) must not replace what the refused post held."""
    app, ids = csrf_demo
    client = logged_in_with_token(app)
    url = url.format(**ids)
    typed = {name: value.format(**ids) for name, value in typed.items()}
    with app.app_context():
        before = row_counts()
    response = client.post(url, data={**typed, "csrf_token": "perdu"})
    assert response.status_code == 400
    assert "rien n&#39;a été enregistré" in response.text
    for name, value in typed.items():
        shown = form_values(response.text)[name]
        assert shown == value, f"{name}: {shown!r} shown, {value!r} typed"
    with app.app_context():
        assert row_counts() == before

"""More bad input found by probing every form (see also test_bad_input.py): names taken, damaged files,
people with an account already, control characters in ``next``, odd digits in field names, tampered hidden
fields, agenda lines longer than an item. A clear French message with nothing the user typed lost; never a
500, never a half-written record."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD, OTHER_ORGANISATION_NAME
from app.extensions import db
from app.models import User
from tests.conftest import log_in, row_counts
from tests.html_forms import form_values


def demo_client(app, email: str = "admin@demo.example.fr"):
    return log_in(app.test_client(), db.session.scalar(select(User).where(User.email == email)), DEMO_PASSWORD)


def post_safely(client, url, **kwargs):
    """The response, or a 500 when the app raised (TESTING propagates exceptions)."""
    try:
        return client.post(url, **kwargs)
    except Exception as error:  # noqa: BLE001 - what a user would get is a 500 page
        class Failed:
            status_code = 500
            text = repr(error)
        return Failed()


# -- /organisation: renaming the ARS to the name of another ARS ----------------------------------

def test_renaming_the_ars_to_another_ars_name_gets_a_french_message(app, demo):
    client = demo_client(app)
    values = form_values(client.get("/organisation").text)
    values = {name: value for name, value in values.items() if not isinstance(value, list)}
    values.update(name=OTHER_ORGANISATION_NAME, logo=(io.BytesIO(b""), ""), word_template=(io.BytesIO(b""), ""))
    response = post_safely(client, "/organisation", data=values, content_type="multipart/form-data")
    assert response.status_code < 500, response.text
    assert response.status_code == 200
    assert "porte déjà ce nom" in response.text
    assert OTHER_ORGANISATION_NAME in response.text  # what was typed is given back


# -- /organisation: a damaged Word template ----------------------------------------------------

def damaged_template() -> bytes:
    """A .docx whose styles part names a style type Word does not have."""
    saved = io.BytesIO()
    docx.Document().save(saved)
    source = zipfile.ZipFile(io.BytesIO(saved.getvalue()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(b'w:type="paragraph"', b'w:type="inconnu"', 1)
            archive.writestr(info, data)
    return damaged.getvalue()


def test_a_damaged_word_template_gets_a_french_message(app, demo):
    client = demo_client(app)
    before = row_counts()
    response = post_safely(client, "/organisation", data={
        "name": "Agence Régionale de Santé Occitanie", "short_name": "ARS Occitanie", "secretariat_email": "",
        "logo": (io.BytesIO(b""), ""), "word_template": (io.BytesIO(damaged_template()), "modele.dotx"),
    }, content_type="multipart/form-data")
    assert response.status_code < 500, response.text
    assert "Le modèle doit être un document ou un modèle Word" in response.text
    assert row_counts() == before


# -- /admin/comptes/nouveau: a person who already has an account -------------------------------

def test_linking_a_new_account_to_a_person_who_has_one_gets_a_french_message(app, demo):
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    person_id, organisation_id = member.person_id, member.organisation_id
    assert person_id is not None
    client = demo_client(app)
    offered = form_values(client.get("/admin/comptes/nouveau").text)
    assert str(person_id) in client.get("/admin/comptes/nouveau").text  # the form offers her
    before = row_counts()
    response = post_safely(client, "/admin/comptes/nouveau", data={
        **{name: value for name, value in offered.items() if not isinstance(value, list)},
        "email": "second.compte@demo.example.fr", "role": "member", "organisation_id": str(organisation_id),
        "person_id": str(person_id)})
    assert response.status_code < 500, response.text
    assert response.status_code == 422
    assert "second.compte@demo.example.fr" in response.text  # what was typed is given back
    db.session.rollback()
    assert row_counts() == before


# -- /login?next=…: a line break in the address to go back to ----------------------------------

def test_a_line_break_in_next_never_breaks_the_login(app, demo):
    response = post_safely(app.test_client(), "/login?next=/seances%0D%0AX-Injected:%201",
                           data={"email": "admin@demo.example.fr", "password": DEMO_PASSWORD})
    assert response.status_code < 500, response.text
    assert response.status_code == 302
    assert "\n" not in response.headers["Location"] and "X-Injected" not in response.headers


# -- /meetings/<id>/votes/new: a roll-call field named with a digit int() does not read ----------

def test_a_roll_call_field_with_a_superscript_digit_is_refused_in_french(secretariat_client):
    from tests.test_votes import AVIS, sitting, votes_count

    meeting, members = sitting(6, 4, roll_call_votes=True)
    data = {"agenda_item_id": meeting.agenda_items[0].id, "question": AVIS,
            **{f"choice_{member.person.id}": "pour" for member in members[:4]}, "choice_²": "pour"}
    response = post_safely(secretariat_client, f"/meetings/{meeting.id}/votes/new", data=data)
    assert response.status_code < 500, response.text
    assert response.status_code == 200
    assert "une personne inconnue" in response.text
    assert votes_count() == 0


# -- /meetings/<id>/attendance: a row without its person ----------------------------------------

def attendance_page(app, demo):
    from app.models import Meeting

    upcoming = db.session.scalar(select(Meeting).where(Meeting.body_id == demo.body_id, Meeting.id != demo.id)
                                 .order_by(Meeting.starts_at.desc()).limit(1))
    client = demo_client(app)
    url = f"/meetings/{upcoming.id}/attendance"
    values = {name: value[0] if isinstance(value, list) else value
              for name, value in form_values(client.get(url).text).items() if name != "chercher"}
    return client, url, values


def without_first_person(values):
    del values["rows-0-person_id"]


def with_extra_row(values):
    values["rows-99-status"] = "present"


@pytest.mark.parametrize("tamper", [without_first_person, with_extra_row])
def test_an_attendance_sheet_with_rows_tampered_never_breaks(app, demo, tamper):
    """A row posted without its person, or a row no one was shown: the sheet as it stands, with what was typed."""
    client, url, values = attendance_page(app, demo)
    before = row_counts()
    tamper(values)
    values["new_last_name"] = "Nom tapé"
    response = post_safely(client, url, data=values)
    assert response.status_code < 500, response.text
    assert response.status_code in (409, 422)
    assert "Nom tapé" in response.text
    assert row_counts() == before


# -- /bodies/<id>/meetings/new: the hidden creation token of another body's form -----------------

def test_a_creation_token_already_used_by_another_body_never_breaks_planning(app, demo):
    from app.models import Body, Meeting

    other_body = db.session.scalar(select(Body).where(Body.organisation_id == demo.body.organisation_id,
                                                      Body.id != demo.body_id).limit(1))
    client = demo_client(app)
    token = "t" * 32
    form = {"title": "Séance de printemps", "place": "Montpellier", "visio_url": "", "agenda": "", "context": "",
            "working_method": "", "day": "2031-04-08", "starts": "10:00", "ends": "12:00", "creation_token": token}
    first = client.post(f"/bodies/{demo.body_id}/meetings/new", data=form)
    assert first.status_code == 302
    before = row_counts()
    response = post_safely(client, f"/bodies/{other_body.id}/meetings/new", data={**form, "title": "Autre séance"})
    assert response.status_code < 500, response.text
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.body_id == other_body.id,
                                                                           Meeting.title == "Autre séance")) == 1 \
        or (response.status_code in (200, 409, 422) and "Autre séance" in response.text and row_counts() == before)


# -- /bodies/<id>/meetings/new and /meetings/<id>/edit: one agenda line longer than an item title ---

def test_an_agenda_line_too_long_for_an_item_gets_a_french_message(app, demo):
    client = demo_client(app)
    before = row_counts()
    long_line = "Présentation du projet régional de santé " * 15  # 615 characters on one line
    response = post_safely(client, f"/bodies/{demo.body_id}/meetings/new", data={
        "title": "Séance de printemps", "place": "Montpellier", "visio_url": "", "context": "", "working_method": "",
        "agenda": f"Approbation du compte rendu\n{long_line}", "day": "2031-04-08", "starts": "10:00", "ends": "12:00"})
    assert response.status_code == 200  # refused on both databases (PostgreSQL's column would refuse it)
    assert "Le point n° 2 de l&#39;ordre du jour dépasse 500 caractères" in response.text
    assert "Approbation du compte rendu" in response.text and "Présentation du projet régional" in response.text
    db.session.rollback()
    assert row_counts() == before

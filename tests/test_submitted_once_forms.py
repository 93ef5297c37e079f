"""The other create forms a double tap or « Renvoyer » would post twice, each making a record one would then have
to delete (app/submissions.py): a section of the tour de table, a person, a person convened to a meeting, a
member of a body (with her new fiche). The same form posted twice creates once; a post without a valid token
creates as before."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from unittest.mock import patch
from urllib.parse import unquote

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from app.models import Invitation, Membership, Person, Role, RoundTableSection
from app.submissions import Submission
from tests.conftest import create_user, log_in
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_submitted_once import ALREADY_SENT, FETCH, token_on


@pytest.fixture
def meeting(app_context):
    body = make_body("Commission de test")
    add_member(body, "Martin")
    return make_meeting(body)


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)).where(*where))


@dataclass(frozen=True)
class CreateForm:
    """One create form: its page, where it posts, its token's field, what it posts, what it creates."""

    name: str
    page: Callable[[object], str]
    action: Callable[[object], str]
    token_field: str
    data: Callable[[object], dict[str, str]]
    created: Callable[[], int]
    repeated: str  # the message a repeat is answered with, as typed in French

    def post_data(self, meeting, token: str | None) -> dict[str, str]:
        data = self.data(meeting)
        if token is not None:
            data[self.token_field] = token
        return data


def editor(meeting) -> str:
    return f"/meetings/{meeting.id}/round-table"


SECTION = CreateForm(
    "section", editor, lambda meeting: f"{editor(meeting)}/sections", "new-section-submission_token",
    lambda meeting: {"new-section-title": "Questions diverses"},
    lambda: count(RoundTableSection, RoundTableSection.title == "Questions diverses"),
    "la section « Questions diverses » n'a été ajoutée qu'une fois.")

PERSON = CreateForm(
    "person", lambda meeting: "/people/new", lambda meeting: "/people/new", "submission_token",
    lambda meeting: {"civility": "Mme", "first_name": "Hélène", "last_name": "Lefèvre", "email": "",
                     "affiliation": "France Assos Santé"},
    lambda: count(Person, Person.last_name == "Lefèvre"),
    "Mme Hélène LEFÈVRE n'a été ajouté(e) qu'une fois.")

CONVENED = CreateForm(
    "convened", lambda meeting: f"/meetings/{meeting.id}/convened",
    lambda meeting: f"/meetings/{meeting.id}/convened", "submission_token",
    lambda meeting: {"person_id": "0", "new_civility": "Mme", "new_first_name": "Marie-Pierre",
                     "new_last_name": "Battisti", "new_email": "", "new_affiliation": "ARS Occitanie",
                     "capacity": "ars_staff", "title": "Directrice déléguée"},
    lambda: count(Invitation, Invitation.title == "Directrice déléguée"),
    "Mme Marie-Pierre BATTISTI n'a été convoqué(e) qu'une fois.")

SEAT = {"title": "Représentante des usagers", "college": "Usagers", "seat": "titulaire", "substitute_for_id": "0",
        "voting": "y", "start_date": "2024-03-01", "end_date": "", "person_search": "", "person_id": "nouvelle",
        "new_person-civility": "Mme", "new_person-first_name": "Hélène", "new_person-last_name": "Lefèvre",
        "new_person-email": "", "new_person-affiliation": "France Assos Santé"}

MEMBER = CreateForm(
    "member", lambda meeting: f"/bodies/{meeting.body_id}/members/new",
    lambda meeting: f"/bodies/{meeting.body_id}/members/new", "submission_token", lambda meeting: dict(SEAT),
    lambda: count(Membership, Membership.title == "Représentante des usagers"),
    "Mme Hélène LEFÈVRE n'a été ajouté(e) aux membres qu'une fois.")

FORMS = [SECTION, PERSON, CONVENED, MEMBER]
by_name = pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])


@by_name
def test_a_create_form_posted_twice_creates_once(secretariat_client, meeting, form):
    token = token_on(secretariat_client.get(form.page(meeting)).text, form.token_field)
    first = secretariat_client.post(form.action(meeting), data=form.post_data(meeting, token))
    assert first.status_code == 302 and form.created() == 1
    secretariat_client.get(first.location)  # the first answer's page, its message read
    again = secretariat_client.post(form.action(meeting), data=form.post_data(meeting, token))
    assert again.status_code == 302 and again.location == first.location
    assert form.created() == 1
    page = secretariat_client.get(again.location).text
    assert str(escape(f"{ALREADY_SENT} : {form.repeated}")) in page


@by_name
@pytest.mark.parametrize("token", [None, "", "court", "z" * 65, "pas un jeton !!!!!!!!"])
def test_a_create_form_without_a_valid_token_creates_as_before(secretariat_client, meeting, form, token):
    for _ in range(2):  # nothing tells the two posts apart: both create, as without the protection
        assert secretariat_client.post(form.action(meeting), data=form.post_data(meeting, token)).status_code == 302
    assert form.created() == 2


@by_name
def test_a_create_form_posted_twice_at_the_same_moment_creates_once(app, secretariat_client, meeting, form):
    other = log_in(app.test_client(), create_user(Role.SECRETARIAT, email="autre@example.fr"))
    token = token_on(secretariat_client.get(form.page(meeting)).text, form.token_field)
    first = secretariat_client.post(form.action(meeting), data=form.post_data(meeting, token))
    with patch.object(Submission, "repeated", lambda self: False):  # the check before saw no token yet
        second = other.post(form.action(meeting), data=form.post_data(meeting, token))
    assert first.status_code == second.status_code == 302 and second.location == first.location
    assert form.created() == 1
    assert ALREADY_SENT in other.get(second.location).text


@by_name
def test_each_create_form_shown_has_a_new_token(secretariat_client, meeting, form):
    token = token_on(secretariat_client.get(form.page(meeting)).text, form.token_field)
    assert token != token_on(secretariat_client.get(form.page(meeting)).text, form.token_field)


def test_a_section_posted_twice_in_place_answers_as_the_first(secretariat_client, meeting):
    token = token_on(secretariat_client.get(editor(meeting)).text, SECTION.token_field)
    first = secretariat_client.post(SECTION.action(meeting), headers=FETCH, data=SECTION.post_data(meeting, token))
    again = secretariat_client.post(SECTION.action(meeting), headers=FETCH, data=SECTION.post_data(meeting, token))
    assert first.status_code == again.status_code == 200
    assert again.headers["X-Fragment-Target"] == first.headers["X-Fragment-Target"]
    assert again.headers["X-Draft-Saved"] == first.headers["X-Draft-Saved"]
    assert unquote(again.headers["X-Fragment-Message"]) == f"{ALREADY_SENT} : {SECTION.repeated}"
    assert SECTION.created() == 1
    fresh = token_on(again.text, SECTION.token_field)  # a fresh form: the same title may be added on purpose
    assert fresh != token
    secretariat_client.post(SECTION.action(meeting), headers=FETCH, data=SECTION.post_data(meeting, fresh))
    assert SECTION.created() == 2


def test_a_refused_section_keeps_its_token(secretariat_client, meeting):
    token = token_on(secretariat_client.get(editor(meeting)).text, SECTION.token_field)
    refused = secretariat_client.post(SECTION.action(meeting),
                                      data={**SECTION.post_data(meeting, token), "new-section-title": ""})
    assert refused.status_code == 422 and token_on(refused.text, SECTION.token_field) == token
    for _ in range(2):
        assert secretariat_client.post(SECTION.action(meeting),
                                       data=SECTION.post_data(meeting, token)).status_code == 302
    assert SECTION.created() == 1


def test_rechercher_keeps_the_member_form_token(secretariat_client, meeting):
    """« Rechercher » (no JavaScript) saves nothing and shows the form again: with the same token."""
    token = token_on(secretariat_client.get(MEMBER.page(meeting)).text, MEMBER.token_field)
    searched = secretariat_client.post(MEMBER.action(meeting), data={
        **MEMBER.post_data(meeting, token), "person_search": "Martin", "chercher": "1"})
    assert searched.status_code == 200 and token_on(searched.text, MEMBER.token_field) == token
    assert MEMBER.created() == 0
    for _ in range(2):
        assert secretariat_client.post(MEMBER.action(meeting), data=MEMBER.post_data(meeting, token)).status_code == 302
    assert MEMBER.created() == 1 and count(Person, Person.last_name == "Lefèvre") == 1


def test_a_person_posted_twice_from_the_convened_list_is_created_once(secretariat_client, meeting):
    token = token_on(secretariat_client.get(CONVENED.page(meeting)).text, CONVENED.token_field)
    for _ in range(2):
        secretariat_client.post(CONVENED.action(meeting), data=CONVENED.post_data(meeting, token))
    assert count(Person, Person.last_name == "Battisti") == 1

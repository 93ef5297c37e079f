"""The other create forms a double tap or « Renvoyer » would post twice, each making a record one would then have
to delete (app/submissions.py): a section of the tour de table, a person, a person convened to a meeting, a
member of a body (with her new fiche), a vote, a written consultation, an account, an ARS, a body, a role, a
document of the dossier and a new version of one, a second convocation, an import of members. The same form
posted twice creates once and leads where the first post led (the page it created, for a consultation, a body,
a second convocation); a post without a valid token creates as before."""
from __future__ import annotations

import io
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable
from unittest.mock import patch
from urllib.parse import unquote

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.bodies.csv_import import read_members_csv
from app.dossier.domain import add_document
from app.dossier.files import check_file
from app.extensions import db
from app.models import (
    Attendance,
    AttendanceStatus,
    Body,
    Invitation,
    Meeting,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    Role,
    RoundTableSection,
    User,
    Vote,
    WrittenConsultation,
)
from app.models.dossier import DocumentVersion, MeetingDocument
from app.submissions import Submission
from tests.conftest import create_user, log_in, test_organisation
from tests.dossier_files import PDF
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_bodies_admin import BODY_FORM
from tests.test_csv_import import HEADER, csv_text
from tests.test_submitted_once import ALREADY_SENT, FETCH, token_on
from tests.test_votes import counts_form, sitting
from tests.test_votes_consultation import crsa, open_form


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
    """One create form: its page, where it posts, its token's field, what it posts, what it creates; each
    is given what ``setup`` makes from the test's meeting (by default, that meeting)."""

    name: str
    page: Callable[[object], str]
    action: Callable[[object], str]
    token_field: str
    data: Callable[[object], dict[str, object]]
    created: Callable[[], int]
    repeated: str  # the message a repeat is answered with, as typed in French
    role: Role = Role.SECRETARIAT  # who fills it in
    setup: Callable[[object], object] = lambda meeting: meeting
    # What a second record meets anyway (a name, an address, one vote per item): without a token, the second of
    # two posts is refused as before, and at the same moment both posts pass these checks (``meanwhile``).
    unique_otherwise: bool = False
    meanwhile: tuple[tuple[str, object], ...] = ()

    def post_data(self, subject, token: str | None) -> dict[str, object]:
        data = self.data(subject)  # a new dict (and new file streams) for each post
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

def titled(model, title: str) -> Callable[[], int]:
    return lambda: count(model, model.title == title)


VOTE = CreateForm(
    "vote", lambda meeting: f"/meetings/{meeting.id}/votes/new", lambda meeting: f"/meetings/{meeting.id}/votes/new",
    "submission_token", lambda meeting: counts_form(meeting, 3), lambda: count(Vote),
    "le vote sur « Projet régional de santé » n'a été enregistré qu'une fois.",
    setup=lambda meeting: sitting(3, 3)[0], unique_otherwise=True,  # a decided item is refused a second vote
    meanwhile=(("app.votes.routes.vote_refusals", lambda context, entry: {}),))


def consultation_page(body) -> str:
    return f"/bodies/{body.id}/consultations/new"


CONSULTATION = CreateForm(
    "consultation", consultation_page, consultation_page, "submission_token", lambda body: open_form(),
    lambda: count(WrittenConsultation), "la consultation écrite n'a été ouverte (et ses liens envoyés) qu'une fois.",
    setup=lambda meeting: crsa()[0])

ACCOUNT = CreateForm(
    "account", lambda meeting: "/admin/comptes/nouveau", lambda meeting: "/admin/comptes/nouveau", "submission_token",
    lambda meeting: {"email": "nouvelle.secretaire@example.fr", "role": "secretariat",
                     "organisation_id": str(test_organisation().id), "person_id": ""},
    lambda: count(User, User.email == "nouvelle.secretaire@example.fr"),
    "le compte nouvelle.secretaire@example.fr n'a été créé (et son courriel envoyé) qu'une fois.",
    role=Role.ADMIN, unique_otherwise=True, meanwhile=(("app.accounts.domain.find_account", lambda email: None),))

ORGANISATION = CreateForm(
    "organisation", lambda meeting: "/organisations", lambda meeting: "/organisations", "submission_token",
    lambda meeting: {"name": "ARS Bretagne", "short_name": "ARS BZH", "secretariat_email": ""},
    lambda: count(Organisation, Organisation.name == "ARS Bretagne"),
    "l'organisation « ARS Bretagne » n'a été créée qu'une fois.", role=Role.NATIONAL_ADMIN, unique_otherwise=True,
    meanwhile=(("app.organisation.forms.OrganisationDetailsForm.validate_name", lambda form, field: None),))

BODY = CreateForm(
    "body", lambda meeting: "/bodies/new", lambda meeting: "/bodies/new", "submission_token",
    lambda meeting: dict(BODY_FORM), lambda: count(Body, Body.name == BODY_FORM["name"]),
    f"l'instance « {BODY_FORM['name']} » n'a été créée qu'une fois.", unique_otherwise=True,
    meanwhile=(("app.bodies.routes.body_name_taken", lambda *names: False),))


def roles_page(membership) -> str:
    return f"/bodies/memberships/{membership.id}/roles/new"


ROLE = CreateForm(
    "role", roles_page, roles_page, "submission_token",
    lambda membership: {"kind": "president", "start_date": "01/01/2024", "end_date": ""}, lambda: count(MembershipRole),
    "le rôle de Mme Anne MARTIN n'a été enregistré qu'une fois.", setup=lambda meeting: meeting.body.memberships[0],
    unique_otherwise=True,  # one president at a time
    meanwhile=(("app.bodies.routes.role_errors", lambda *values: {}),))


def dossier_page(meeting) -> str:
    return f"/meetings/{meeting.id}/dossier"


DOCUMENT = CreateForm(
    "document", dossier_page, dossier_page, "submission_token",
    lambda meeting: {"title": "Rapport annuel", "agenda_item": "", "file": (io.BytesIO(PDF), "rapport.pdf")},
    titled(MeetingDocument, "Rapport annuel"), "le document « Rapport annuel » n'a été ajouté au dossier qu'une fois.")


def a_document(meeting) -> MeetingDocument:
    document = add_document(meeting, title="Ordre du jour", agenda_item=None, presented_at_meeting=False,
                            stream=io.BytesIO(PDF), filename="odj.pdf",
                            file_type=check_file(io.BytesIO(PDF), "odj.pdf", 10**6), user=None)
    db.session.commit()
    return document


VERSION = CreateForm(
    "version", lambda document: f"/dossier/documents/{document.id}",
    lambda document: f"/dossier/documents/{document.id}/version", "submission_token",
    lambda document: {"file": (io.BytesIO(PDF), "odj-v2.pdf")}, lambda: count(DocumentVersion, DocumentVersion.number > 1),
    "la nouvelle version de « Ordre du jour » n'a été enregistrée qu'une fois.", setup=a_document)


def without_quorum(meeting) -> Meeting:
    """The meeting (4 June 2020), its only member excused: the quorum was not reached."""
    membership = meeting.body.memberships[0]
    meeting.attendances.append(Attendance(person=membership.person, status=AttendanceStatus.EXCUSED, position=1,
                                          voting=True))
    db.session.commit()
    return meeting


def reconvening_page(meeting) -> str:
    return f"/meetings/{meeting.id}/second-convocation"


SECOND_CONVOCATION = CreateForm(
    "second_convocation", reconvening_page, reconvening_page, "submission_token",
    lambda meeting: {"day": "12/06/2020", "starts": "10:00", "ends": "12:00", "place": "Visioconférence",
                     "visio_url": "", "a_posteriori": "y"},
    lambda: count(Meeting, Meeting.second_convocation_of_id.is_not(None)),
    "la seconde convocation n'a été planifiée qu'une fois.", setup=without_quorum,
    unique_otherwise=True,  # « Cette séance est déjà reconvoquée »
    meanwhile=(("app.meetings.routes.reconvening_refusal", lambda meeting, quorum: None),))

FORMS = [SECTION, PERSON, CONVENED, MEMBER, VOTE, CONSULTATION, ACCOUNT, ORGANISATION, BODY, ROLE, DOCUMENT, VERSION,
         SECOND_CONVOCATION]
by_name = pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])


@pytest.fixture
def user_of(app, app_context):
    """A logged-in client for whoever fills in ``form`` (``email``: a second one)."""
    return lambda form, email=None: log_in(app.test_client(), create_user(form.role, email=email))


@by_name
def test_a_create_form_posted_twice_creates_once(user_of, meeting, form):
    client, subject = user_of(form), form.setup(meeting)
    token = token_on(client.get(form.page(subject)).text, form.token_field)
    first = client.post(form.action(subject), data=form.post_data(subject, token))
    assert first.status_code == 302 and form.created() == 1
    client.get(first.location)  # the first answer's page, its message read
    again = client.post(form.action(subject), data=form.post_data(subject, token))
    assert again.status_code == 302 and again.location == first.location
    assert form.created() == 1
    page = client.get(again.location).text
    assert str(escape(f"{ALREADY_SENT} : {form.repeated}")) in page


@by_name
@pytest.mark.parametrize("token", [None, "", "court", "z" * 65, "pas un jeton !!!!!!!!"])
def test_a_create_form_without_a_valid_token_creates_as_before(user_of, meeting, form, token):
    client, subject = user_of(form), form.setup(meeting)
    first = client.post(form.action(subject), data=form.post_data(subject, token))
    again = client.post(form.action(subject), data=form.post_data(subject, token))
    assert first.status_code == 302
    if form.unique_otherwise:  # refused as before: nothing tells it from a second record on purpose
        assert again.status_code in (200, 302, 422) and form.created() == 1
    else:  # nothing tells the two posts apart: both create, as without the protection
        assert again.status_code == 302 and form.created() == 2


@by_name
def test_a_create_form_posted_twice_at_the_same_moment_creates_once(user_of, meeting, form):
    client, subject = user_of(form), form.setup(meeting)
    other = user_of(form, "autre@example.fr")
    token = token_on(client.get(form.page(subject)).text, form.token_field)
    first = client.post(form.action(subject), data=form.post_data(subject, token))
    with ExitStack() as checks_passed:  # the checks before saw neither the token nor the first record yet
        checks_passed.enter_context(patch.object(Submission, "repeated", lambda self: False))
        for target, value in form.meanwhile:
            checks_passed.enter_context(patch(target, value))
        second = other.post(form.action(subject), data=form.post_data(subject, token))
    assert first.status_code == second.status_code == 302 and second.location == first.location
    assert form.created() == 1
    assert ALREADY_SENT in other.get(second.location).text


@by_name
def test_each_create_form_shown_has_a_new_token(user_of, meeting, form):
    client, subject = user_of(form), form.setup(meeting)
    token = token_on(client.get(form.page(subject)).text, form.token_field)
    assert token != token_on(client.get(form.page(subject)).text, form.token_field)


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


def test_a_consultation_posted_twice_sends_each_member_one_link(user_of, meeting, inbox):
    client, body = user_of(CONSULTATION), CONSULTATION.setup(meeting)
    token = token_on(client.get(consultation_page(body)).text, CONSULTATION.token_field)
    first = client.post(consultation_page(body), data=CONSULTATION.post_data(body, token))
    again = client.post(consultation_page(body), data=CONSULTATION.post_data(body, token))
    consultation = db.session.scalar(select(WrittenConsultation))
    assert first.location == again.location == f"/consultations/{consultation.id}"
    assert sorted(recipients[0] for recipients, message in inbox.messages) == [
        f"membre{index}@example.fr" for index in range(4)]


def import_preview(client, body):
    rows = [["Mme", "Fabre", "Claire", "claire.fabre@example.fr", "URPS Médecins", "", "titulaire", "", "oui",
             (date.today() - timedelta(days=1)).strftime("%d/%m/%Y")]]
    preview = client.post(f"/bodies/{body.id}/members/import", content_type="multipart/form-data",
                          data={"csv_file": (io.BytesIO(csv_text(rows, header=HEADER).encode()), "membres.csv")})
    assert preview.status_code == 200
    return form_values(preview.text)


def imported() -> int:
    return count(Person, Person.last_name == "Fabre")


def test_an_import_confirmed_twice_imports_once(secretariat_client, meeting):
    confirm = import_preview(secretariat_client, meeting.body)
    first = secretariat_client.post(f"/bodies/{meeting.body_id}/members/import/confirm", data=confirm)
    assert first.status_code == 302 and imported() == 1
    secretariat_client.get(first.location)
    again = secretariat_client.post(f"/bodies/{meeting.body_id}/members/import/confirm", data=confirm)
    assert again.status_code == 302 and again.location == first.location and imported() == 1
    assert str(escape(f"{ALREADY_SENT} : les membres du fichier n'ont été importés qu'une fois.")) in \
        secretariat_client.get(again.location).text


def test_an_import_confirmed_twice_at_the_same_moment_imports_once(secretariat_client, meeting):
    confirm = import_preview(secretariat_client, meeting.body)
    before = read_members_csv(confirm["content"], meeting.body)  # what both posts read before either saved
    first = secretariat_client.post(f"/bodies/{meeting.body_id}/members/import/confirm", data=confirm)
    with patch.object(Submission, "repeated", lambda self: False), \
            patch("app.bodies.routes.read_members_csv", lambda text, body: before):
        second = secretariat_client.post(f"/bodies/{meeting.body_id}/members/import/confirm", data=confirm)
    assert first.status_code == second.status_code == 302 and second.location == first.location
    assert imported() == 1


def test_an_address_given_an_account_meanwhile_from_another_form_is_refused_in_french(user_of, meeting):
    """Two admins create the same account at the same moment, each from a form of their own: no 500, the second
    is told, with what was typed."""
    client, other = user_of(ACCOUNT), user_of(ACCOUNT, "autre@example.fr")
    first = client.post(ACCOUNT.action(meeting), data=ACCOUNT.post_data(
        meeting, token_on(client.get(ACCOUNT.page(meeting)).text, ACCOUNT.token_field)))
    token = token_on(other.get(ACCOUNT.page(meeting)).text, ACCOUNT.token_field)
    with patch("app.accounts.domain.find_account", lambda email: None):  # the check before saw no account yet
        second = other.post(ACCOUNT.action(meeting), data=ACCOUNT.post_data(meeting, token))
    assert first.status_code == 302 and second.status_code == 422 and ACCOUNT.created() == 1
    assert "Un compte vient d&#39;être créé pour cette adresse ou cette personne" in second.text
    assert form_values(second.text)["email"] == "nouvelle.secretaire@example.fr"

"""The permissions matrix (app/access.py) against the running app: every registered route, every role.

Anonymous visitors are sent to the login page, members of the meeting's body read it, members of
another body get 403 on it, members get 403 on every staff route, staff are never refused, and nobody
ever gets a 500. Pages a member can open show no other person's e-mail address.

The demo holds two ARS: every route is also walked by the secretariat, an admin and a member of the
first one with the real ids of the second (404 or 403, never its data, nothing of it changed), and by a
national admin, who reads no ARS's data at all.
"""
from __future__ import annotations

import io
import re
import socket
from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.access import ENDPOINT_AUDIENCE, Audience
from app.auth.passwords import reset_token
from app.calendar.answers import make_answer_token
from app.calendar.feeds import regenerate_body_feed_link
from app.dossier.demo import simple_pdf
from app.dossier.domain import add_document, publish
from app.dossier.files import FileType
from app.dossier.links import document_token, dossier_token
from app.demo import DEMO_PASSWORD, NATIONAL_ADMIN_EMAIL, OTHER_ORGANISATION_NAME
from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaItemNature,
    Body,
    Civility,
    ConsultationAnswer,
    ConvocationSending,
    Deadline,
    DeadlineKind,
    Invitation,
    Meeting,
    Membership,
    MembershipRole,
    Minutes,
    MinutesStatus,
    Organisation,
    OutboxMessage,
    Person,
    Role,
    RoleKind,
    RoundTablePoint,
    RoundTableSection,
    User,
    Vote,
    VoteOutcome,
    WrittenConsultation,
    utc_now,
)
from app.models.dossier import DocumentVersion, MeetingDocument
from app.votes.consultations import make_link_token
from tests.conftest import log_in
from tests.images import png_bytes

ROLES = ("anonymous", "member", "other_member", "secretariat", "admin", "national_admin")
STAFF_ROLES = ("secretariat", "admin")
# The order POST-only routes are tried in: the ones that change the most come last (validating the
# compte rendu freezes the meeting, logging out ends the session).
POST_ORDER_LAST = ("calendar.regenerate_body_feed", "calendar.regenerate_my_feed", "documents.validate_minutes",
                   "documents.publish_minutes", "admin.anonymise", "auth.logout")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def allowed_roles(audience: Audience) -> set[str]:
    return {
        Audience.PUBLIC: set(ROLES),
        Audience.ANY_USER: {"member", "other_member", "national_admin", *STAFF_ROLES},
        Audience.BODY_MEMBER: {"member", *STAFF_ROLES},
        Audience.STAFF: set(STAFF_ROLES),
        Audience.ADMIN: {"admin"},
        Audience.ACCOUNTS: {"admin", "national_admin"},
        Audience.NATIONAL_ADMIN: {"national_admin"},
    }[audience]


def refusal_status(role: str, audience: Audience) -> int:
    """What a logged-in role the matrix keeps out gets: 403, but a national admin, who belongs to no ARS,
    finds no ARS's body or meeting (404, as for another ARS's)."""
    return 404 if role == "national_admin" and audience is Audience.BODY_MEMBER else 403


# Where the matrix lets a role in but the data still says no, on purpose.
DATA_REFUSALS = {
    # The seed meeting's compte rendu is not published: members may not read the draft.
    ("documents.minutes_docx", "member"): 403,
}


def other_body_member() -> User:
    """An account whose person sits only in « CTS 34 », not in the seed meeting's working group."""
    cts_34 = db.session.scalar(select(Body).where(Body.short_name == "CTS 34"))
    person = Person(organisation=cts_34.organisation, civility=Civility.MR, last_name="Autre", first_name="Instance",
                    email="instance.autre@demo.example.fr")
    db.session.add(Membership(person=person, body=cts_34, title="Membre", start_date=date(2019, 1, 1)))
    user = User(email="autre-instance@demo.example.fr", role=Role.MEMBER, person=person,
                organisation=cts_34.organisation)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def demo_document(meeting: Meeting) -> MeetingDocument:
    """A published document of the seed meeting (the demo gives one to upcoming meetings only)."""
    document = add_document(meeting, title="Note de cadrage", agenda_item=None, presented_at_meeting=False,
                            stream=io.BytesIO(simple_pdf(["Note de cadrage"])), filename="note.pdf",
                            file_type=FileType("application/pdf", "pdf"), user=None)
    publish([document])
    db.session.commit()
    return document


def url_values(meeting: Meeting) -> dict:
    """Real ids and tokens of the demo data, by URL argument name."""
    body = meeting.body
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    feed_link = regenerate_body_feed_link(body, member, None)
    organisation = body.organisation
    organisation.logo, organisation.logo_mimetype = png_bytes(), "image/png"  # the header logo route has something to serve
    upcoming = db.session.scalar(select(Meeting).where(Meeting.body_id == body.id, Meeting.id != meeting.id,
                                                       Meeting.ical_sequence == 0).order_by(Meeting.starts_at.desc()))
    db.session.commit()
    section = meeting.sections[0]
    point = db.session.scalar(select(RoundTablePoint).where(RoundTablePoint.section_id == section.id)
                              .order_by(RoundTablePoint.position).limit(1))
    membership = next(m for m in body.memberships if m.person.email)
    answered = db.session.scalar(select(Invitation).where(Invitation.meeting_id == upcoming.id).limit(1))
    role = db.session.scalar(select(MembershipRole).order_by(MembershipRole.id).limit(1))
    document = demo_document(meeting)
    convened = meeting.invitations[0].person_id
    voted = db.session.scalar(select(Meeting).join(AgendaItem).join(Vote).limit(1))  # its avis stays editable
    plenary = db.session.scalar(select(Meeting).where(Meeting.body_id == voted.body_id, Meeting.id != voted.id,
                                                      Meeting.starts_at < utc_now()).limit(1))
    now = utc_now()
    plenary_minutes = Minutes(meeting=plenary, status=MinutesStatus.PUBLISHED, document=b"PK", published_at=now,
                              public_at=now)
    db.session.add(plenary_minutes)
    db.session.commit()
    consultation = WrittenConsultation(body=body, question="Consultation écrite de la matrice", abstentions_in_base=False,
                                       president_casting_vote=True, closes_at=now + timedelta(days=3),
                                       answers=[ConsultationAnswer(person=membership.person, position=1)])
    db.session.add(consultation)
    db.session.commit()
    return {
        "document_id": document.id,
        "version_id": document.current.id,
        "document_token": document_token(convened, document.id),
        "dossier_token": dossier_token(convened, meeting.id),
        "consultation_id": consultation.id,
        "consultation_token": make_link_token(consultation.answers[0]),
        "minutes_id": plenary_minutes.id,  # a held plenary, its compte rendu on the public page
        "item_id": meeting.agenda_items[0].id,
        "vote_id": db.session.scalar(select(Vote.id).order_by(Vote.id).limit(1)),  # the demo's avis
        "role_id": role.id,
        "meeting_id": meeting.id,
        "body_id": body.id,
        "deadline_id": meeting.deadlines[0].id,
        "membership_id": membership.id,
        "person_id": membership.person_id,
        "section_id": section.id,
        "point_id": point.id,
        "invitation_id": meeting.invitations[-1].id,
        "direction": "down",
        "extension": "docx",  # the .pdf twins convert with LibreOffice: tests/test_documents_pdf.py
        "filename": "seances.css",
        "feed_token": feed_link.token,
        "answer_token": make_answer_token(answered),
        "reset_token": reset_token(member),
        "organisation_id": organisation.id,
        # Accounts pages act on the secretariat's account: the roles that may manage it are not the secretariat.
        "user_id": db.session.scalar(select(User.id).where(User.email == "secretariat@demo.example.fr")),
    }


def build_url(app, rule, values: dict) -> str:
    arguments = {}
    for name in rule.arguments:
        if name == "token":
            arguments[name] = values[{"calendar.feed": "feed_token", "auth.reset_password": "reset_token",
                                      "dossier.personal_download": "document_token",
                                      "dossier.personal_zip": "dossier_token",
                                      "votes.consultation_answer": "consultation_token"}.get(
                rule.endpoint, "answer_token")]
        else:
            arguments[name] = values[name]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **arguments)


def requests_to_try(app) -> list[tuple[str, str, object]]:
    """(method, endpoint, rule): GET for every route that has it, POST for POST-only routes, in a safe order."""
    gets, posts = [], []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods:
            gets.append(("GET", rule.endpoint, rule))
        else:
            posts.append(("POST", rule.endpoint, rule))
    posts.sort(key=lambda item: (POST_ORDER_LAST.index(item[1]) if item[1] in POST_ORDER_LAST else -1, item[1]))
    return sorted(gets, key=lambda item: item[1]) + posts


def client_for(app, role: str):
    client = app.test_client()
    emails = {"member": "membre@demo.example.fr", "secretariat": "secretariat@demo.example.fr",
              "admin": "admin@demo.example.fr", "other_member": "autre-instance@demo.example.fr",
              "national_admin": NATIONAL_ADMIN_EMAIL}
    if role == "anonymous":
        return client, None
    user = db.session.scalar(select(User).where(User.email == emails[role]))
    return log_in(client, user, DEMO_PASSWORD), user


def foreign_emails(user: User | None) -> set[str]:
    """Every person's and account's address but the user's own (and their person's); a national admin
    sees the staff accounts they manage, never a person's or a member's address."""
    own = {user.email, user.person.email if user.person else None} if user else set()
    if user is not None and user.is_national_admin:
        own |= set(db.session.scalars(select(User.email).where(User.role != Role.MEMBER)))
    addresses = set(db.session.scalars(select(Person.email).where(Person.email.is_not(None))))
    addresses |= set(db.session.scalars(select(User.email)))
    return {address for address in addresses if address and address not in own}


def test_every_endpoint_is_in_the_matrix_and_nothing_else(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ENDPOINT_AUDIENCE) == set(), "add these endpoints to app/access.py ENDPOINT_AUDIENCE"
    assert set(ENDPOINT_AUDIENCE) - endpoints == set(), "these matrix entries name no route"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(app, demo, role, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # convocations: nobody listens, nothing leaves
    other_body_member()
    values = url_values(demo)
    client, user = client_for(app, role)
    hidden_addresses = foreign_emails(user) if role not in STAFF_ROLES else set()
    wrong = []
    for method, endpoint, rule in requests_to_try(app):
        url = build_url(app, rule, values)
        response = client.open(url, method=method, data={})
        status = response.status_code
        audience = ENDPOINT_AUDIENCE[endpoint]
        if status >= 500:
            wrong.append(f"{method} {url}: {status}")
        elif role not in allowed_roles(audience):
            if role == "anonymous":
                if status != 302 or "/login" not in response.headers["Location"]:
                    wrong.append(f"{method} {url}: {status} instead of a redirect to the login page")
            elif status != refusal_status(role, audience):
                wrong.append(f"{method} {url}: {status} instead of {refusal_status(role, audience)} "
                             f"({audience.value})")
        elif (endpoint, role) in DATA_REFUSALS:
            if status != DATA_REFUSALS[endpoint, role]:
                wrong.append(f"{method} {url}: {status} instead of {DATA_REFUSALS[endpoint, role]}")
        elif method == "GET" and status not in (200, 302):
            wrong.append(f"{method} {url}: {status} instead of 200 or 302 ({audience.value})")
        elif status in (401, 403):
            wrong.append(f"{method} {url}: {status}, refused ({audience.value})")
        if hidden_addresses and status == 200 and response.mimetype.startswith("text/"):
            body = response.get_data(as_text=True)
            shown = {address for address in hidden_addresses if address in body}
            if shown:
                wrong.append(f"{method} {url} shows other people's addresses: {sorted(shown)[:3]}")
    assert wrong == []


def test_matrix_refuses_before_the_view_runs(app, demo, monkeypatch):
    """The before_request check alone refuses a member: with the view's own decorator out of the way
    (a view that would answer 200 to anyone), the matrix still answers 403."""
    client, _ = client_for(app, "member")
    monkeypatch.setitem(app.view_functions, "people.index", lambda: "liste des personnes")
    assert client.get("/people/").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/people/").status_code == 302


def test_member_reads_the_minutes_only_once_published(app, demo, secretariat_client):
    member, _ = client_for(app, "member")
    assert member.get(f"/meetings/{demo.id}/minutes.docx").status_code == 403
    assert "pas encore publié" in member.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/validate").status_code == 302
    assert member.get(f"/meetings/{demo.id}/minutes.docx").status_code == 403  # validated is not published
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/publish").status_code == 302
    response = member.get(f"/meetings/{demo.id}/minutes.docx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"


def test_member_reads_the_tour_de_table_only_once_the_minutes_are_published(app, demo, secretariat_client):
    """The meeting page and the search give members nothing of a draft compte rendu."""
    point_text = demo.sections[0].top_level_points[0].text
    word = next(word for word in point_text.split()
                if len(word) > 6 and word.lower() not in (demo.title + demo.context + demo.working_method).lower())
    present = demo.members_present[0].person.formal_name
    member, _ = client_for(app, "member")

    def what_the_member_reads() -> str:
        return (member.get(f"/meetings/{demo.id}").get_data(as_text=True)
                + member.get("/recherche", query_string={"texte": word}).get_data(as_text=True))

    draft = what_the_member_reads()
    assert str(escape(point_text)) not in draft and str(escape(present)) not in draft
    assert "<mark>" not in draft and f'href="/meetings/{demo.id}"' not in draft.split("<h1", 2)[2]  # not found
    staff_page = secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert str(escape(point_text)) in staff_page
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    secretariat_client.post(f"/meetings/{demo.id}/minutes/publish")
    published = what_the_member_reads()
    assert str(escape(point_text)) in published and str(escape(present)) in published
    assert "<mark>" in published


def test_member_of_another_body_sees_nothing_of_the_working_group(app, demo):
    other_body_member()
    client, _ = client_for(app, "other_member")
    for url in (f"/meetings/{demo.id}", f"/bodies/{demo.body_id}", f"/meetings/{demo.id}.ics",
                f"/meetings/{demo.id}/deadlines.ics", f"/deadlines/{demo.deadlines[0].id}.ics",
                f"/meetings/{demo.id}/minutes.docx"):
        assert client.get(url).status_code == 403, url
    listing = client.get("/mes-seances").get_data(as_text=True) + client.get("/deadlines").get_data(as_text=True)
    listing += client.get("/recherche?texte=groupe").get_data(as_text=True)
    assert demo.title not in listing
    assert f"/meetings/{demo.id}\"" not in listing


def test_an_id_beyond_any_column_is_a_404_not_a_database_error(app, demo, secretariat_client):
    huge = 10**20
    for url in (f"/meetings/{huge}", f"/bodies/{huge}", f"/deadlines/{huge}.ics", f"/people/{huge}/edit"):
        assert secretariat_client.get(url).status_code == 404, url


def test_anonymous_visitor_is_sent_to_login_with_the_page_to_come_back_to(client, demo):
    response = client.get(f"/meetings/{demo.id}")
    assert response.status_code == 302
    assert re.search(r"/login\?next=%2Fmeetings%2F\d+", response.headers["Location"])


def test_a_route_missing_from_the_matrix_is_refused_to_everyone(isolated_app):
    app = isolated_app("unlisted")
    app.add_url_rule("/non-listee", "unlisted", lambda: "secret")
    response = app.test_client().get("/non-listee")
    assert response.status_code == 403 and "secret" not in response.get_data(as_text=True)


def other_ars_values() -> dict:
    """Real ids of every kind of row of the demo's second ARS, by URL argument name (tokens are
    credentials of their own, so the public routes that take one are left out of the walk)."""
    other = db.session.scalar(select(Organisation).where(Organisation.name == OTHER_ORGANISATION_NAME))
    meeting = db.session.scalar(select(Meeting).join(Body).where(Body.organisation_id == other.id))
    section = db.session.scalar(select(RoundTableSection).where(RoundTableSection.meeting_id == meeting.id)
                                .order_by(RoundTableSection.position).limit(1))
    membership = meeting.body.memberships[0]
    consulted = membership.person  # loaded before the new rows below are linked to the meeting
    point = RoundTablePoint(section=section, position=1, text="Point de l'autre ARS")
    deadline = Deadline(meeting=meeting, position=1, kind=DeadlineKind.DUE_DATE, title="Échéance de l'autre ARS",
                        due_date=date(2030, 1, 1))
    role = MembershipRole(membership=membership, kind=RoleKind.PRESIDENT, start_date=membership.start_date)
    item = AgendaItem(meeting=meeting, position=9, title="Point de l'autre ARS", nature=AgendaItemNature.FOR_OPINION)
    vote = Vote(agenda_item=item, question="Avis de l'autre ARS", votes_for=3, votes_against=0, abstentions=0,
                not_voting=0, abstentions_in_base=False, president_casting_vote=True, outcome=VoteOutcome.ADOPTED,
                quorum_statement="Quorum atteint", quorum_counted=3, quorum_base=4, quorum_required=2,
                avis_text="Avis de l'autre ARS")
    consultation = WrittenConsultation(body=meeting.body, question="Consultation de l'autre ARS",
                                       abstentions_in_base=False, president_casting_vote=True,
                                       closes_at=utc_now() + timedelta(days=3),
                                       answers=[ConsultationAnswer(person=consulted, position=1)])
    db.session.add_all([point, deadline, role, item, vote, consultation])
    db.session.commit()
    document = db.session.scalar(select(MeetingDocument).where(MeetingDocument.meeting_id == meeting.id))
    return {
        "document_id": document.id, "version_id": document.current.id,
        "item_id": item.id, "vote_id": vote.id, "consultation_id": consultation.id,
        "role_id": role.id, "meeting_id": meeting.id, "body_id": meeting.body_id, "deadline_id": deadline.id,
        "membership_id": membership.id, "person_id": membership.person_id, "section_id": section.id,
        "point_id": point.id, "invitation_id": meeting.invitations[0].id, "direction": "down", "extension": "docx",
        "filename": "seances.css", "organisation_id": other.id,
        "user_id": db.session.scalar(select(User.id).where(User.email == "membre@bretagne.demo.example.fr")),
    }


def other_ars_words() -> set[str]:
    """What only the second ARS's pages show: its bodies' and people's names and addresses."""
    other = db.session.scalar(select(Organisation).where(Organisation.name == OTHER_ORGANISATION_NAME))
    words = {body.short_name for body in other.bodies} | {body.name for body in other.bodies if "Conférence" not in
                                                         body.name}
    for person in db.session.scalars(select(Person).where(Person.organisation_id == other.id)):
        words |= {person.last_name.upper(), person.email}
    return words | {"point de l&#39;autre ARS", "Échéance de l&#39;autre ARS", "bretagne.demo.example.fr"}


def other_ars_snapshot(organisation_id: int) -> list:
    """The second ARS's rows that a wrongly allowed request would change."""
    meetings = db.session.execute(select(Meeting.id, Meeting.status, Meeting.deleted_at, Meeting.version, Meeting.title)
                                  .join(Body).where(Body.organisation_id == organisation_id)).all()
    people = db.session.execute(select(Person.id, Person.deleted_at, Person.last_name, Person.email, Person.feed_token)
                                .where(Person.organisation_id == organisation_id)).all()
    accounts = db.session.execute(select(User.id, User.active, User.session_generation)
                                  .where(User.organisation_id == organisation_id)).all()
    memberships = db.session.execute(select(Membership.id, Membership.end_date, Membership.title).join(Body)
                                     .where(Body.organisation_id == organisation_id)).all()
    consulted = db.session.execute(select(ConsultationAnswer.id, ConsultationAnswer.choice,
                                          WrittenConsultation.closed_at).join(WrittenConsultation).join(Body)
                                   .where(Body.organisation_id == organisation_id)).all()
    votes = db.session.execute(select(Vote.id, Vote.avis_text, Vote.reopened_at, Vote.published_at,
                                      AgendaItem.nature, AgendaItem.submitted_text).join(Vote.agenda_item)
                               .join(Meeting).join(Body).where(Body.organisation_id == organisation_id)).all()
    roles = db.session.execute(select(MembershipRole.id, MembershipRole.kind, MembershipRole.start_date,
                                      MembershipRole.end_date).join(Membership).join(Body)
                               .where(Body.organisation_id == organisation_id)).all()
    counts = [db.session.scalar(select(func.count()).select_from(table)) for table in
              (Body.__table__, Person.__table__, Membership.__table__, MembershipRole.__table__, Invitation.__table__,
               Deadline.__table__, Meeting.__table__, OutboxMessage.__table__, ConvocationSending.__table__,
               Vote.__table__, WrittenConsultation.__table__)]
    documents = db.session.execute(select(MeetingDocument.id, MeetingDocument.title, MeetingDocument.position,
                                          MeetingDocument.published_at, MeetingDocument.withdrawn_at)
                                   .join(Meeting).join(Body).where(Body.organisation_id == organisation_id)).all()
    counts.append(db.session.scalar(select(func.count()).select_from(DocumentVersion.__table__)))
    return [sorted(meetings), sorted(people), sorted(accounts), sorted(memberships), sorted(roles), sorted(documents),
            sorted(votes), consulted, counts]


@pytest.mark.parametrize("role", ("secretariat", "admin", "member"))
def test_an_ars_reaches_nothing_of_another_ars(app, demo, role, monkeypatch):
    """Every route, with the real ids of the other ARS: 404 (or the matrix's 403), never its data, and
    nothing of it changed. Lists and forms without ids show none of its bodies, people or addresses."""
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    values = other_ars_values()
    organisation_id = values["organisation_id"]
    words = other_ars_words()
    before = other_ars_snapshot(organisation_id)
    client, user = client_for(app, role)
    wrong = []
    for method, endpoint, rule in requests_to_try(app):
        audience = ENDPOINT_AUDIENCE[endpoint]
        if audience is Audience.PUBLIC:
            continue  # the login page, static files, tokens (the token is the credential)
        url = build_url(app, rule, {**values, "token": "x"})
        response = client.open(url, method=method, data={})
        status = response.status_code
        if status == 302 and method == "GET":  # a form's target sends a GET to its page: that page decides
            response = client.get(response.headers["Location"])
            status = response.status_code
        if rule.arguments - {"direction", "filename"}:
            if status not in (403, 404):
                wrong.append(f"{method} {url}: {status} instead of 404 ({audience.value})")
        elif status >= 500:
            wrong.append(f"{method} {url}: {status}")
        if status == 200 and response.mimetype.startswith(("text/", "application/json")):
            body = response.get_data(as_text=True)
            shown = sorted(word for word in words if word in body)
            if shown:
                wrong.append(f"{method} {url} shows the other ARS's data: {shown[:3]}")
    assert wrong == []
    db.session.expire_all()
    assert other_ars_snapshot(organisation_id) == before


def test_other_ars_ids_answer_404_not_403(app, demo):
    """Another ARS's rows do not exist for a user: 404, as an unknown id, never « forbidden »."""
    values = other_ars_values()
    client, _ = client_for(app, "secretariat")
    for url in (f"/bodies/{values['body_id']}", f"/meetings/{values['meeting_id']}",
                f"/meetings/{values['meeting_id']}.ics", f"/deadlines/{values['deadline_id']}.ics",
                f"/people/{values['person_id']}/edit", f"/bodies/memberships/{values['membership_id']}/edit",
                f"/meetings/{values['meeting_id']}/minutes.docx", f"/people/{values['person_id']}/data"):
        assert client.get(url).status_code == 404, url

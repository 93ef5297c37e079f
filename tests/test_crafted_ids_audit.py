"""Crafted ids in form bodies and query strings: values a browser never sends, but a staff user of the first
ARS (or a member) can. Every form that takes the id of another record is posted the id of a record of the
other ARS, of another meeting of the same ARS, of a record in the bin, of no record, and a number beyond any
column; sub-records of one meeting are also named in the URLs of another. Each time: a French refusal (422,
or 403/404/409), never a 500, nothing of the other ARS in the answer, and the database exactly as before.
Each family ends with the same post carrying a legitimate id, which must change the database: the refusals
above are the ids' doing, not a form posted incomplete."""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Callable

import pytest
from sqlalchemy import select

from app.demo import OTHER_ORGANISATION_NAME
from app.dossier.demo import simple_pdf
from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaItemNature,
    Body,
    Civility,
    Invitation,
    Meeting,
    Membership,
    Organisation,
    Person,
    RoundTablePoint,
    Seat,
    Theme,
    utc_now,
)
from app.models.dossier import MeetingDocument
from tests.html_forms import form_values
from tests.test_bad_input_crawled import upcoming_meeting
from tests.test_bad_input_probed import demo_client, post_safely
from tests.test_permissions_matrix import other_ars_values, other_ars_words

HUGE = str(10**20)
BEYOND_COLUMN = str(2**31)
MISSING = "999999"
# Built-in WTForms messages that were never translated: a refusal must be French.
ENGLISH = ("Not a valid", "Invalid Choice", "Invalid choice", "This field is required", "could not coerce")


@dataclass
class World:
    """Ids (plain ints: the session is rolled back between requests) of the demo's records used as targets."""

    meeting_id: int  # the seed meeting of the first ARS: sections, points, attendance sheet
    section_id: int
    point_id: int
    other_meeting_id: int  # another meeting of the same body and ARS
    other_section_id: int
    other_point_id: int
    other_item_id: int  # an agenda item of the other meeting
    binned_meeting_id: int
    binned_item_id: int  # an agenda item of a meeting in the bin
    binned_person_id: int
    convened_person_id: int  # convened to the seed meeting
    outsider_person_id: int  # of the first ARS, in no body, convened nowhere
    body_id: int
    other_body_id: int  # another body of the first ARS
    theme_id: int  # a shared theme (Ségur pillar)
    other_ars_theme_id: int
    other: dict = field(default_factory=dict)  # the second ARS's ids (tests/test_permissions_matrix.py)


@pytest.fixture
def world(app, demo) -> World:
    other = other_ars_values()
    upcoming = upcoming_meeting(demo)
    other_section = upcoming.sections[0]
    other_point = RoundTablePoint(section=other_section, position=1, text="Point d'une autre séance")
    db.session.add(other_point)
    organisation = demo.body.organisation
    binned_meeting = db.session.scalar(select(Meeting).where(Meeting.body_id == demo.body_id, Meeting.id != demo.id,
                                                             Meeting.id != upcoming.id).limit(1))
    binned_item = AgendaItem(meeting=binned_meeting, position=1, title="Point d'une séance supprimée",
                             nature=AgendaItemNature.FOR_OPINION)
    db.session.add(binned_item)
    binned_meeting.deleted_at = utc_now()
    binned_person = Person(organisation=organisation, civility=Civility.MR, last_name="Corbeille",
                           first_name="Dans-la")
    binned_person.deleted_at = utc_now()
    other_ars_theme = Theme(code="theme-autre-ars", name="Thème de l'autre ARS", position=9,
                            organisation_id=other["organisation_id"])
    db.session.add_all([other_point, binned_item, binned_person, other_ars_theme])
    db.session.commit()
    outsider = Person(organisation=organisation, civility=Civility.MRS, last_name="Horsfeuille", first_name="Ada")
    db.session.add(outsider)
    db.session.commit()
    other_body = db.session.scalar(select(Body.id).where(Body.organisation_id == organisation.id,
                                                         Body.id != demo.body_id, Body.short_name == "CTS 34"))
    section = demo.sections[0]
    return World(
        meeting_id=demo.id, section_id=section.id, point_id=section.points[0].id,
        other_meeting_id=upcoming.id, other_section_id=other_section.id, other_point_id=other_point.id,
        other_item_id=upcoming.agenda_items[0].id, binned_meeting_id=binned_meeting.id,
        binned_item_id=binned_item.id, binned_person_id=binned_person.id,
        convened_person_id=demo.invitations[0].person_id, outsider_person_id=outsider.id, body_id=demo.body_id,
        other_body_id=other_body, theme_id=db.session.scalar(select(Theme.id).where(Theme.code == "pilier-1")),
        other_ars_theme_id=other_ars_theme.id, other=other,
    )


# -- what « nothing changed » means: every row of every table -----------------------------------------

def cell(value):
    if isinstance(value, memoryview):
        value = bytes(value)
    return hashlib.sha256(value).hexdigest() if isinstance(value, bytes) else value


def database_state() -> dict[str, list[tuple]]:
    """Every row of every table (file contents as digests), in primary key order."""
    return {table.name: [tuple(cell(value) for value in row) for row in db.session.execute(
                select(table).order_by(*table.primary_key.columns)).all()]
            for table in db.metadata.sorted_tables}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# -- one request, and what a refusal must be ------------------------------------------------------------

@dataclass
class Request:
    label: str
    url: str
    data: dict | Callable[[], dict] | None = None
    method: str = "POST"
    multipart: bool = False
    # What refuses: an error status, or a page of the form with its French errors; a GET may also answer 200
    # having ignored the value (a filter naming nothing the user sees), a button a redirect with a message.
    refusals: tuple[int, ...] = (403, 404, 409, 422)


def send(client, request: Request):
    data = request.data() if callable(request.data) else request.data
    kwargs = {"content_type": "multipart/form-data"} if request.multipart else {}
    if request.method == "GET":
        try:
            return client.get(request.url, query_string=data)
        except Exception as error:  # noqa: BLE001 - what a user would get is a 500 page
            class Failed:
                status_code = 500
                text = repr(error)
            return Failed()
    return post_safely(client, request.url, data=data, **kwargs)


def refusal_problems(response, before: dict, words: set[str], refusals=(403, 404, 409, 422)) -> list[str]:
    """What is wrong with the answer to a crafted request: a 500, an answer that is no refusal, English
    messages, the other ARS's data shown, or anything written."""
    db.session.rollback()  # as at the end of a real request: nothing left pending in the session
    problems = []
    status, text = response.status_code, response.text
    refused_page = status == 200 and ("fr-error-text" in text or "seances-error-summary" in text)
    if status not in refusals and not refused_page:
        problems.append(f"answered {status}: {text[:300]}")
    problems += [f"English message « {message} »" for message in ENGLISH if message in text]
    shown = sorted(word for word in words if word in text)
    if shown:
        problems.append(f"shows the other ARS's {shown[:3]}")
    after = database_state()
    if after != before:
        problems.append(f"changed {changed_tables(before, after)}")
    return problems


def shown_errors(text: str) -> list[str]:
    """The error messages of a page (on fields, in alerts)."""
    return re.findall(r'class="fr-(?:error-text|alert fr-alert--error)[^"]*"[^>]*>(.*?)</', text, re.S)


def check_family(client, crafted: list[Request], control: Request | None, control_status: int = 302,
                 control_writes: bool = True):
    """Every crafted request refused with nothing changed; then the control request accepted, and changing
    the database (so that the family's posts do reach the check of the id; a page that only reads: answering
    ``control_status``)."""
    words = other_ars_words()
    wrong = []
    for request in crafted:
        before = database_state()
        problems = refusal_problems(send(client, request), before, words, request.refusals)
        wrong += [f"{request.label}: {problem}" for problem in problems]
    assert not wrong, "\n".join(wrong)
    if control is not None:
        before = database_state()
        response = send(client, control)
        db.session.rollback()
        assert response.status_code == control_status, shown_errors(response.text)
        if control_writes:
            assert database_state() != before, "the legitimate post changed nothing: the family tests nothing"
        return response


def crafted_values(world: World, kinds: dict[str, int | str | None]) -> list[tuple[str, str]]:
    """(label, value) of the crafted ids of one field: ``kinds`` gives the records of the other ARS, of
    another meeting, in the bin (None when the field has no such record); a missing id and huge numbers are
    always tried."""
    values = [(label, str(value)) for label, value in kinds.items() if value is not None]
    return values + [("inexistant", MISSING), ("trop grand", HUGE), ("au-delà d'une colonne", BEYOND_COLUMN)]


def staff(app):
    return demo_client(app, "secretariat@demo.example.fr")


def shown_values(client, url: str, form_id: str | None = None) -> dict:
    """The form as the page offers it (a checkbox list: its ticked values)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return {name: value for name, value in form_values(response.text, form_id).items() if value is not None}


# -- round table: parent point, speaker, themes, and sub-records of another meeting in the URL ----------

def point_fields(world: World, prefix: str = "", **values) -> dict:
    fields = {"text": "Point posté avec un identifiant fabriqué", "parent": "", "speaker": "", "themes": []}
    fields.update(values)
    return {f"{prefix}{name}": value for name, value in fields.items()}


def point_id_cases(world: World, url: str, prefix: str = "", base: dict | None = None) -> list[Request]:
    base = base or {}
    cases = []
    for name, kinds in (
        ("parent", {"point de l'autre ARS": world.other["point_id"], "point d'une autre séance": world.other_point_id}),
        ("speaker", {"personne de l'autre ARS": world.other["person_id"],
                     "personne non convoquée": world.outsider_person_id,
                     "personne dans la corbeille": world.binned_person_id}),
        ("themes", {"thème de l'autre ARS": world.other_ars_theme_id}),
    ):
        for label, value in crafted_values(world, kinds):
            cases.append(Request(f"{name} = {label}", url,
                                 {**base, **point_fields(world, prefix, **{name: [value] if name == "themes" else value})}))
    return cases


def test_round_table_new_point_refuses_ids_of_other_records(app, world):
    client = staff(app)
    url = f"/meetings/{world.meeting_id}/round-table/sections/{world.section_id}/points"
    prefix = f"section-{world.section_id}-"
    crafted = point_id_cases(world, url, prefix)
    for label, section in (("section d'une autre séance", world.other_section_id),
                           ("section de l'autre ARS", world.other["section_id"]), ("section inexistante", MISSING)):
        crafted.append(Request(f"URL : {label}", f"/meetings/{world.meeting_id}/round-table/sections/{section}/points",
                               point_fields(world, f"section-{section}-")))
    control = Request("point valable", url, point_fields(world, prefix, parent=str(world.point_id),
                                                         speaker=str(world.convened_person_id),
                                                         themes=[str(world.theme_id)]))
    check_family(client, crafted, control)


def test_round_table_point_edit_refuses_ids_of_other_records(app, world):
    client = staff(app)
    url = f"/meetings/{world.meeting_id}/round-table/points/{world.point_id}/edit"
    version = shown_values(client, url)["version"]
    crafted = point_id_cases(world, url, base={"version": version})
    for label, point in (("point d'une autre séance", world.other_point_id),
                         ("point de l'autre ARS", world.other["point_id"])):
        crafted.append(Request(f"URL : {label}", f"/meetings/{world.meeting_id}/round-table/points/{point}/edit",
                               {"version": "1", **point_fields(world)}))
    control = Request("point valable", url, {"version": version, **point_fields(
        world, speaker=str(world.convened_person_id), themes=[str(world.theme_id)])})
    check_family(client, crafted, control)


@pytest.mark.parametrize("action", ["move/down", "delete"])
def test_round_table_point_of_another_meeting_is_not_moved_nor_deleted(app, world, action):
    client = staff(app)
    crafted = [Request(f"URL : {label}", f"/meetings/{world.meeting_id}/round-table/points/{point}/{action}", {})
               for label, point in (("point d'une autre séance", world.other_point_id),
                                    ("point de l'autre ARS", world.other["point_id"]),
                                    ("point inexistant", MISSING))]
    crafted += [Request("URL : séance de l'autre ARS, point de la séance",
                        f"/meetings/{world.other['meeting_id']}/round-table/points/{world.point_id}/{action}", {})]
    control = Request("point de la séance", f"/meetings/{world.meeting_id}/round-table/points/{world.point_id}/{action}", {})
    check_family(client, crafted, control)


@pytest.mark.parametrize("action, data", [("rename", {"title": "Titre posté"}), ("move/down", {}), ("delete", {})])
def test_round_table_section_of_another_meeting_is_not_renamed_moved_nor_deleted(app, world, action, data):
    client = staff(app)
    crafted = []
    for label, section in (("section d'une autre séance", world.other_section_id),
                           ("section de l'autre ARS", world.other["section_id"]), ("section inexistante", MISSING)):
        prefixed = {f"rename-{section}-{name}": value for name, value in data.items()}
        crafted.append(Request(f"URL : {label}", f"/meetings/{world.meeting_id}/round-table/sections/{section}/{action}",
                               prefixed))
    editor = shown_values(client, f"/meetings/{world.meeting_id}/round-table")
    prefixed = {f"rename-{world.section_id}-{name}": value for name, value in data.items()}
    if action == "rename":
        prefixed[f"rename-{world.section_id}-version"] = editor[f"rename-{world.section_id}-version"]
    control = Request("section de la séance",
                      f"/meetings/{world.meeting_id}/round-table/sections/{world.section_id}/{action}", prefixed)
    check_family(client, crafted, control)


# -- attendance sheet: « représenté(e) par », the person added, the rows' people ----------------------

def attendance_form(client, world: World) -> tuple[str, dict, int, str]:
    """The sheet as shown, the index of an excused titulaire's row and the id of a present titulaire."""
    url = f"/meetings/{world.meeting_id}/attendance"
    values = shown_values(client, url, "attendance-sheet")
    values.pop("chercher", None)
    rows = sorted({int(name.split("-")[1]) for name in values if name.startswith("rows-")})
    excused = next(index for index in rows if values[f"rows-{index}-status"] == "excused")
    holder = values[f"rows-{rows[0]}-person_id"]
    assert values[f"rows-{rows[0]}-status"] == "present"
    return url, values, excused, holder


def test_attendance_sheet_refuses_representatives_and_people_of_elsewhere(app, world):
    client = staff(app)
    url, values, excused, holder = attendance_form(client, world)
    staff_row = next(value for name, value in values.items() if name.endswith("-person_id")
                     and db.session.get(Person, int(value)).last_name and db.session.scalar(
                         select(Invitation.capacity).where(Invitation.meeting_id == world.meeting_id,
                                                           Invitation.person_id == int(value))) is None)
    represented = {f"rows-{excused}-status": "represented"}
    crafted = [
        Request(f"représenté(e) par = {label}", url, {**values, **represented, f"rows-{excused}-represented_by": value})
        for label, value in crafted_values(world, {
            "personne de l'autre ARS": world.other["person_id"], "personne hors de la feuille": world.outsider_person_id,
            "personne dans la corbeille": world.binned_person_id, "personnel de l'ARS sur la feuille": staff_row})
    ]
    crafted += [
        Request(f"personne ajoutée = {label}", url, {**values, "new_person": value, "new_capacity": "guest"})
        for label, value in crafted_values(world, {
            "personne de l'autre ARS": world.other["person_id"], "personne dans la corbeille": world.binned_person_id,
            "personne déjà sur la feuille": world.convened_person_id})
    ]
    crafted += [
        Request(f"ligne = {label}", url, {**values, f"rows-{excused}-person_id": value})
        for label, value in crafted_values(world, {"personne de l'autre ARS": world.other["person_id"],
                                                   "personne dans la corbeille": world.binned_person_id})
    ]
    check_family(client, crafted, Request("pouvoir valable et personne ajoutée", url, {
        **values, **represented, f"rows-{excused}-represented_by": holder, "new_person": str(world.outsider_person_id),
        "new_capacity": "guest"}))


# -- convened list: the person convened, the invitation removed ----------------------------------------

def test_convened_list_refuses_people_and_invitations_of_elsewhere(app, world):
    client = staff(app)
    url = f"/meetings/{world.meeting_id}/convened"
    values = {"person_id": "0", "new_civility": "Mme", "new_first_name": "", "new_last_name": "", "new_email": "",
              "new_affiliation": "", "capacity": "guest", "title": "Invitée"}
    crafted = [Request(f"personne = {label}", url, {**values, "person_id": value})
               for label, value in crafted_values(world, {
                   "personne de l'autre ARS": world.other["person_id"],
                   "personne dans la corbeille": world.binned_person_id,
                   "personne déjà convoquée": world.convened_person_id})]
    other_invitation = db.session.scalar(select(Invitation.id).where(Invitation.meeting_id == world.other_meeting_id)
                                         .limit(1))
    crafted += [Request(f"URL : {label}", f"/meetings/{world.meeting_id}/convened/{invitation}/remove", {})
                for label, invitation in (("convocation d'une autre séance", other_invitation),
                                          ("convocation de l'autre ARS", world.other["invitation_id"]),
                                          ("convocation inexistante", MISSING))]
    check_family(client, crafted, Request("personne de l'ARS", url,
                                          {**values, "person_id": str(world.outsider_person_id)}))


# -- bodies: parent body, person seated, titulaire a suppléant stands for -------------------------------

def test_body_form_refuses_a_parent_body_of_elsewhere(app, world):
    client = staff(app)
    url = f"/bodies/{world.body_id}/edit"
    values = shown_values(client, url)
    crafted = [Request(f"instance de rattachement = {label}", url, {**values, "parent_id": value})
               for label, value in crafted_values(world, {"instance de l'autre ARS": world.other["body_id"],
                                                          "l'instance elle-même": world.body_id})]
    crafted += [Request(f"nouvelle instance rattachée à {label}", "/bodies/new",
                        {**values, "name": "Instance fabriquée", "parent_id": value})
                for label, value in crafted_values(world, {"instance de l'autre ARS": world.other["body_id"]})]
    check_family(client, crafted, Request("instance de l'ARS", url, {**values, "parent_id": str(world.other_body_id)}))


def membership_values(**values) -> dict:
    return {"title": "Qualité postée", "college": "", "seat": "titulaire", "substitute_for_id": "0", "voting": "y",
            "start_date": "01/01/2021", "end_date": "", **values}


def test_new_seat_refuses_people_and_titulaires_of_elsewhere(app, world):
    client = staff(app)
    url = f"/bodies/{world.body_id}/members/new"
    outsider = str(world.outsider_person_id)
    titulaire = db.session.scalar(select(Membership.id).where(Membership.body_id == world.body_id,
                                                              Membership.seat == Seat.TITULAIRE,
                                                              Membership.end_date.is_(None)).limit(1))
    other_body_titulaire = db.session.scalar(select(Membership.id).where(Membership.body_id == world.other_body_id,
                                                                         Membership.seat == Seat.TITULAIRE).limit(1))
    crafted = [Request(f"personne = {label}", url, membership_values(person_id=value))
               for label, value in crafted_values(world, {"personne de l'autre ARS": world.other["person_id"],
                                                          "personne dans la corbeille": world.binned_person_id})]
    crafted += [Request(f"suppléant de = {label}", url,
                        membership_values(person_id=outsider, seat="suppleant", substitute_for_id=value))
                for label, value in crafted_values(world, {"mandat de l'autre ARS": world.other["membership_id"],
                                                           "mandat d'une autre instance": other_body_titulaire})]
    check_family(client, crafted, Request("suppléant d'un titulaire de l'instance", url, membership_values(
        person_id=outsider, seat="suppleant", substitute_for_id=str(titulaire))))


def test_seat_edit_refuses_titulaires_of_elsewhere(app, world):
    client = staff(app)
    titulaire, substitute = db.session.execute(
        select(Membership.id, Membership.person_id).where(Membership.body_id == world.body_id,
                                                          Membership.seat == Seat.TITULAIRE,
                                                          Membership.end_date.is_(None)).limit(2)).all()
    url = f"/bodies/memberships/{substitute.id}/edit"
    values = shown_values(client, url)
    other_body_titulaire = db.session.scalar(select(Membership.id).where(Membership.body_id == world.other_body_id,
                                                                         Membership.seat == Seat.TITULAIRE).limit(1))
    crafted = [Request(f"suppléant de = {label}", url, {**values, "seat": "suppleant", "substitute_for_id": value})
               for label, value in crafted_values(world, {"mandat de l'autre ARS": world.other["membership_id"],
                                                          "mandat d'une autre instance": other_body_titulaire,
                                                          "son propre mandat": substitute.id})]
    check_family(client, crafted, Request("suppléant d'un titulaire de l'instance", url, {
        **values, "seat": "suppleant", "substitute_for_id": str(titulaire.id)}))


# -- échéances: the body of the next meeting announced ---------------------------------------------------

def test_next_meeting_deadline_refuses_a_body_of_elsewhere(app, world):
    client = staff(app)
    url = f"/meetings/{world.meeting_id}/deadlines/next-meeting"
    values = {"prochaine-body_id": str(world.body_id), "prochaine-title": "Réunion annoncée",
              "prochaine-day": "15/06/2030", "prochaine-starts": "10:00", "prochaine-ends": "12:00",
              "prochaine-place": "Montpellier"}
    crafted = [Request(f"instance = {label}", url, {**values, "prochaine-body_id": value})
               for label, value in crafted_values(world, {"instance de l'autre ARS": world.other["body_id"]})]
    crafted += [Request(f"URL : séance {label}", f"/meetings/{meeting}/deadlines/next-meeting", values)
                for label, meeting in (("de l'autre ARS", world.other["meeting_id"]),
                                       ("dans la corbeille", world.binned_meeting_id))]
    check_family(client, crafted, Request("instance de l'ARS", url, {**values, "prochaine-body_id": str(world.other_body_id)}))


# -- dossier: the agenda item a document is attached to, its place -----------------------------------

def document_values(item: str) -> Callable[[], dict]:
    return lambda: {"title": "Document posté", "agenda_item": item,
                    "file": (io.BytesIO(simple_pdf(["Document posté"])), "document.pdf")}


def agenda_item_kinds(world: World) -> dict:
    return {"point de l'autre ARS": world.other["item_id"], "point d'une autre séance": world.other_item_id,
            "point d'une séance supprimée": world.binned_item_id}


def test_new_document_refuses_an_agenda_item_of_elsewhere(app, world):
    client = staff(app)
    url = f"/meetings/{world.meeting_id}/dossier"
    item = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == world.meeting_id).limit(1))
    crafted = [Request(f"rattaché à {label}", url, document_values(value), multipart=True)
               for label, value in crafted_values(world, agenda_item_kinds(world))]
    check_family(client, crafted, Request("point de la séance", url, document_values(str(item)), multipart=True))


def test_document_edit_refuses_an_agenda_item_of_elsewhere(app, world):
    client = staff(app)
    document = db.session.scalar(select(MeetingDocument).where(MeetingDocument.meeting_id == world.other_meeting_id)
                                 .order_by(MeetingDocument.position).limit(1))
    url = f"/dossier/documents/{document.id}"
    item = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == world.other_meeting_id)
                             .order_by(AgendaItem.position.desc()).limit(1))
    # The document is the other meeting's: « another meeting » is here the seed meeting.
    kinds = {**agenda_item_kinds(world), "point d'une autre séance": db.session.scalar(
        select(AgendaItem.id).where(AgendaItem.meeting_id == world.meeting_id).limit(1))}
    crafted = [Request(f"rattaché à {label}", url, {"title": "Titre posté", "agenda_item": value})
               for label, value in crafted_values(world, kinds)]
    check_family(client, crafted, Request("point de la séance", url, {"title": "Titre posté", "agenda_item": str(item)}))


def test_document_move_ignores_a_crafted_place(app, world):
    from app.dossier.domain import meeting_documents
    from tests.test_permissions_matrix import demo_document

    client = staff(app)
    meeting = db.session.get(Meeting, world.meeting_id)
    demo_document(meeting), demo_document(meeting)
    document = meeting_documents(meeting)[0]
    url = f"/dossier/documents/{document.id}/move/down"
    crafted = [Request(f"depuis = {label}", f"{url}?depuis={value}", {}, refusals=(302,))
               for label, value in crafted_values(world, {"place négative": "-1", "texte": "abc"})]
    check_family(client, crafted, Request("place affichée", f"{url}?depuis=1", {}))


# -- votes: the item voted, the members declaring an interest, the roll call --------------------------

def plenary_with_an_item_to_vote() -> tuple[int, int]:
    """The demo's 3 June 2020 CRSA plenary (quorum reached) and its item not yet voted, made « pour avis »."""
    item = db.session.scalar(select(AgendaItem).join(Meeting).join(Body).where(
        Body.short_name == "CRSA", AgendaItem.nature.is_(None)).order_by(Meeting.starts_at, AgendaItem.position)
        .limit(1))
    item.nature, item.submitted_text = AgendaItemNature.FOR_OPINION, "Texte soumis"
    db.session.commit()
    return item.meeting_id, item.id


def test_vote_refuses_items_and_voters_of_elsewhere(app, world):
    client = staff(app)
    meeting_id, item_id = plenary_with_an_item_to_vote()
    url = f"/meetings/{meeting_id}/votes/new"
    values = {"agenda_item_id": str(item_id), "question": "Texte soumis", "votes_for": "1", "votes_against": "0",
              "abstentions": "0", "not_voting": "0", "president_choice": ""}
    crafted = [Request(f"point = {label}", url, {**values, "agenda_item_id": value})
               for label, value in crafted_values(world, agenda_item_kinds(world))]
    crafted += [Request(f"intérêt déclaré par {label}", url, {**values, "interests": [value]})
                for label, value in crafted_values(world, {"personne de l'autre ARS": world.other["person_id"],
                                                           "personne dans la corbeille": world.binned_person_id,
                                                           "personne hors de la feuille": world.outsider_person_id})]
    crafted += [Request(f"?item= {label}", f"{url}?item={value}", None, method="GET", refusals=(200,))
                for label, value in crafted_values(world, agenda_item_kinds(world))]
    check_family(client, crafted, Request("point de la séance", url, values))


def test_roll_call_refuses_voters_of_elsewhere(app, world):
    client = staff(app)
    meeting_id, item_id = plenary_with_an_item_to_vote()
    db.session.get(Meeting, meeting_id).body.roll_call_votes = True
    db.session.commit()
    url = f"/meetings/{meeting_id}/votes/new"
    values = {name: value for name, value in shown_values(client, url).items() if not name.startswith("choice_")}
    voters = [name for name in shown_values(client, url) if name.startswith("choice_")]
    values.update({"agenda_item_id": str(item_id), "question": "Texte soumis", **{name: "pour" for name in voters}})
    crafted = [Request(f"appel nominal de {label}", url, {**values, f"choice_{value}": "pour"})
               for label, value in crafted_values(world, {"personne de l'autre ARS": world.other["person_id"],
                                                          "personne dans la corbeille": world.binned_person_id,
                                                          "personne hors de la feuille": world.outsider_person_id})]
    check_family(client, crafted, Request("les votants de la feuille", url, values))


# -- accounts: the ARS and the person of a new account ---------------------------------------------------

def test_new_account_refuses_an_ars_and_people_of_elsewhere(app, world, monkeypatch):
    from tests.test_permissions_matrix import free_port

    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # the reset e-mail: nobody listens, nothing leaves
    client = demo_client(app, "admin@demo.example.fr")
    url = "/admin/comptes/nouveau"
    own = str(db.session.scalar(select(Organisation.id).where(Organisation.name != OTHER_ORGANISATION_NAME,
                                                              Organisation.id != world.other["organisation_id"])))
    values = {"email": "compte.fabrique@demo.example.fr", "role": "member", "organisation_id": own, "person_id": ""}
    crafted = [Request(f"ARS = {label}", url, {**values, "organisation_id": value})
               for label, value in crafted_values(world, {"l'autre ARS": world.other["organisation_id"]})]
    crafted += [Request(f"personne = {label}", url, {**values, "person_id": value})
                for label, value in crafted_values(world, {"personne de l'autre ARS": world.other["person_id"],
                                                           "personne dans la corbeille": world.binned_person_id})]
    check_family(client, crafted, Request("personne de l'ARS", url,
                                          {**values, "person_id": str(world.outsider_person_id)}))


# -- synthesis, search, échéances, trail, person picker: ids that choose what is read ------------------

def test_synthesis_refuses_bodies_of_elsewhere(app, world):
    client = staff(app)
    values = {"date_from": "2020-01-01", "date_to": "2020-12-31", "title": "Synthèse", "introduction": "",
              "generate_anyway": "y"}
    crafted = [Request(f"instance = {label}", "/synthesis", {**values, "bodies": [value]})
               for label, value in crafted_values(world, {"instance de l'autre ARS": world.other["body_id"]})]
    response = check_family(client, crafted, Request("instance de l'ARS", "/synthesis",
                                                     {**values, "bodies": [str(world.body_id)]}),
                            control_status=200, control_writes=False)
    assert response.data[:2] == b"PK"


@pytest.mark.parametrize("url, name", [("/recherche", "instance"), ("/deadlines", "body"),
                                       ("/bodies/{body_id}/members/people", "selected"),
                                       ("/admin/audit", "entity_id")])
def test_query_string_ids_read_nothing_of_elsewhere(app, world, url, name):
    client = demo_client(app, "admin@demo.example.fr")
    url = url.format(body_id=world.body_id)
    kinds = {"de l'autre ARS": world.other["body_id"] if name in ("instance", "body") else world.other["person_id"],
             "dans la corbeille": world.binned_person_id if name in ("selected", "entity_id") else None}
    crafted = [Request(f"?{name}= {label}", url, {name: value, "q": "a", "texte": "a"}, method="GET",
                       refusals=(200, 404, 422))
               for label, value in crafted_values(world, kinds)]
    check_family(client, crafted, None)


def test_a_representative_that_is_no_id_gets_a_french_message_on_its_row(app, world):
    client = staff(app)
    url, values, excused, _ = attendance_form(client, world)
    response = client.post(url, data={**values, f"rows-{excused}-status": "represented",
                                      f"rows-{excused}-represented_by": HUGE})
    assert response.status_code == 422
    row_error = re.search(rf'id="rows-{excused}-represented_by-erreurs"[^>]*>(.*?)</', response.text, re.S)
    assert row_error is not None and "Choix non valide" in row_error.group(1), shown_errors(response.text)


# -- a convened member's answer link: the holder of their pouvoir -----------------------------------------

def test_answer_link_refuses_a_proxy_holder_of_elsewhere(app, world):
    """A member (no login: the link is the credential) gives a pouvoir to someone who may not hold it."""
    from app.calendar.answers import make_answer_token

    client = app.test_client()
    invitation = db.session.scalar(
        select(Invitation).join(Membership, (Membership.person_id == Invitation.person_id)
                                & (Membership.body_id == world.body_id))
        .where(Invitation.meeting_id == world.other_meeting_id, Membership.seat == Seat.TITULAIRE,
               Invitation.response.is_(None)).order_by(Invitation.id).limit(1))
    url = f"/reponse/{make_answer_token(invitation)}"
    offered = [value for value in re.findall(r'<option[^>]*value="(\d+)"', client.get(url).text) if value != "0"]
    assert offered, "the answer page offers no holder: the control below would test nothing"
    crafted = [Request(f"pouvoir à {label}", url, {"response": "proxy", "proxy_holder": value})
               for label, value in crafted_values(world, {
                   "personne de l'autre ARS": world.other["person_id"],
                   "personne dans la corbeille": world.binned_person_id,
                   "personne hors de l'instance": world.outsider_person_id,
                   "soi-même": invitation.person_id})]
    check_family(client, crafted, Request("titulaire proposé", url, {"response": "proxy", "proxy_holder": offered[0]}))


# -- documents of one meeting named with a person of elsewhere -----------------------------------------

def test_attendance_certificate_of_a_person_of_elsewhere_is_a_404(app, world):
    client = staff(app)
    crafted = [Request(f"attestation de {label}",
                       f"/meetings/{world.meeting_id}/attendance-certificates/{value}.docx", method="GET")
               for label, value in crafted_values(world, {"personne de l'autre ARS": world.other["person_id"],
                                                          "personne dans la corbeille": world.binned_person_id,
                                                          "personne hors de la feuille": world.outsider_person_id})]
    present = db.session.get(Meeting, world.meeting_id).attendances[0].person_id
    response = check_family(client, crafted, Request("personne présente", f"/meetings/{world.meeting_id}/"
                                                     f"attendance-certificates/{present}.docx", method="GET"),
                            control_status=200, control_writes=False)
    assert response.data[:2] == b"PK"

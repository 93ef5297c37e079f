"""Hostile and random input to every form of the app (property-based, hypothesis).

Whatever is posted: never a 500; a refused form shows French errors tied to their field
(``fr-error-text`` whose id an ``aria-describedby`` names) and gives back what was typed; and a refused
form writes nothing (every table keeps its row count). Run alone with ``pytest tests/test_bad_input.py``;
``HYPOTHESIS_MAX_EXAMPLES`` (default 30) sets the number of tries per form.
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from app.calendar.answers import make_answer_token
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.forms import without_control_characters
from app.models import AttendanceStatus, Body, Invitation, Meeting, MembershipRole, RoundTablePoint, User
from tests.conftest import log_in

MAX_EXAMPLES = int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "30"))
ONE_MEGABYTE = "é" * 500_000 + "x" * 48_576  # 1 MB of UTF-8

HOSTILE_TEXTS = [
    "", " ", "\t\n", "<script>alert('x')</script>", "\"><img src=x onerror=alert(1)>", "{{ 7*7 }}",
    "'; DROP TABLE meeting; --", "1' OR '1'='1", "%", "_", "\\", "\x00", "a\x00b", "\x07\x1b[31m\x7f", "\r\n\r\n",
    "😷🏥👩‍⚕️", "\u202eevil\u202c", "שלום עליכם", "مرحبا بالعالم", "e\u0301\u0301\u0301", "\ufeff", "\uffff",
    "-1", "0", "1e308", "NaN", "-inf", "99999999999999999999", "2147483648", "0x10", "١٢٣",
    "2020-02-30", "31/02/2020", "0000-00-00", "9999-12-31", "10000-01-01", "25:61", "23:59:60", "12h", "None", "null",
    "a" * 301, "x" * 5001,
]
# Characters of every kind but lone surrogates (a browser cannot send them).
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=120)
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    ANY_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y") if d.day % 2 else d.isoformat()),
    st.floats().map(str),
)
# Plausible values mixed with hostile ones, so that forms also get past their first check.
DATES = st.one_of(HOSTILE, st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)).map(str))
TIMES = st.one_of(HOSTILE, st.times().map(lambda t: t.strftime("%H:%M")))
NUMBERS = st.one_of(HOSTILE, st.integers(min_value=-5, max_value=400).map(str))
CHECKBOX = st.sampled_from(["", "y", "on", "n", "\x00", "<b>"])


@dataclass
class Case:
    """One form: where it is posted, its fields and what may be generated for them."""

    name: str
    url: Callable[[dict], str]
    fields: dict[str, st.SearchStrategy]
    redisplayed: tuple[str, ...] = ()  # fields whose typed value comes back in a refused form
    role: str = "admin"
    files: dict[str, st.SearchStrategy] = field(default_factory=dict)
    query_string: bool = False  # a GET form (search)
    before: Callable[[object, dict], None] | None = None
    prefix: str = ""  # the form's prefix, formatted with the demo ids: "section-{section_id}-"


def text_fields(*names: str) -> dict[str, st.SearchStrategy]:
    return {name: HOSTILE for name in names}


def choice_of(*values: str) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(values), HOSTILE)


BINARY_FILES = st.one_of(
    st.binary(max_size=2048),
    st.sampled_from([
        b"", b"\x00" * 64, b"\x89PNG\r\n\x1a\n" + b"\xae" * 64, b"\xff\xd8\xff\xe0broken", b"GIF89a....",
        b"%PDF-1.4\n", b"PK\x03\x04not a zip", b"<svg onload=alert(1)>", "civilite;nom;prenom\n".encode(),
        "civilite;nom;prenom;email\nMme;<script>;Zoé;zoe@example.fr\n".encode("cp1252"),
        "civilite;nom;prenom;email\nM.;\x00NUL;Jean;not-an-email\n".encode(),
        b"\xef\xbb\xbfcivilite;nom\n" + b"M.;X\n" * 10, b"x" * (1024 * 1024 + 10),
    ]),
)
FILENAMES = st.one_of(st.sampled_from(["membres.csv", "logo.png", "logo.jpg", "evil.exe", "../../etc/passwd.csv",
                                       "", "é😷.csv", "a\x00b.csv", "x" * 300 + ".csv"]), ANY_TEXT)
FILES = st.tuples(BINARY_FILES, FILENAMES)


def details_fields() -> dict:
    return {**text_fields("title", "place", "visio_url", "agenda", "context", "working_method")}


CASES = [
    Case("login", lambda ids: "/login", {"email": HOSTILE, "password": HOSTILE, "remember": CHECKBOX},
         redisplayed=("email",), role="anonymous"),
    Case("body_create", lambda ids: "/bodies/new", {
        **text_fields("name", "short_name", "territory"), "kind": choice_of("crsa", "cts", "working_group"),
        "parent_id": choice_of("0", str(1)), "quorum_fraction": NUMBERS, "quorum_strict": CHECKBOX,
        "quorum_minimum": NUMBERS, "quorum_counts_represented": CHECKBOX, "convocation_days": NUMBERS,
        "reminder_days": NUMBERS, "proxies_allowed": CHECKBOX, "max_proxies_per_holder": NUMBERS,
        "proxies_exclude_presidents": CHECKBOX, "second_convocation_days": NUMBERS, "unexcused_absences_limit": NUMBERS,
    }, redisplayed=("name", "short_name", "territory")),
    Case("body_edit", lambda ids: f"/bodies/{ids['body_id']}/edit", {
        **text_fields("name", "short_name", "territory"), "kind": choice_of("working_group"),
        "parent_id": choice_of("0"), "quorum_fraction": NUMBERS, "quorum_minimum": NUMBERS,
        "convocation_days": NUMBERS, "reminder_days": NUMBERS, "max_proxies_per_holder": NUMBERS,
        "second_convocation_days": NUMBERS, "unexcused_absences_limit": NUMBERS,
    }, redisplayed=("name", "short_name", "territory")),
    Case("person_create", lambda ids: "/people/new", {
        "civility": choice_of("M.", "Mme"), **text_fields("first_name", "last_name", "email", "affiliation"),
    }, redisplayed=("first_name", "last_name", "email", "affiliation")),
    Case("person_edit", lambda ids: f"/people/{ids['person_id']}/edit", {
        "civility": choice_of("Mme"), **text_fields("first_name", "last_name", "email", "affiliation"),
    }, redisplayed=("first_name", "last_name", "email", "affiliation")),
    Case("membership_add", lambda ids: f"/bodies/{ids['body_id']}/members/new", {
        "person_id": choice_of("0", "1", "2"), **text_fields("title", "college"), "seat": choice_of("titulaire"),
        "substitute_for_id": choice_of("0"), "voting": CHECKBOX, "start_date": DATES, "end_date": DATES,
    }, redisplayed=("title", "college")),
    Case("membership_edit", lambda ids: f"/bodies/memberships/{ids['membership_id']}/edit", {
        "person_id": choice_of("0"), **text_fields("title", "college"), "seat": choice_of("suppleant"),
        "substitute_for_id": choice_of("0"), "start_date": DATES, "end_date": DATES,
    }, redisplayed=("title", "college")),
    Case("membership_end", lambda ids: f"/bodies/memberships/{ids['membership_id']}/end", {"end_date": DATES}),
    Case("role_add", lambda ids: f"/bodies/memberships/{ids['membership_id']}/roles/new", {
        "kind": choice_of("president", "vice_president", "rapporteur"), "start_date": DATES, "end_date": DATES}),
    Case("role_edit", lambda ids: f"/bodies/roles/{ids['role_id']}/edit", {
        "kind": choice_of("president", "bureau_member"), "start_date": DATES, "end_date": DATES}),
    Case("second_convocation", lambda ids: f"/meetings/{ids['plenary_id']}/second-convocation", {
        "day": DATES, "starts": TIMES, "ends": TIMES, **text_fields("place", "visio_url"),
    }, redisplayed=("place",), before=lambda client, ids: without_quorum(ids["plenary_id"])),
    Case("csv_import_upload", lambda ids: f"/bodies/{ids['body_id']}/members/import", {},
         files={"csv_file": FILES}),
    Case("csv_import_confirm", lambda ids: f"/bodies/{ids['body_id']}/members/import/confirm",
         {"content": st.one_of(HOSTILE, st.just("civilite;nom;prenom;email\nMme;Durand;Zoé;zoe@example.fr\n"))}),
    Case("meeting_create", lambda ids: f"/bodies/{ids['body_id']}/meetings/new", {
        **details_fields(), "day": DATES, "starts": TIMES, "ends": TIMES,
    }, redisplayed=("title", "place", "context")),
    Case("meeting_edit", lambda ids: f"/meetings/{ids['upcoming_id']}/edit", {
        **details_fields(), "day": DATES, "starts": TIMES, "ends": TIMES, "version": NUMBERS,
    }, redisplayed=("title", "place", "context")),
    Case("meeting_series", lambda ids: f"/bodies/{ids['body_id']}/meetings/series", {
        **details_fields(), "occurrences": st.one_of(HOSTILE, st.just("12/01/2031 10:00-12:00\n13/01/2031 25:00-09:00")),
    }, redisplayed=("title", "place", "context")),
    Case("meeting_cancel", lambda ids: f"/meetings/{ids['upcoming_id']}/cancel", {"submit": HOSTILE}),
    # The demo's next meeting is a week away, within its body's 15-day delay: the reason of urgency is required.
    Case("convocations_send", lambda ids: f"/meetings/{ids['upcoming_id']}/convocations", {"urgency": HOSTILE},
         redisplayed=("urgency",)),
    Case("convened", lambda ids: f"/meetings/{ids['upcoming_id']}/convened", {
        "person_id": choice_of("0", "1"), "new_civility": choice_of("Mme"),
        **text_fields("new_first_name", "new_last_name", "new_email", "new_affiliation", "title"),
        "capacity": choice_of("guest", "ars_staff"),
    }, redisplayed=("new_first_name", "new_last_name", "new_email", "new_affiliation", "title")),
    Case("deadline_next_meeting", lambda ids: f"/meetings/{ids['meeting_id']}/deadlines/next-meeting", {
        "body_id": choice_of("1", "0"), **text_fields("title", "place"), "day": DATES, "starts": TIMES,
        "ends": TIMES,
    }, redisplayed=("title", "place"), prefix="prochaine-"),
    Case("deadline_due_date", lambda ids: f"/meetings/{ids['meeting_id']}/deadlines/due-date", {
        "title": HOSTILE, "day": DATES, "at": TIMES,
    }, redisplayed=("title",), prefix="butoir-"),
    Case("attendance_sheet", lambda ids: f"/meetings/{ids['meeting_id']}/attendance", {
        "new_capacity": choice_of("ars_staff", "guest"), "new_person": HOSTILE, "new_civility": choice_of("", "M."),
        **text_fields("new_last_name", "new_first_name", "new_title"),
    }),
    Case("roundtable_add_section", lambda ids: f"/meetings/{ids['meeting_id']}/round-table/sections",
         {"title": HOSTILE}, redisplayed=("title",), prefix="new-section-"),
    Case("roundtable_rename_section",
         lambda ids: f"/meetings/{ids['meeting_id']}/round-table/sections/{ids['section_id']}/rename",
         {"title": HOSTILE}, redisplayed=("title",), prefix="rename-{section_id}-"),
    Case("roundtable_add_point",
         lambda ids: f"/meetings/{ids['meeting_id']}/round-table/sections/{ids['section_id']}/points", {
             "text": HOSTILE, "parent": HOSTILE, "speaker": HOSTILE, "themes": HOSTILE, "is_proposal": CHECKBOX,
         }, redisplayed=("text",), prefix="section-{section_id}-"),
    Case("roundtable_edit_point",
         lambda ids: f"/meetings/{ids['meeting_id']}/round-table/points/{ids['point_id']}/edit", {
             "text": HOSTILE, "parent": HOSTILE, "speaker": HOSTILE, "themes": HOSTILE, "is_proposal": CHECKBOX,
         }, redisplayed=("text",)),
    Case("synthesis", lambda ids: "/synthesis", {"bodies": choice_of("1", "2"), "date_from": DATES, "date_to": DATES}),
    Case("minutes_reopen", lambda ids: f"/meetings/{ids['meeting_id']}/minutes/reopen",
         {"confirm": CHECKBOX, "reason": HOSTILE}, redisplayed=("reason",),
         before=lambda client, ids: client.post(f"/meetings/{ids['meeting_id']}/minutes/validate")),
    Case("convocation_answer", lambda ids: f"/reponse/{ids['answer_token']}", {
        "response": choice_of("present", "excused", "substitute", "proxy"), "proxy_holder": HOSTILE,
    }, role="anonymous"),
    Case("organisation_settings", lambda ids: "/organisation", {
        **text_fields("name", "short_name", "secretariat_email"), "remove_logo": CHECKBOX,
    }, files={"logo": FILES}, redisplayed=("name", "short_name", "secretariat_email")),
    Case("search", lambda ids: "/recherche", {"texte": HOSTILE, "instance": HOSTILE, "du": DATES, "au": DATES},
         query_string=True, role="member"),
    Case("people_search", lambda ids: "/people/", {"q": HOSTILE, "page": HOSTILE}, query_string=True),
    Case("deadlines_list", lambda ids: "/deadlines", {"body": HOSTILE, "page": HOSTILE}, query_string=True,
         role="member"),
    Case("my_meetings", lambda ids: "/mes-seances", {"page": HOSTILE}, query_string=True, role="member"),
]

ERROR_ID = re.compile(r'<p id="([^"]+)" class="fr-error-text">')
DESCRIBED_BY = re.compile(r'aria-describedby="([^"]+)"')
ENGLISH_MESSAGES = ("This field is required", "Not a valid", "Invalid choice", "Field must be", "Invalid email",
                    "Number must be", "Invalid URL", "is not a valid")


def without_quorum(meeting_id: int) -> None:
    """The demo's 3 June 2020 CRSA plenary, with most present members marked excused: it may be reconvened."""
    for attendance in db.session.get(Meeting, meeting_id).attendances[:40]:
        attendance.status = AttendanceStatus.EXCUSED
    db.session.commit()


def demo_ids(meeting: Meeting) -> dict:
    upcoming = db.session.scalar(select(Meeting).where(Meeting.body_id == meeting.body_id, Meeting.id != meeting.id)
                                 .order_by(Meeting.starts_at.desc()).limit(1))
    membership = next(m for m in meeting.body.memberships if m.end_date is None)
    section = meeting.sections[0]
    point = db.session.scalar(select(RoundTablePoint).where(RoundTablePoint.section_id == section.id).limit(1))
    invitation = db.session.scalar(select(Invitation).where(Invitation.meeting_id == upcoming.id).limit(1))
    plenary = db.session.scalar(select(Meeting).join(Body).where(Body.short_name == "CRSA").order_by(Meeting.starts_at))
    return {
        "plenary_id": plenary.id, "role_id": db.session.scalar(select(func.min(MembershipRole.id))),
        "meeting_id": meeting.id, "body_id": meeting.body_id, "upcoming_id": upcoming.id,
        "membership_id": membership.id, "person_id": membership.person_id, "section_id": section.id,
        "point_id": point.id, "answer_token": make_answer_token(invitation),
    }


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def client_for(app, role: str):
    client = app.test_client()
    if role == "anonymous":
        return client
    email = {"admin": "admin@demo.example.fr", "member": "membre@demo.example.fr"}[role]
    return log_in(client, db.session.scalar(select(User).where(User.email == email)), DEMO_PASSWORD)


def check_refused_form(page: str, case: Case, data: dict) -> None:
    """French errors tied to their field, and the typed values given back."""
    error_ids = ERROR_ID.findall(page)
    described = {token for value in DESCRIBED_BY.findall(page) for token in value.split()}
    assert set(error_ids) <= described, f"errors not tied to a field: {set(error_ids) - described}"
    for message in ENGLISH_MESSAGES:
        assert message not in page, f"English message on a French page: {message}"
    if not error_ids:
        return
    for name in case.redisplayed:
        value = data.get(name)
        if isinstance(value, str):
            typed = without_control_characters(value)
            assert str(escape(typed)) in page or str(escape(typed.strip())) in page, f"{name} not given back"


def attendance_rows(meeting_id: int) -> st.SearchStrategy:
    """The sheet's rows are the roster's people: statuses, representatives and titles are what varies."""
    from app.meetings.roster import build_roster

    person_ids = [entry.person.id for entry in build_roster(db.session.get(Meeting, meeting_id))]
    rows = {}
    for index, person_id in enumerate(person_ids):
        rows[f"rows-{index}-person_id"] = st.just(str(person_id))
        rows[f"rows-{index}-status"] = choice_of("present", "excused", "absent", "represented")
        rows[f"rows-{index}-represented_by"] = st.one_of(st.sampled_from([str(p) for p in person_ids]), HOSTILE)
        rows[f"rows-{index}-title"] = HOSTILE
    return rows


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_input_never_breaks_a_form(app, demo, case):
    ids = demo_ids(demo)
    client = client_for(app, case.role)
    if case.before:
        case.before(client, ids)
    url = case.url(ids)
    fields = dict(case.fields)
    if case.name == "attendance_sheet":
        fields.update(attendance_rows(demo.id))
    strategy = st.fixed_dictionaries({**fields, **case.files})
    huge = {name: ONE_MEGABYTE for name in case.fields}

    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
              database=None)
    @given(strategy)
    @example({**huge, **{name: (b"x", "x.csv") for name in case.files}})
    def post(data):
        db.session.remove()
        before = row_counts()
        prefix = case.prefix.format(**ids)
        form = {prefix + name: value for name, value in data.items() if name not in case.files}
        for name in case.files:
            content, filename = data[name]
            form[name] = (io.BytesIO(content), filename)
        if case.query_string:
            response = client.get(url, query_string=form)
        else:
            response = client.post(url, data=form, content_type="multipart/form-data")
        status = response.status_code
        assert status < 500
        assert status not in (401, 403)
        db.session.remove()
        if status == 302 and not case.query_string:
            return  # accepted (or sent elsewhere with a message): nothing more to check
        if not case.query_string:
            assert row_counts() == before, "a refused form wrote to the database"
        if response.mimetype == "text/html":
            check_refused_form(response.get_data(as_text=True), case, data)

    post()

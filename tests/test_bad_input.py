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
from app.demo import NATIONAL_ADMIN_EMAIL
from app.forms import clean_text, one_line
from app.models import AttendanceStatus, Body, Invitation, Meeting, MembershipRole, RoundTablePoint, User
from tests.conftest import log_in, row_counts

MAX_EXAMPLES = int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "30"))
ONE_MEGABYTE = "é" * 500_000 + "x" * 48_576  # 1 MB of UTF-8
# A GET form's values travel in the request line, which gunicorn refuses beyond 4,094 bytes (its
# ``limit_request_line``): the longest value the app can be sent, « é » percent-encoded (6 bytes each).
LONGEST_QUERY_VALUE = "é" * (4094 // 6)

HOSTILE_TEXTS = [
    "", " ", "\t\n", "<script>alert('x')</script>", "\"><img src=x onerror=alert(1)>", "{{ 7*7 }}",
    "'; DROP TABLE meeting; --", "1' OR '1'='1", "%", "_", "\\", "\x00", "a\x00b", "\x07\x1b[31m\x7f", "\r\n\r\n",
    "😷🏥👩‍⚕️", "\u202eevil\u202c", "שלום עליכם", "مرحبا بالعالم", "e\u0301\u0301\u0301", "\ufeff", "\uffff",
    "-1", "0", "1e308", "NaN", "-inf", "99999999999999999999", "2147483648", "0x10", "١٢٣",
    "2020-02-30", "31/02/2020", "0000-00-00", "9999-12-31", "10000-01-01", "25:61", "23:59:60", "12h", "None", "null",
    "a" * 301, "x" * 5001,
    # Found by probing (issue 11): the oldest and latest dates, the spring-forward gap, line separators.
    "0001-01-01", "01/01/0001", "31/12/9999", "2027-03-28", "28/03/2027", "02:30", "a\u2028b", "\u2029", "x\x85y",
    "Ligne\r\nsuivante", "\u2028",
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
    writes: tuple[str, ...] = ()  # tables a refused form may write to on purpose (a failed login is audited)


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
         redisplayed=("email",), role="anonymous", writes=("audit_event",)),
    Case("body_create", lambda ids: "/bodies/new", {
        **text_fields("name", "short_name", "territory"), "kind": choice_of("crsa", "cts", "working_group"),
        "parent_id": choice_of("0", str(1)), "quorum_fraction": NUMBERS, "quorum_strict": CHECKBOX,
        "quorum_minimum": NUMBERS, "quorum_counts_represented": CHECKBOX, "convocation_days": NUMBERS,
        "reminder_days": NUMBERS, "proxies_allowed": CHECKBOX, "max_proxies_per_holder": NUMBERS,
        "proxies_exclude_presidents": CHECKBOX, "second_convocation_days": NUMBERS, "unexcused_absences_limit": NUMBERS,
        "max_substitutes_per_titulaire": NUMBERS,
    }, redisplayed=("name", "short_name", "territory")),
    Case("body_edit", lambda ids: f"/bodies/{ids['body_id']}/edit", {
        **text_fields("name", "short_name", "territory"), "kind": choice_of("working_group"),
        "parent_id": choice_of("0"), "quorum_fraction": NUMBERS, "quorum_minimum": NUMBERS,
        "convocation_days": NUMBERS, "reminder_days": NUMBERS, "max_proxies_per_holder": NUMBERS,
        "second_convocation_days": NUMBERS, "unexcused_absences_limit": NUMBERS, "max_substitutes_per_titulaire": NUMBERS,
    }, redisplayed=("name", "short_name", "territory")),
    Case("person_create", lambda ids: "/people/new", {
        "civility": choice_of("M.", "Mme"), **text_fields("first_name", "last_name", "email", "affiliation"),
    }, redisplayed=("first_name", "last_name", "email", "affiliation")),
    Case("person_edit", lambda ids: f"/people/{ids['person_id']}/edit", {
        "civility": choice_of("Mme"), **text_fields("first_name", "last_name", "email", "affiliation"),
    }, redisplayed=("first_name", "last_name", "email", "affiliation")),
    Case("membership_add", lambda ids: f"/bodies/{ids['body_id']}/members/new", {
        "person_id": st.one_of(choice_of("0", "1", "2", "nouvelle"), HOSTILE), **text_fields("title", "college"),
        "seat": choice_of("titulaire"), "substitute_for_id": choice_of("0"), "voting": CHECKBOX,
        "start_date": DATES, "end_date": DATES, "new_person-civility": choice_of("Mme", "M."),
        **text_fields("person_search", "new_person-first_name", "new_person-last_name", "new_person-email",
                      "new_person-affiliation"),
    }, redisplayed=("title", "college", "person_search", "new_person-last_name")),
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
    Case("audit_filter", lambda ids: "/admin/audit", {"entity": HOSTILE, "entity_id": HOSTILE, "page": HOSTILE},
         query_string=True),
    Case("account_create", lambda ids: "/admin/comptes/nouveau", {
        "email": HOSTILE, "role": choice_of("member", "secretariat", "admin", "national_admin"),
        "organisation_id": choice_of("1", "2", "0"), "person_id": choice_of("", "1"),
    }, redisplayed=("email",)),
    Case("organisation_create", lambda ids: "/organisations", {
        **text_fields("name", "short_name", "secretariat_email"),
    }, redisplayed=("name", "short_name", "secretariat_email"), role="national_admin"),
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
        "organisation_id": meeting.body.organisation_id,
    }


def client_for(app, role: str):
    client = app.test_client()
    if role == "anonymous":
        return client
    email = {"admin": "admin@demo.example.fr", "member": "membre@demo.example.fr",
             "national_admin": NATIONAL_ADMIN_EMAIL}[role]
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
            typed = clean_text(value)  # as stored: a one-line field also gets its line breaks as spaces
            assert any(str(escape(shown)) in page for shown in (typed, typed.strip(), one_line(typed),
                                                                 one_line(typed).strip())), f"{name} not given back"


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
    huge = {name: LONGEST_QUERY_VALUE if case.query_string else ONE_MEGABYTE for name in case.fields}

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
            after = row_counts()
            assert {table: count for table, count in after.items() if table not in case.writes} == {
                table: count for table, count in before.items() if table not in case.writes}, \
                "a refused form wrote to the database"
        if response.mimetype == "text/html":
            check_refused_form(response.get_data(as_text=True), case, data)

    post()


# Found by probing (issue 11): each answers with a French message on its field, or is made one line;
# none reaches a 500, and one bad record never stops a mail-out or a feed.

def error_of(page: str, field_id: str) -> str:
    found = re.search(rf'<p id="{re.escape(field_id)}-erreurs" class="fr-error-text">([^<]*)</p>', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize("query, field_id", [("du=0001-01-01", "du"), ("au=9999-12-31", "au"),
                                             ("du=0001-01-01&au=9999-12-31", "au")])
def test_search_dates_out_of_range_get_a_french_message(app, demo, query, field_id):
    page = client_for(app, "member").get(f"/recherche?{query}")
    assert page.status_code == 422
    assert "Date hors des limites" in error_of(page.text, field_id)


@pytest.mark.parametrize("url", ["/feeds/x%00.ics", "/feeds/%00.ics", "/admin/audit?entity=%00",
                                 "/admin/audit?entity_id=99999999999999999999", "/admin/audit?entity=%00&page=%00",
                                 "/people/?q=%00", "/deadlines?body=%00"])
def test_probed_urls_never_fail(app, demo, url):
    response = client_for(app, "admin").get(url)
    assert response.status_code in (200, 404)


def meeting_form(**values) -> dict:
    return {"title": "Séance", "place": "", "visio_url": "", "agenda": "", "context": "", "working_method": "",
            "day": "2027-03-28", "starts": "10:00", "ends": "12:00", **values}


def test_a_meeting_in_the_spring_forward_gap_gets_a_french_message(app, demo):
    client = client_for(app, "admin")
    before = row_counts()
    page = client.post(f"/bodies/{demo.body_id}/meetings/new", data=meeting_form(starts="02:30", ends="03:30"))
    assert page.status_code == 200
    assert error_of(page.text, "starts") == ("02:30 n'existe pas le 28/03/2027 à Paris (passage à l'heure d'été) : "
                                             "choisissez une autre heure.").replace("'", "&#39;")
    assert row_counts() == before
    series = client.post(f"/bodies/{demo.body_id}/meetings/series", data={
        **meeting_form(), "occurrences": "28/03/2027 02:15-04:00"})
    assert "passage à l&#39;heure d&#39;été" in error_of(series.text, "occurrences")
    accepted = client.post(f"/bodies/{demo.body_id}/meetings/new", data=meeting_form(starts="03:00", ends="04:00"))
    assert accepted.status_code == 302  # the first hour of summer time exists


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "01/01/0001", "31/12/9999"])
def test_year_1_and_9999_get_a_french_message_everywhere(app, demo, day):
    client = client_for(app, "admin")
    membership = next(m for m in demo.body.memberships if m.end_date is None)
    before = row_counts()
    pages = {
        "day": client.post(f"/bodies/{demo.body_id}/meetings/new", data=meeting_form(day=day)),
        "end_date": client.post(f"/bodies/memberships/{membership.id}/end", data={"end_date": day}),
        "butoir-day": client.post(f"/meetings/{demo.id}/deadlines/due-date",
                                  data={"butoir-title": "Échéance", "butoir-day": day}),
        "date_from": client.post("/synthesis", data={"bodies": str(demo.body_id), "date_from": day,
                                                     "date_to": "2030-01-01"}),
    }
    for field_id, page in pages.items():
        assert page.status_code in (200, 409, 422), field_id
        if page.status_code != 409:  # the validated minutes freeze the seed meeting's deadlines page
            # Out of range, or (the synthesis reads AAAA-MM-JJ only) not a date it reads.
            assert error_of(page.text, field_id).startswith(("Date hors des limites", "Date invalide")), field_id
    assert row_counts() == before
    series = client.post(f"/bodies/{demo.body_id}/meetings/series", data={
        **meeting_form(), "occurrences": f"{'01/01/0001' if day.startswith(('0', '01')) else '31/12/9999'} 10:00-12:00"})
    assert "la date doit être entre le 01/01/1900 et le 31/12/2100" in error_of(series.text, "occurrences")


LINE_SEPARATORS = ["\u2028", "\u2029", "\x85", "\r\n", "\n", "\r"]


@pytest.mark.parametrize("separator", LINE_SEPARATORS, ids=repr)
def test_a_title_or_a_name_with_a_line_separator_is_made_one_line(app, demo, separator):
    client = client_for(app, "admin")
    response = client.post(f"/bodies/{demo.body_id}/meetings/new",
                           data=meeting_form(day="2031-01-09", title=f"Séance{separator}plénière",
                                             context=f"Premier{separator}second"))
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting).order_by(Meeting.id.desc()).limit(1))
    assert meeting.title == "Séance plénière"
    assert meeting.context.replace("\r\n", "\n").replace("\r", "\n") == "Premier\nsecond", "a text area keeps its lines"
    response = client.post("/people/new", data={"civility": "Mme", "first_name": f"Anne{separator}Marie",
                                                "last_name": f"Du{separator}Pont", "email": "", "affiliation": ""})
    assert response.status_code == 302
    from app.models import Person

    person = db.session.scalar(select(Person).where(Person.first_name.startswith("Anne")))
    assert (person.first_name, person.last_name) == ("Anne Marie", "Du Pont")


def test_a_csv_cell_with_line_breaks_is_made_one_line(app, demo):
    from app.models import Membership

    client = client_for(app, "admin")
    content = ("civilité;nom;prénom;email;qualité;siège;début\n"
               'Mme;"Le\nGoff";Anne;anne.legoff@example.fr;"Présidente\r\nde l\'URPS\u2028Infirmiers";titulaire;'
               "01/01/2024\n"
               "M.;Old;Jean;jean.old@example.fr;Membre;titulaire;01/01/0001\n")
    upload = client.post(f"/bodies/{demo.body_id}/members/import",
                         data={"csv_file": (io.BytesIO(content.encode()), "membres.csv")},
                         content_type="multipart/form-data")
    assert upload.status_code == 200
    assert "date de début « 01/01/0001 » hors des limites (entre le 01/01/1900 et le 31/12/2100)" in upload.text
    accepted = client.post(f"/bodies/{demo.body_id}/members/import/confirm",
                           data={"content": content.split("M.;Old")[0]})
    assert accepted.status_code == 302
    imported = db.session.scalar(select(Membership).where(Membership.body_id == demo.body_id,
                                                          Membership.title == "Présidente de l'URPS Infirmiers"))
    assert imported is not None and imported.person.last_name == "Le Goff"


def test_a_bad_record_never_stops_a_mail_out(app, demo, inbox):
    """A recorded address no e-mail header can hold fails alone in the outbox; the others are convened,
    and a title recorded with a line separator makes a one-line subject."""
    from app.models import MailStatus, OutboxMessage

    upcoming = db.session.scalar(select(Meeting).where(Meeting.body_id == demo.body_id, Meeting.id != demo.id)
                                 .order_by(Meeting.starts_at.desc()).limit(1))
    broken = upcoming.invitations[0].person
    broken.email = "cassee@[demo.example.fr"
    upcoming.title = "Séance\u2028de suivi"
    db.session.commit()
    response = client_for(app, "admin").post(f"/meetings/{upcoming.id}/convocations",
                                             data={"urgency": "Ordre du jour avancé"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Échec de l&#39;envoi pour 1 personne(s)" in response.text
    failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.meeting_id == upcoming.id,
                                                            OutboxMessage.status == MailStatus.FAILED)).all()
    assert [row.person_id for row in failed] == [broken.id]
    received = [message for _, message in inbox.messages]
    assert len(received) == len(upcoming.invitations) - 1
    assert all("\n" not in message["Subject"] and "\u2028" not in message["Subject"] for message in received)


def test_a_bad_record_never_stops_a_feed(app, demo):
    from datetime import timedelta

    from app.models import Deadline, DeadlineKind
    from tests.ics_support import feed_token_for

    upcoming = db.session.scalar(select(Meeting).where(Meeting.body_id == demo.body_id, Meeting.id != demo.id)
                                 .order_by(Meeting.starts_at.desc()).limit(1))
    upcoming.deadlines.append(Deadline(position=9, kind=DeadlineKind.DUE_DATE, title="Recorded before the checks",
                                       due_date=date(9999, 12, 31)))
    upcoming.deadlines.append(Deadline(position=10, kind=DeadlineKind.DUE_DATE, title="Rapport attendu",
                                       due_date=date.today() + timedelta(days=30)))
    db.session.commit()
    response = app.test_client().get(f"/feeds/{feed_token_for(demo.body)}.ics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Rapport attendu" in text and "Recorded before the checks" not in text
    assert upcoming.title in text

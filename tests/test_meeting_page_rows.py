"""The meeting page's plain rows (app/meetings/page.py) read as the mapped objects do, and one URL built
per endpoint (app/urls.id_url) equals url_for's."""
import pytest
from flask import url_for

from app.extensions import db
from app.loadgen import create_benchmark_meeting
from app.bodies.composition import body_composition, quorum_composition
from app.meetings.page import attendance_rows, invitation_rows, load_meeting, meeting_page
from app.meetings.queries import load_meeting_for_display
from app.meetings.quorum import quorum_status
from app.meetings.roster import meeting_day
from app.urls import MARKER, id_url
from tests.conftest import test_organisation


def point_tree(points) -> list:
    """(text, speaker, themes, sub-points) of mapped points, as the page prints them."""
    return [(point.text, point.speaker.display_name if point.speaker else "", [theme.name for theme in point.themes],
             point_tree(point.children)) for point in points]


def line_tree(lines) -> list:
    return [(line.text, line.speaker_name, line.themes, line_tree(line.children)) for line in lines]


def test_the_plain_rows_read_as_the_mapped_meeting(app_context):
    meeting_id = create_benchmark_meeting(attendees=40, points=60, other_meetings=1, deadlines=2,
                                          organisation=test_organisation()).id
    db.session.expunge_all()
    mapped = load_meeting_for_display(meeting_id)
    page = meeting_page(load_meeting(meeting_id), with_record=True)

    assert [(section.title, point_tree(section.top_level_points)) for section in mapped.sections if section.points] \
        == [(section.title, line_tree(section.top_level_points)) for section in page.sections]
    assert sum(len(section.top_level_points) for section in page.sections) < 60  # some points are nested
    assert [(row.person.formal_name, row.person.display_name, row.status, row.capacity, row.title, row.mode)
            for row in attendance_rows(meeting_id)] == [
        (attendance.person.formal_name, attendance.person.display_name, attendance.status, attendance.capacity,
         attendance.title, attendance.mode) for attendance in mapped.attendances]
    assert [(row.person_id, row.person.sort_key, row.person.email, row.response)
            for row in invitation_rows(meeting_id)] == [
        (invitation.person_id, invitation.person.sort_key, invitation.person.email, invitation.response)
        for invitation in mapped.invitations]
    assert [attendance.person.formal_name for attendance in page.members_present] == [
        attendance.person.formal_name for attendance in mapped.members_present]
    assert page.members_present and page.title == mapped.title


def test_a_change_made_on_a_page_is_refused_not_lost(app_context):
    """A page (or the compte rendu's view) reads its mapped meeting through; a value set on it would never
    reach the database, so setting one fails at once (the compte rendu's validation changes the mapped meeting)."""
    meeting_id = create_benchmark_meeting(attendees=3, points=2, other_meetings=1, deadlines=1,
                                          organisation=test_organisation()).id
    page = meeting_page(load_meeting(meeting_id), with_record=False)
    with pytest.raises(AttributeError, match="read-only"):
        page.minutes = None
    assert page.title == page.meeting.title


def test_the_quorum_of_the_plain_rows_is_the_mapped_one(app_context):
    meeting_id = create_benchmark_meeting(attendees=30, points=3, other_meetings=1, deadlines=1,
                                          organisation=test_organisation()).id
    db.session.expunge_all()
    mapped = load_meeting_for_display(meeting_id)
    page = meeting_page(load_meeting(meeting_id), with_record=False)
    composition = quorum_composition(page.body, meeting_day(page))
    assert page.sections == []  # the tour de table is read only when shown
    mapped_composition = body_composition(mapped.body, meeting_day(mapped))
    assert quorum_status(page, composition) == quorum_status(mapped, mapped_composition) == quorum_status(mapped)
    assert composition.seats_in_office == mapped_composition.seats_in_office == 30


def test_one_url_per_endpoint_is_url_for(app, app_context):
    with app.test_request_context():
        for person_id in (1, 42, 1234567):
            for extension in ({}, {"extension": "pdf"}):
                fill = id_url("documents.attendance_certificate_docx", "person_id", meeting_id=17, **extension)
                assert fill(person_id) == url_for("documents.attendance_certificate_docx", meeting_id=17,
                                                  person_id=person_id, **extension)
        # The marker among the other values too: every URL built by url_for.
        fill = id_url("documents.attendance_certificate_docx", "person_id", meeting_id=MARKER)
        assert fill(5) == url_for("documents.attendance_certificate_docx", meeting_id=MARKER, person_id=5)


def test_the_page_links_each_attestation_in_word_and_pdf(app, app_context, secretariat_client):
    from app.documents.attendance_certificate import certified_attendances

    meeting = create_benchmark_meeting(attendees=12, points=2, other_meetings=1, deadlines=1,
                                       organisation=test_organisation())
    present = [attendance.person_id for attendance in certified_attendances(meeting)]
    configured = app.config["SOFFICE_PATH"]
    app.config["SOFFICE_PATH"] = "/usr/bin/true"  # LibreOffice « found »: the PDF links are offered
    try:
        page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    finally:
        app.config["SOFFICE_PATH"] = configured
    with app.test_request_context():
        links = [url_for("documents.attendance_certificate_docx", meeting_id=meeting.id, person_id=person_id, **pdf)
                 for person_id in present for pdf in ({}, {"extension": "pdf"})]
    assert present and all(f'href="{link}"' in page for link in links)


def test_the_attendance_sheet_reads_each_membership_roles_a_bounded_number_of_times(app_context, secretariat_client,
                                                                                     monkeypatch):
    """The president was looked for once per person on the sheet, through every membership's roles:
    150 people made 22,500 reads. Now once per membership for the roster, once for the president."""
    from app.models import Membership

    meeting = create_benchmark_meeting(attendees=40, points=2, other_meetings=1, deadlines=1,
                                       organisation=test_organisation())
    reads = []
    roles_on = Membership.roles_on
    monkeypatch.setattr(Membership, "roles_on", lambda membership, on: reads.append(1) or roles_on(membership, on))
    assert secretariat_client.get(f"/meetings/{meeting.id}/attendance").status_code == 200
    assert len(reads) <= 2 * 40 + 2, len(reads)


def test_the_attendance_sheet_renders_no_form_widget_per_row(app_context, secretariat_client, monkeypatch):
    """WTForms' widgets (4 radios, a select, two inputs a row) cost more than the rest of the sheet:
    the rows are written out by the template, so the widgets rendered do not grow with the sheet."""
    from wtforms.meta import DefaultMeta

    rendered = []
    render_field = DefaultMeta.render_field
    monkeypatch.setattr(DefaultMeta, "render_field",
                        lambda meta, field, kwargs: rendered.append(field.name) or render_field(meta, field, kwargs))
    counts = []
    for attendees in (5, 20):
        meeting = create_benchmark_meeting(attendees=attendees, points=2, other_meetings=1, deadlines=1,
                                           seed=attendees, organisation=test_organisation())
        rendered.clear()
        page = secretariat_client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
        assert page.count('type="radio"') == 4 * attendees
        counts.append(len(rendered))
    assert counts[0] == counts[1], counts

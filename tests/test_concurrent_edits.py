"""Two secretaries edit the same thing: the second save is refused, their typed text is shown back,
and nothing the first one saved is lost (app/concurrency.py)."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from app.concurrency import StaleEditError, check_version
from app.extensions import db
from app.models import Attendance, AttendanceStatus, Meeting, Role, RoundTablePoint, RoundTableSection
from tests.conftest import create_user, log_in
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting

STALE = "Quelqu&#39;un a modifié"


@pytest.fixture
def two_secretaries(app, app_context):
    return (log_in(app.test_client(), create_user(Role.SECRETARIAT)),
            log_in(app.test_client(), create_user(Role.SECRETARIAT)))


@pytest.fixture
def meeting(app_context):
    body = make_body("Commission de test")
    members = [add_member(body, name) for name in ("Martin", "Bernard")]
    return make_meeting(body, convene=members)


@pytest.fixture
def point(meeting):
    section = RoundTableSection(meeting=meeting, position=1, title="Points forts relevés")
    point = RoundTablePoint(section=section, position=1, text="Texte initial")
    db.session.add_all([section, point])
    db.session.commit()
    return point


def test_check_version_refuses_other_missing_and_malformed_versions():
    check_version("3", 3, "ce point")
    for posted in ("2", None, "", "abc"):
        with pytest.raises(StaleEditError, match="Quelqu'un a modifié ce point pendant que vous écriviez"):
            check_version(posted, 3, "ce point")


def test_second_secretary_editing_a_point_is_refused_and_keeps_their_text(two_secretaries, meeting, point):
    first, second = two_secretaries
    url = f"/meetings/{meeting.id}/round-table/points/{point.id}/edit"
    first_form, second_form = form_values(first.get(url).text), form_values(second.get(url).text)
    first_form["text"] = "Version de la première secrétaire"
    assert first.post(url, data=first_form).status_code == 302
    second_form["text"] = "Version de la seconde secrétaire"
    refused = second.post(url, data=second_form)
    assert refused.status_code == 409
    assert STALE in refused.text and "rechargez la page" in refused.text
    assert "Version de la seconde secrétaire" in refused.text  # typed input shown back
    assert f'href="{url}"' in refused.text  # the way to reload
    db.session.expire_all()
    assert db.session.get(RoundTablePoint, point.id).text == "Version de la première secrétaire"
    # The refused page carries the current version: saving it again now overwrites knowingly.
    again = form_values(refused.text)
    assert again["text"] == "Version de la seconde secrétaire"
    assert second.post(url, data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(RoundTablePoint, point.id).text == "Version de la seconde secrétaire"


def test_second_secretary_renaming_a_section_is_refused(two_secretaries, meeting, point):
    first, second = two_secretaries
    section = point.section
    editor = f"/meetings/{meeting.id}/round-table"
    url = f"{editor}/sections/{section.id}/rename"
    assert f'name="rename-{section.id}-version" type="hidden" value="1"' in second.get(editor).text
    name = f"rename-{section.id}-version"
    first_data = {f"rename-{section.id}-title": "Points forts", name: str(section.version)}
    stale_version = str(section.version)
    assert first.post(url, data=first_data).status_code == 302
    refused = second.post(url, data={f"rename-{section.id}-title": "Constats", name: stale_version})
    assert refused.status_code == 409 and STALE in refused.text
    assert 'value="Constats"' in refused.text
    db.session.expire_all()
    assert db.session.get(RoundTableSection, section.id).title == "Points forts"


def attendance_sheet(client, meeting) -> dict:
    return form_values(client.get(f"/meetings/{meeting.id}/attendance").text, "attendance-sheet")


def set_all(values: dict, status: str) -> dict:
    for name in [name for name in values if name.endswith("-status")]:
        values[name] = status
    return values


def test_second_secretary_saving_the_attendance_sheet_is_refused(two_secretaries, meeting):
    first, second = two_secretaries
    url = f"/meetings/{meeting.id}/attendance"
    first_sheet, second_sheet = attendance_sheet(first, meeting), attendance_sheet(second, meeting)
    assert first.post(url, data=set_all(first_sheet, "present")).status_code == 302
    second_sheet = set_all(second_sheet, "excused")
    title_field = next(name for name in second_sheet if name.endswith("-title"))
    second_sheet[title_field] = "Qualité tapée par la seconde"
    refused = second.post(url, data=second_sheet)
    assert refused.status_code == 409
    assert STALE in refused.text and "la feuille de présence" in refused.text
    assert "Qualité tapée par la seconde" in html.unescape(refused.text)
    shown = form_values(refused.text, "attendance-sheet")
    assert {shown[name] for name in shown if name.endswith("-status")} == {"excused"}
    db.session.expire_all()
    statuses = {attendance.status for attendance in
                db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))}
    assert statuses == {AttendanceStatus.PRESENT}
    assert db.session.get(Meeting, meeting.id).attendance_version == 2
    # Saving the refused page again (it now carries the current version) is a deliberate overwrite.
    assert second.post(url, data=shown).status_code == 302
    db.session.expire_all()
    statuses = {attendance.status for attendance in
                db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))}
    assert statuses == {AttendanceStatus.EXCUSED}


def test_a_sheet_posted_without_its_version_is_refused(secretariat_client, meeting):
    values = attendance_sheet(secretariat_client, meeting)
    del values["version"]
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=set_all(values, "present"))
    assert response.status_code == 409
    assert db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).all() == []


def test_second_secretary_editing_the_meeting_is_refused(two_secretaries, meeting):
    first, second = two_secretaries
    url = f"/meetings/{meeting.id}/edit"
    first_form, second_form = form_values(first.get(url).text), form_values(second.get(url).text)
    first_form["place"] = "Salle du conseil"
    assert first.post(url, data=first_form).status_code == 302
    second_form["context"] = "Contexte rédigé par la seconde secrétaire"
    refused = second.post(url, data=second_form)
    assert refused.status_code == 409 and STALE in refused.text and f'href="{url}"' in refused.text
    assert "Contexte rédigé par la seconde secrétaire" in refused.text
    db.session.expire_all()
    saved = db.session.get(Meeting, meeting.id)
    assert saved.place == "Salle du conseil" and saved.context == ""


def test_a_point_changed_between_loading_and_deleting_gives_a_french_409(app, secretariat_client, meeting, point,
                                                                         monkeypatch):
    """The race no posted version covers: the row's version changes under the request."""
    from app.roundtable import routes

    real_find_point = routes.find_point

    def find_then_concurrent_save(meeting, point_id):
        found = real_find_point(meeting, point_id)
        with db.engine.begin() as other_connection:  # another secretary's save, committed meanwhile
            other_connection.execute(RoundTablePoint.__table__.update()
                                     .where(RoundTablePoint.__table__.c.id == point_id)
                                     .values(text="Changé ailleurs", version=found.version + 1))
        return found

    monkeypatch.setattr(routes, "find_point", find_then_concurrent_save)
    response = secretariat_client.post(f"/meetings/{meeting.id}/round-table/points/{point.id}/delete")
    assert response.status_code == 409 and "au même moment" in response.text
    db.session.expire_all()
    assert db.session.get(RoundTablePoint, point.id).text == "Changé ailleurs"


def test_a_guest_added_meanwhile_keeps_what_the_second_secretary_typed(two_secretaries, meeting):
    first, second = two_secretaries
    url = f"/meetings/{meeting.id}/attendance"
    first_sheet, second_sheet = attendance_sheet(first, meeting), attendance_sheet(second, meeting)
    first_sheet.update(new_capacity="guest", new_civility="Mme", new_last_name="Invitée", new_first_name="Inès")
    assert first.post(url, data=set_all(first_sheet, "present")).status_code == 302
    title_field = next(name for name in second_sheet if name.endswith("-title"))
    second_sheet[title_field] = "Qualité tapée par la seconde"
    refused = second.post(url, data=set_all(second_sheet, "excused"))
    assert refused.status_code == 409 and STALE in refused.text
    shown = form_values(refused.text, "attendance-sheet")
    assert "Qualité tapée par la seconde" in shown.values()
    assert sorted(shown[name] for name in shown if name.endswith("-status")) == ["excused", "excused", "present"]
    assert "Mme INVITÉE Inès" in refused.text  # the current sheet, with the guest
    assert shown["version"] == "2"
    db.session.expire_all()
    statuses = {attendance.status for attendance in
                db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))}
    assert statuses == {AttendanceStatus.PRESENT}

"""How each present person took part in a meeting held both on site and by visio: chosen on the attendance
sheet, printed on their attestation de présence and read by the accountant's CSV of in-person attendance."""
from __future__ import annotations

import csv
import io

import pytest

from app.documents.typography import NBSP
from app.extensions import db
from app.models import Attendance, AttendanceStatus, Capacity
from app.models.meetings import ParticipationMode
from docx_reading import reopen
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_attendance_sheet import mark, recorded, row_of, sheet

PLACE, VISIO = "Hôtel de Région, Montpellier", "https://visio.example.fr/crsa-juin"
MODE_MESSAGE = "Choisissez « sur place » ou « en visio »."


def convened(body_name: str = "Commission mixte", **where):
    """A meeting of three convened members (Martin, Bernard, Petit), held ``where`` (place, visio_url)."""
    body = make_body(body_name)
    members = [add_member(body, name) for name in ("Martin", "Bernard", "Petit")]
    meeting = make_meeting(body, **where)
    return meeting, [membership.person for membership in members]


@pytest.fixture
def hybrid(app_context):
    return convened(place=PLACE, visio_url=VISIO)


def record(meeting, people_modes) -> None:
    """Attendances written straight (as older rows were): ``people_modes`` maps a person to a mode or None."""
    for position, (person, mode) in enumerate(people_modes.items(), start=1):
        meeting.attendances.append(Attendance(person=person, status=AttendanceStatus.PRESENT, capacity=Capacity.MEMBER,
                                              voting=True, position=position, **({"mode": mode} if mode else {})))
    db.session.commit()


def attestation_paragraphs(client, meeting, person) -> list[str]:
    response = client.get(f"/meetings/{meeting.id}/attendance-certificates/{person.id}.docx")
    assert response.status_code == 200
    return [paragraph.text for paragraph in reopen(response.data).paragraphs]


def csv_rows(client, meeting) -> list[list[str]]:
    response = client.get(f"/meetings/{meeting.id}/in-person-attendance.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))[1:]


def says(paragraphs: list[str], mode: str) -> bool:
    """Both sentences of the attestation that print the mode print ``mode``."""
    return (any(f"a participé {mode} à la séance suivante" in text for text in paragraphs)
            and f"Mode de participation{NBSP}: {mode}" in paragraphs)


def test_the_sheet_of_a_hybrid_meeting_records_each_present_persons_mode_and_shows_it_again(
        secretariat_client, hybrid):
    meeting, (martin, bernard, petit) = hybrid
    page = secretariat_client.get(f"/meetings/{meeting.id}/attendance").text
    values = form_values(page, "attendance-sheet")
    for person in (martin, bernard, petit):  # nothing recorded yet: « sur place » offered
        assert values[f"{row_of(values, person)}-mode"] == "on_site"
    assert f'aria-label="Participation de {martin.formal_name}"' in page
    assert ">Sur place</option>" in page and ">En visio</option>" in page
    mark(values, martin, "present")
    mark(values, bernard, "present")
    mark(values, petit, "absent")
    values[f"{row_of(values, bernard)}-mode"] = "remote"
    values[f"{row_of(values, petit)}-mode"] = "remote"  # not present: no mode kept
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    rows = recorded(meeting)
    assert rows[martin.id].mode is ParticipationMode.ON_SITE
    assert rows[bernard.id].mode is ParticipationMode.REMOTE
    assert rows[petit.id].mode is None
    values = sheet(secretariat_client, meeting)
    assert values[f"{row_of(values, martin)}-mode"] == "on_site"
    assert values[f"{row_of(values, bernard)}-mode"] == "remote"
    # Saved again with Bernard back on site: the recorded mode is replaced.
    values[f"{row_of(values, bernard)}-mode"] = "on_site"
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    assert recorded(meeting)[bernard.id].mode is ParticipationMode.ON_SITE


def test_attestations_and_the_in_person_csv_follow_each_persons_mode(secretariat_client, hybrid):
    meeting, (martin, bernard, petit) = hybrid
    values = sheet(secretariat_client, meeting)
    for person in (martin, bernard):
        mark(values, person, "present")
    mark(values, petit, "excused")
    values[f"{row_of(values, bernard)}-mode"] = "remote"
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302

    on_site = attestation_paragraphs(secretariat_client, meeting, martin)
    assert says(on_site, "sur place") and not any("visioconférence" in text for text in on_site)
    remote = attestation_paragraphs(secretariat_client, meeting, bernard)
    assert says(remote, "en visioconférence") and not any("sur place" in text for text in remote)

    rows = csv_rows(secretariat_client, meeting)
    assert [(row[5], row[3], row[9]) for row in rows] == [("MARTIN", PLACE, "sur place")]  # Bernard did not travel
    page = secretariat_client.get(f"/meetings/{meeting.id}").text  # the page's list of attestations says it
    assert f"{bernard.formal_name}</a> (en visioconférence)" in page
    assert f"{martin.formal_name}</a> (sur place)" in page


def test_a_place_only_meeting_asks_no_mode(secretariat_client, app_context):
    meeting, (martin, bernard, petit) = convened(place=PLACE)
    page = secretariat_client.get(f"/meetings/{meeting.id}/attendance").text
    values = form_values(page, "attendance-sheet")
    assert not any(name.endswith("-mode") for name in values)
    assert "En visio" not in page and "Participation de" not in page
    mark(values, martin, "present")
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    assert recorded(meeting)[martin.id].mode is None  # as the meeting: on site
    assert says(attestation_paragraphs(secretariat_client, meeting, martin), "sur place")
    assert [row[5] for row in csv_rows(secretariat_client, meeting)] == ["MARTIN"]


def test_a_visio_only_meeting_asks_no_mode_and_nobody_travelled(secretariat_client, app_context):
    meeting, (martin, bernard, petit) = convened(visio_url=VISIO)
    values = sheet(secretariat_client, meeting)
    assert not any(name.endswith("-mode") for name in values)
    mark(values, martin, "present")
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    assert says(attestation_paragraphs(secretariat_client, meeting, martin), "en visioconférence")
    assert csv_rows(secretariat_client, meeting) == []


def test_a_tampered_mode_is_refused_in_french_and_nothing_is_saved(secretariat_client, hybrid):
    meeting, (martin, bernard, petit) = hybrid
    values = sheet(secretariat_client, meeting)
    mark(values, martin, "present")
    mark(values, bernard, "present")
    values[f"{row_of(values, martin)}-title"] = "Président de séance"
    values[f"{row_of(values, bernard)}-mode"] = "teleportation"
    response = secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values)
    assert response.status_code == 422
    assert MODE_MESSAGE in response.text
    assert recorded(meeting) == {}
    kept = form_values(response.text, "attendance-sheet")  # what was typed comes back
    assert kept[f"{row_of(kept, martin)}-title"] == "Président de séance"
    assert kept[f"{row_of(kept, martin)}-status"] == "present"
    assert kept[f"{row_of(kept, bernard)}-status"] == "present"


def test_rows_recorded_before_the_mode_existed_keep_the_meetings_mode(secretariat_client, app_context):
    hybrid_meeting, (martin, bernard, petit) = convened(place=PLACE, visio_url=VISIO)
    record(hybrid_meeting, {martin: None, bernard: None})
    assert says(attestation_paragraphs(secretariat_client, hybrid_meeting, bernard), "sur place")
    assert [row[5] for row in csv_rows(secretariat_client, hybrid_meeting)] == ["BERNARD", "MARTIN"]
    values = sheet(secretariat_client, hybrid_meeting)  # the sheet offers the mode they print
    assert values[f"{row_of(values, bernard)}-mode"] == "on_site"

    visio_meeting, (martin, bernard, petit) = convened("Commission à distance", visio_url=VISIO)
    record(visio_meeting, {martin: None})
    assert says(attestation_paragraphs(secretariat_client, visio_meeting, martin), "en visioconférence")
    assert csv_rows(secretariat_client, visio_meeting) == []


def test_the_mode_of_an_attendance_is_its_own_else_the_meetings(app_context):
    from app.meetings.participation import participation_mode

    meeting, (martin, bernard, petit) = convened(place=PLACE, visio_url=VISIO)
    record(meeting, {martin: ParticipationMode.REMOTE, bernard: None})
    modes = {attendance.person_id: participation_mode(attendance, meeting) for attendance in meeting.attendances}
    assert modes == {martin.id: ParticipationMode.REMOTE, bernard.id: ParticipationMode.ON_SITE}
    meeting.place = "Visioconférence"
    assert participation_mode(meeting.attendances[1], meeting) is ParticipationMode.REMOTE


def test_a_mode_recorded_while_the_meeting_was_held_both_ways_is_kept_when_the_sheet_no_longer_asks(
        secretariat_client, hybrid):
    meeting, (martin, bernard, petit) = hybrid
    values = mark(mark(sheet(secretariat_client, meeting), martin, "present"), bernard, "present")
    values[f"{row_of(values, bernard)}-mode"] = "remote"
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    meeting.visio_url = ""  # the link taken off the meeting afterwards
    db.session.commit()
    values = sheet(secretariat_client, meeting)
    assert not any(name.endswith("-mode") for name in values)
    values[f"{row_of(values, martin)}-mode"] = "teleportation"  # not asked: ignored, not an unseen error
    mark(values, martin, "excused")
    assert secretariat_client.post(f"/meetings/{meeting.id}/attendance", data=values).status_code == 302
    rows = recorded(meeting)
    assert rows[bernard.id].mode is ParticipationMode.REMOTE and rows[martin.id].mode is None

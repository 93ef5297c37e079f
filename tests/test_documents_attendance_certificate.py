"""Attestations de présence (travel-cost reimbursement) and the CSV of in-person attendance."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.documents.typography import NBSP
from app.extensions import db
from app.models import Attendance, AttendanceStatus, Capacity, Civility, Person, User
from docx_reading import body_text, reopen
from tests.conftest import log_in


def present_member(demo) -> Attendance:
    return next(attendance for attendance in demo.attendances
                if attendance.status is AttendanceStatus.PRESENT and attendance.capacity is Capacity.MEMBER)


def test_secretariat_downloads_a_members_attestation_with_body_date_hours_place_and_mode(demo, secretariat_client):
    attendance = present_member(demo)
    response = secretariat_client.get(f"/meetings/{demo.id}/attendance-certificates/{attendance.person_id}.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=attestation-presence-2020-05-28-gt-covid-deconfinement-")
    document = reopen(response.data)
    text = body_text(document)
    assert document.paragraphs[0].text == "Attestation de présence"
    for line in (f"Instance{NBSP}: Groupe de travail CRSA COVID Déconfinement",
                 f"Date{NBSP}: jeudi 28 mai 2020", f"Horaires{NBSP}: de 10h00 à 12h00",
                 f"Mode de participation{NBSP}: en visioconférence", attendance.person.display_name):
        assert line in text
    assert document.core_properties.title == f"Attestation de présence — {attendance.person.display_name}"


def test_no_attestation_for_someone_not_present_and_members_get_only_their_own(demo, app, secretariat_client):
    excused = next(attendance for attendance in demo.attendances if attendance.status is AttendanceStatus.EXCUSED)
    assert secretariat_client.get(
        f"/meetings/{demo.id}/attendance-certificates/{excused.person_id}.docx").status_code == 404
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    own = next(attendance for attendance in demo.attendances if attendance.person_id == member.person_id)
    other = next(attendance for attendance in demo.attendances
                 if attendance.person_id != member.person_id and attendance.status is AttendanceStatus.PRESENT
                 and attendance.capacity is Capacity.MEMBER)
    client = log_in(app.test_client(), member, DEMO_PASSWORD)
    assert client.get(f"/meetings/{demo.id}/attendance-certificates/{own.person_id}.docx").status_code == 200
    assert client.get(f"/meetings/{demo.id}/attendance-certificates/{other.person_id}.docx").status_code == 403
    assert client.get(f"/meetings/{demo.id}/in-person-attendance.csv").status_code == 403
    page = client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "Mon attestation de présence" in page


def test_in_person_csv_lists_present_members_and_guests_of_a_meeting_held_on_site(demo, secretariat_client):
    assert secretariat_client.get(f"/meetings/{demo.id}/in-person-attendance.csv").data.decode("utf-8-sig") \
        .splitlines()[1:] == []  # held by visio: nobody travelled
    demo.place = "Hôtel de Région, Montpellier"
    guest = Person(organisation=demo.body.organisation, civility=Civility.MR, last_name="Auger", first_name="Luc")
    demo.attendances.append(Attendance(person=guest, status=AttendanceStatus.PRESENT, capacity=Capacity.GUEST,
                                       title="=HYPERLINK(\"x\")", position=99))
    db.session.commit()
    response = secretariat_client.get(f"/meetings/{demo.id}/in-person-attendance.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Instance", "Date", "Horaires", "Lieu", "Civilité", "Nom", "Prénom", "Qualité", "Au titre de",
                       "Mode"]
    present = [attendance for attendance in demo.attendances if attendance.status is AttendanceStatus.PRESENT
               and attendance.capacity is not Capacity.ARS_STAFF]
    assert len(rows) == 1 + len(present)
    auger = next(row for row in rows if row[5] == "AUGER")
    assert auger[1:4] == ["28/05/2020", "de 10h00 à 12h00", "Hôtel de Région, Montpellier"]
    assert auger[7:] == ["'=HYPERLINK(\"x\")", "Invité", "sur place"]
    names = [row[5] for row in rows[1:]]
    assert "RICARD" not in names  # ARS staff are not reimbursed

"""The demo data holds the seed-004 compte rendu exactly."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from app.demo import OTHER_ORGANISATION_NAME, SEED_CONCLUSION, SEED_STRONG_POINTS, SEED_THEMATICS, load_demo
from app.extensions import db
from app.formatting import to_paris
from app.models import Body, BodyKind, DeadlineKind, Meeting, MeetingStatus, Organisation, User, utc_now


def test_demo_creates_the_bodies_of_an_ars(demo):
    kinds = db.session.execute(select(Body.kind, func.count()).where(Body.organisation_id == demo.body.organisation_id)
                               .group_by(Body.kind)).all()
    assert dict(kinds) == {
        BodyKind.CRSA_PLENARY: 1,
        BodyKind.PERMANENT_COMMISSION: 1,
        BodyKind.SPECIALISED_COMMISSION: 4,
        BodyKind.CTS: 2,
        BodyKind.WORKING_GROUP: 1,
    }
    group = demo.body
    assert group.name == "Groupe de travail CRSA COVID Déconfinement"
    assert group.parent.short_name == "CRSA"


def test_seed_meeting_date_and_texts(demo):
    assert to_paris(demo.starts_at).date() == date(2020, 5, 28)
    assert demo.status is MeetingStatus.HELD
    assert demo.context.startswith("Le 25 mai le Premier ministre")
    assert "- Pilier n°3 : Simplifier radicalement les organisations" in demo.context
    assert demo.context.endswith("pris en compte dans le PLFSS.")
    assert demo.working_method.count("\n") == 4
    assert demo.working_method.startswith("Elargissement du périmètre du groupe de travail")
    assert demo.round_table_conclusion == SEED_CONCLUSION


def test_seed_attendance_twelve_present_two_excused_four_ars_staff(demo):
    present = [(a.person.formal_name, a.title) for a in demo.members_present]
    assert len(present) == 12
    assert present[0] == ("M. MARCHAND Laurent", "Président de la CRSA")
    assert ("Mme DURAND GOUDIN", "Directrice ERE OCCITANIE") in present
    assert present[-1] == ("Mme NOUGARET Dominique", "CD 34")
    assert [a.title for a in demo.members_excused] == ["URPS Infirmiers", "Président ERE Occitanie"]
    staff = [(a.person.display_name, a.title) for a in demo.staff_present]
    assert len(staff) == 4
    assert staff[0] == ("M. Pierre RICARD", "Directeur Général Adjoint")
    assert staff[3] == ("Mme Céline LE ROUX", "Assistante Démocratie Sanitaire (DUAJ)")
    assert demo.members_represented == [] and demo.guests_present == []


def test_seed_tour_de_table_sections_and_nested_points(demo):
    strong, thematics = demo.sections
    assert strong.title == "Points forts relevés"
    assert thematics.title == "Des thématiques mises en exergue durant la gestion de crise"
    assert [p.text for p in strong.top_level_points] == [text for text, _, _ in SEED_STRONG_POINTS]
    collaboration = strong.top_level_points[2]
    assert collaboration.text == "Emergence de nouvelles modalités de collaboration :"
    assert [p.text for p in collaboration.children] == SEED_STRONG_POINTS[2][1]
    assert len(collaboration.children) == 2
    assert [p.text for p in thematics.top_level_points] == [text for text, _ in SEED_THEMATICS]
    assert len(thematics.points) == 10


def test_seed_deadlines(demo):
    deadlines = demo.deadlines
    assert [(d.kind, d.due_date) for d in deadlines] == [
        (DeadlineKind.NEXT_MEETING, date(2020, 6, 3)),
        (DeadlineKind.NEXT_MEETING, date(2020, 6, 9)),
        (DeadlineKind.NEXT_MEETING, date(2020, 6, 16)),
        (DeadlineKind.NEXT_MEETING, date(2020, 6, 23)),
        (DeadlineKind.DUE_DATE, date(2020, 6, 20)),
    ]
    crsa, *group_meetings, syntheses = deadlines
    # « Réunion de la CRSA le 3 juin »: the plenary the demo holds that day, at its hour.
    assert crsa.body.short_name == "CRSA" and crsa.announced_meeting.title == "Séance plénière de la CRSA"
    assert crsa.due_at == crsa.announced_meeting.starts_at and to_paris(crsa.due_at).strftime("%H:%M") == "14:00"
    assert [to_paris(d.due_at).strftime("%H:%M") for d in group_meetings] == ["10:30", "14:30", "11:00"]
    assert all(d.announced_meeting.starts_at == d.due_at for d in group_meetings)
    assert group_meetings[0].due_at == datetime(2020, 6, 9, 8, 30, tzinfo=timezone.utc)
    assert syntheses.is_all_day and "Synthèses" in syntheses.title


def test_demo_has_upcoming_meetings_and_accounts(demo):
    upcoming = db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.starts_at > utc_now()))
    assert upcoming >= 4
    accounts = db.session.execute(select(Organisation.short_name, User.role).outerjoin(User.organisation)
                                  .order_by(User.id)).all()
    assert [(organisation, role.value) for organisation, role in accounts] == [
        ("ARS Occitanie", "admin"), ("ARS Occitanie", "secretariat"), ("ARS Occitanie", "member"),
        ("ARS Bretagne", "secretariat"), ("ARS Bretagne", "member"), (None, "national_admin")]


def test_demo_has_a_second_ars_with_its_own_bodies_people_meeting_and_accounts(demo):
    other = db.session.scalar(select(Organisation).where(Organisation.name == OTHER_ORGANISATION_NAME))
    assert [body.short_name for body in other.bodies] == ["CRSA Bretagne", "CTS 29", "GT Santé mentale"]
    meeting = db.session.scalar(select(Meeting).join(Body).where(Body.organisation_id == other.id))
    assert meeting.starts_at > utc_now() and len(meeting.invitations) == 4
    assert {invitation.person.organisation_id for invitation in meeting.invitations} == {other.id}


def test_demo_runs_once(demo):
    assert load_demo() is False
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2
    # seed 004, its 3 follow-ups, 2 held plenaries, 4 upcoming; the second ARS's one
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 11


def test_the_demo_inserted_again_is_the_demo_as_loaded(app, app_context, monkeypatch):
    """The tests' ``demo`` inserts again the rows the demo wrote the first time (tests/conftest.py): the same rows,
    the default themes named by their codes (their ids change from test to test on PostgreSQL)."""
    import app.demo as demo_module
    from app.models import Theme, ensure_default_themes
    from tests.conftest import _DEMO_ROWS, empty_tables, load_demo_again, read_demo_rows

    def demo_state() -> dict:
        codes = dict(db.session.execute(select(Theme.id, Theme.code)).all())
        rows = read_demo_rows(date.today()).rows
        themes = sorted((row["point_id"], codes[row["theme_id"]]) for row in rows["round_table_point_theme"])
        return {**rows, "round_table_point_theme": themes}

    _DEMO_ROWS.clear()
    load_demo_again()
    loaded = demo_state()
    assert len(loaded["person"]) > 100 and loaded["round_table_point_theme"]
    empty_tables()
    ensure_default_themes()
    db.session.commit()
    monkeypatch.setattr(demo_module, "load_demo", lambda: pytest.fail("the demo was built again"))
    load_demo_again()
    assert demo_state() == loaded

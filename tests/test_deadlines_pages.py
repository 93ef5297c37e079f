"""« Prochaines échéances »: a next meeting created in one step, a due date, and the list across bodies."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from app.extensions import db
from app.formatting import long_date, paris_datetime, paris_today, to_paris
from app.models import Deadline, DeadlineKind, Meeting
from tests.admin_factories import make_body, make_organisation, make_person, member_client, seat
from tests.query_count import counted_queries, fresh_session


def make_meeting(body, day: date) -> Meeting:
    start = paris_datetime(day, 10)
    meeting = Meeting(body=body, title=f"Réunion {body.name}", starts_at=start, ends_at=start + timedelta(hours=2))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def test_a_next_meeting_deadline_creates_the_meeting(secretariat_client, demo):
    group_member = demo.body.memberships[0].person
    response = secretariat_client.post(f"/meetings/{demo.id}/deadlines/next-meeting", data={
        "prochaine-body_id": str(demo.body_id), "prochaine-title": "Réunion du groupe de travail",
        "prochaine-day": "2020-06-30", "prochaine-starts": "10:30", "prochaine-ends": "12:00",
        "prochaine-place": "Visioconférence", "prochaine-a_posteriori": "y"})
    assert response.status_code == 302
    deadline = db.session.scalar(select(Deadline).where(Deadline.title == "Réunion du groupe de travail"))
    announced = deadline.announced_meeting
    assert deadline.kind is DeadlineKind.NEXT_MEETING and deadline.body_id == demo.body_id
    assert deadline.due_date == date(2020, 6, 30) and deadline.due_at == announced.starts_at
    assert announced.starts_at == datetime(2020, 6, 30, 8, 30, tzinfo=timezone.utc)
    assert announced.body_id == demo.body_id and announced.place == "Visioconférence"
    assert group_member.id in {invitation.person_id for invitation in announced.invitations}
    assert deadline.position == 6  # after the five deadlines of seed 004
    page = secretariat_client.get(f"/meetings/{demo.id}").text
    assert "Réunion du groupe de travail le mardi 30 juin 2020 à 10h30" in page


def test_a_due_date_deadline_with_or_without_time(secretariat_client, demo):
    response = secretariat_client.post(f"/meetings/{demo.id}/deadlines/due-date", data={
        "butoir-title": "Synthèses attendues", "butoir-day": "20/06/2020", "butoir-at": ""})
    assert response.status_code == 302
    response = secretariat_client.post(f"/meetings/{demo.id}/deadlines/due-date", data={
        "butoir-title": "Contributions des CTS", "butoir-day": "2020-06-25", "butoir-at": "18:00"})
    assert response.status_code == 302
    all_day = db.session.scalar(select(Deadline).where(Deadline.title == "Synthèses attendues"))
    timed = db.session.scalar(select(Deadline).where(Deadline.title == "Contributions des CTS"))
    assert all_day.kind is DeadlineKind.DUE_DATE and all_day.due_date == date(2020, 6, 20) and all_day.is_all_day
    assert timed.due_at == datetime(2020, 6, 25, 16, 0, tzinfo=timezone.utc)
    page = secretariat_client.get(f"/meetings/{demo.id}/deadlines").text
    assert "Synthèses attendues le samedi 20 juin 2020" in page
    assert "Contributions des CTS le jeudi 25 juin 2020 à 18h00" in page


def test_deadline_errors_are_french_and_nothing_is_created(secretariat_client, demo):
    meetings_before = db.session.scalar(select(func.count(Meeting.id)))
    deadlines_before = db.session.scalar(select(func.count(Deadline.id)))
    response = secretariat_client.post(f"/meetings/{demo.id}/deadlines/next-meeting", data={
        "prochaine-body_id": str(demo.body_id), "prochaine-title": "Réunion",
        "prochaine-day": "2020-06-30", "prochaine-starts": "12:00", "prochaine-ends": "10:00"})
    assert response.status_code == 422
    assert "L&#39;heure de fin doit être après l&#39;heure de début." in response.text
    assert 'id="prochaine-ends-erreurs"' in response.text
    response = secretariat_client.post(f"/meetings/{demo.id}/deadlines/due-date", data={
        "butoir-title": "", "butoir-day": "bientôt"})
    assert response.status_code == 422
    assert "Saisissez l&#39;intitulé de l&#39;échéance." in response.text and "Date invalide" in response.text
    assert db.session.scalar(select(func.count(Meeting.id))) == meetings_before
    assert db.session.scalar(select(func.count(Deadline.id))) == deadlines_before


def test_an_echeance_before_its_meeting_gets_a_french_message(secretariat_client, demo):
    before = (db.session.scalar(select(func.count(Meeting.id))), db.session.scalar(select(func.count(Deadline.id))))
    meeting_day = to_paris(demo.starts_at).date()
    earlier = (meeting_day - timedelta(days=1)).isoformat()
    message = (f"Une échéance ne peut pas précéder sa séance : choisissez le {long_date(meeting_day)} "
               "ou une date postérieure.")
    response = secretariat_client.post(f"/meetings/{demo.id}/deadlines/due-date", data={
        "butoir-title": "Contributions", "butoir-day": earlier})
    assert response.status_code == 422
    assert f'<p id="butoir-day-erreurs" class="fr-error-text">{message}</p>' in response.text
    assert 'value="Contributions"' in response.text
    response = secretariat_client.post(f"/meetings/{demo.id}/deadlines/next-meeting", data={
        "prochaine-body_id": str(demo.body_id), "prochaine-title": "Réunion suivante",
        "prochaine-day": earlier, "prochaine-starts": "10:00", "prochaine-ends": "12:00"})
    assert response.status_code == 422
    assert f'<p id="prochaine-day-erreurs" class="fr-error-text">{message}</p>' in response.text
    assert (db.session.scalar(select(func.count(Meeting.id))),
            db.session.scalar(select(func.count(Deadline.id)))) == before
    response = secretariat_client.post(f"/meetings/{demo.id}/deadlines/due-date", data={
        "butoir-title": "Le jour même", "butoir-day": meeting_day.isoformat()})
    assert response.status_code == 302


def test_deleting_a_deadline_keeps_the_meeting_it_announced(secretariat_client, demo):
    deadline = next(d for d in demo.deadlines if d.announced_meeting is not None)
    announced_id = deadline.announced_meeting_id
    assert f'href="/deadlines/{deadline.id}/delete"' in secretariat_client.get(f"/meetings/{demo.id}/deadlines").text
    confirm = secretariat_client.get(f"/deadlines/{deadline.id}/delete")
    assert confirm.status_code == 200 and f"L&#39;échéance « {deadline.title} »" in confirm.text
    assert f"La réunion du {long_date(deadline.announced_meeting.starts_at)} qu&#39;elle annonce reste planifiée" \
        in confirm.text
    assert db.session.get(Deadline, deadline.id) is not None, "asking deletes nothing"
    response = secretariat_client.post(f"/deadlines/{deadline.id}/delete")
    assert response.status_code == 302
    assert db.session.get(Deadline, deadline.id) is None
    assert db.session.get(Meeting, announced_id) is not None


def test_upcoming_deadlines_across_bodies_filtered_and_paginated(secretariat_client, app_context):
    organisation = make_organisation()
    crsa, cts = make_body(organisation, "CRSA"), make_body(organisation, "CTS 31")
    today = paris_today()
    crsa_meeting, cts_meeting = make_meeting(crsa, today), make_meeting(cts, today)
    db.session.add_all([
        Deadline(meeting=crsa_meeting, kind=DeadlineKind.DUE_DATE, title="Avis de la CRSA",
                 due_date=today + timedelta(days=10)),
        Deadline(meeting=crsa_meeting, kind=DeadlineKind.DUE_DATE, title="Échéance passée",
                 due_date=today - timedelta(days=1)),
        *[Deadline(meeting=cts_meeting, kind=DeadlineKind.DUE_DATE, title=f"Contribution {n:02d}",
                   due_date=today + timedelta(days=n)) for n in range(1, 27)],
    ])
    db.session.commit()
    page = secretariat_client.get("/deadlines").text
    assert "27 échéance(s) à venir" in page and "Échéance passée" not in page
    assert "Contribution 01" in page and "Contribution 26" not in page and "Page suivante" in page
    assert "Contribution 26" in secretariat_client.get("/deadlines?page=2").text
    filtered = secretariat_client.get(f"/deadlines?body={crsa.id}").text
    assert "1 échéance(s) à venir" in filtered and "Avis de la CRSA" in filtered and "Contribution" not in filtered
    cts_page = secretariat_client.get(f"/deadlines?body={cts.id}").text
    assert f"/deadlines?body={cts.id}&amp;page=2" in cts_page  # the next page keeps the filter


def test_members_see_the_deadlines_of_their_bodies_only(app, app_context):
    organisation = make_organisation()
    crsa, cts = make_body(organisation, "CRSA"), make_body(organisation, "CTS 31")
    member = make_person(organisation, "Membre", "Anne")
    seat(member, cts)
    today = paris_today()  # the list's « today »: a deadline due on it is still upcoming
    crsa_meeting, cts_meeting = make_meeting(crsa, today), make_meeting(cts, today)
    db.session.add_all([
        Deadline(meeting=crsa_meeting, kind=DeadlineKind.DUE_DATE, title="Réservé à la CRSA",
                 due_date=today + timedelta(days=3)),
        Deadline(meeting=cts_meeting, kind=DeadlineKind.DUE_DATE, title="Pour le CTS",
                 due_date=today + timedelta(days=3)),
    ])
    db.session.commit()
    announced_at_crsa = make_meeting(cts, today + timedelta(days=20))
    db.session.add(Deadline(meeting=crsa_meeting, kind=DeadlineKind.NEXT_MEETING, title="Prochain CTS", body=cts,
                            due_date=today + timedelta(days=20), announced_meeting=announced_at_crsa))
    db.session.commit()
    page = member_client(app, member).get("/deadlines").text
    assert "Pour le CTS" in page and "Réservé à la CRSA" not in page
    assert f'value="{crsa.id}"' not in page  # the filter offers their bodies only
    # a meeting of their body announced at another body's meeting: listed, without a link to that meeting
    assert "Prochain CTS" in page and f'/meetings/{crsa_meeting.id}"' not in page
    assert f'/meetings/{announced_at_crsa.id}"' in page


def test_deadlines_of_a_meeting_in_the_bin_leave_the_list(app, secretariat_client, app_context):
    from app.models import utc_now

    organisation = make_organisation()
    cts = make_body(organisation, "CTS 31")
    member = make_person(organisation, "Membre", "Anne")
    seat(member, cts)
    today = paris_today()
    kept, binned = make_meeting(cts, today), make_meeting(cts, today - timedelta(days=7))
    db.session.add_all([
        Deadline(meeting=kept, kind=DeadlineKind.DUE_DATE, title="Retour des avis", due_date=today + timedelta(days=3)),
        Deadline(meeting=binned, kind=DeadlineKind.DUE_DATE, title="Saisie par erreur",
                 due_date=today + timedelta(days=4)),
    ])
    binned.deleted_at = utc_now()
    db.session.commit()
    for page in (secretariat_client.get("/deadlines").text, member_client(app, member).get("/deadlines").text,
                 secretariat_client.get(f"/deadlines?body={cts.id}").text):
        assert "1 échéance(s) à venir" in page and "Retour des avis" in page and "Saisie par erreur" not in page


def test_a_body_lists_the_deadlines_set_at_its_meetings_and_those_announcing_one(app, secretariat_client,
                                                                                  app_context):
    """Both ways a deadline concerns a body, with ``?body=`` too; the announcement of a meeting in the bin
    leaves the list, as a deadline set at one does; a deadline due today is still upcoming."""
    from app.models import utc_now

    organisation = make_organisation()
    crsa, cts = make_body(organisation, "CRSA"), make_body(organisation, "CTS 31")
    member = make_person(organisation, "Membre", "Anne")
    seat(member, cts)
    today = paris_today()
    crsa_meeting, cts_meeting = make_meeting(crsa, today), make_meeting(cts, today)
    next_cts, next_crsa = make_meeting(cts, today + timedelta(days=5)), make_meeting(crsa, today + timedelta(days=6))
    db.session.add_all([
        Deadline(meeting=crsa_meeting, kind=DeadlineKind.NEXT_MEETING, title="Prochain CTS", body=cts,
                 due_date=today + timedelta(days=5), announced_meeting=next_cts),
        Deadline(meeting=cts_meeting, kind=DeadlineKind.NEXT_MEETING, title="Prochaine CRSA", body=crsa,
                 due_date=today + timedelta(days=6), announced_meeting=next_crsa),
        Deadline(meeting=cts_meeting, kind=DeadlineKind.DUE_DATE, title="Avis du jour", due_date=today),
    ])
    next_crsa.deleted_at = utc_now()
    db.session.commit()

    def listed(page):
        return {title for title in ("Prochain CTS", "Prochaine CRSA", "Avis du jour") if title in page}

    assert listed(secretariat_client.get("/deadlines").text) == {"Prochain CTS", "Avis du jour"}
    assert listed(secretariat_client.get(f"/deadlines?body={crsa.id}").text) == {"Prochain CTS"}
    assert listed(secretariat_client.get(f"/deadlines?body={cts.id}").text) == {"Prochain CTS", "Avis du jour"}
    assert listed(member_client(app, member).get("/deadlines").text) == {"Prochain CTS", "Avis du jour"}


def test_the_deadlines_page_runs_as_many_queries_for_many_rows_as_for_few(secretariat_client, app_context):
    organisation = make_organisation()
    today = paris_today()

    def add_deadlines(count):
        for number in range(count):
            body = make_body(organisation, f"Instance {len(organisation.bodies)}")
            announced = make_meeting(body, today + timedelta(days=5))
            db.session.add(Deadline(meeting=make_meeting(body, today), kind=DeadlineKind.NEXT_MEETING, body=body,
                                    title=f"Réunion {number}", due_date=today + timedelta(days=5),
                                    announced_meeting=announced))
        db.session.commit()

    add_deadlines(2)
    with counted_queries() as few:
        assert secretariat_client.get("/deadlines").status_code == 200
    add_deadlines(10)
    with counted_queries() as many:
        assert "12 échéance(s) à venir" in secretariat_client.get("/deadlines").text
    assert few and len(many) == len(few)


def test_a_next_meeting_in_the_past_needs_saisie_a_posteriori(secretariat_client, app_context):
    """The « prochaine réunion » échéance creates a meeting: the planning forms' rule applies."""
    body = make_body(make_organisation())
    today = to_paris(datetime.now(timezone.utc)).date()
    meeting = make_meeting(body, today - timedelta(days=30))
    before = (db.session.scalar(select(func.count(Meeting.id))), db.session.scalar(select(func.count(Deadline.id))))
    past_day = today - timedelta(days=2)
    form = {"prochaine-body_id": str(body.id), "prochaine-title": "Réunion suivante", "prochaine-day": past_day.isoformat(),
            "prochaine-starts": "10:00", "prochaine-ends": "12:00", "prochaine-place": "Salle Ségur"}
    response = secretariat_client.post(f"/meetings/{meeting.id}/deadlines/next-meeting", data=form)
    assert response.status_code == 422
    message = (f"Le {past_day:%d/%m/%Y} est passé : pour enregistrer une séance déjà tenue, "
               "cochez « Saisie a posteriori ».").replace("'", "&#39;")
    assert f'<p id="prochaine-day-erreurs" class="fr-error-text">{message}</p>' in response.text
    assert 'value="Salle Ségur"' in response.text and 'name="prochaine-a_posteriori"' in response.text
    assert (db.session.scalar(select(func.count(Meeting.id))),
            db.session.scalar(select(func.count(Deadline.id)))) == before
    assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/next-meeting",
                                   data={**form, "prochaine-a_posteriori": "y"}).status_code == 302
    upcoming = {**form, "prochaine-day": (today + timedelta(days=20)).isoformat()}
    assert secretariat_client.post(f"/meetings/{meeting.id}/deadlines/next-meeting", data=upcoming).status_code == 302


def test_adding_a_due_date_says_what_was_added_in_five_statements(secretariat_client, demo):
    """The message is worded before the commit (reading the rows after it would load them again) and the
    next-meeting form's bodies are read only to show a refused form again."""
    meeting_id = demo.id
    fresh_session()
    with counted_queries() as statements:
        response = secretariat_client.post(f"/meetings/{meeting_id}/deadlines/due-date", data={
            "butoir-title": "Contributions des CTS", "butoir-day": "2020-06-25", "butoir-at": "18:00"})
    assert response.status_code == 302
    assert response.location.endswith(f"/meetings/{meeting_id}/deadlines?saved=meeting-{meeting_id}-deadline-due-date")
    # The account, the meeting with its body and minutes (may it change?), the last position, the row, its audit
    # entry.
    assert len(statements) == 5
    page = secretariat_client.get(response.location).text
    assert "Échéance ajoutée : Contributions des CTS le jeudi 25 juin 2020 à 18h00." in page

"""A member finds their meetings under « Mes séances » and searches the meetings they may see."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (
    AgendaItem,
    Body,
    Capacity,
    Invitation,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Organisation,
    Role,
    RoundTablePoint,
    RoundTableSection,
)
from tests.conftest import create_user, log_in
from tests.meeting_factories import add_member, make_body, make_meeting


@pytest.fixture
def world(app, app_context):
    """A member of the CTS, convened once as a guest to a meeting of another body they do not sit in."""
    cts = make_body("CTS de l'Hérault")
    membership = add_member(cts, "Membre")
    other = make_body("CSOS", organisation=cts.organisation)
    add_member(other, "Autre")
    today = date.today()
    upcoming = make_meeting(cts, day=today + timedelta(days=10), title="Séance de rentrée",
                            place="Montpellier", visio_url="https://visio.example.fr/cts")
    upcoming.agenda_items = [AgendaItem(position=1, title="Approbation du compte rendu")]
    cancelled = make_meeting(cts, day=today + timedelta(days=20), title="Séance reportée",
                             status=MeetingStatus.CANCELLED)
    past = make_meeting(cts, day=date(2020, 5, 28), title="Séance du printemps")
    past.minutes = Minutes(status=MinutesStatus.PUBLISHED)
    draft_minutes = make_meeting(cts, day=date(2020, 4, 2), title="Séance d'avril")
    draft_minutes.minutes = Minutes(status=MinutesStatus.DRAFT)
    foreign = make_meeting(other, day=today + timedelta(days=5), title="Séance de la CSOS")
    convened = make_meeting(other, day=today + timedelta(days=3), title="Séance ouverte aux invités", convene=[])
    convened.invitations.append(Invitation(person=membership.person, capacity=Capacity.GUEST))
    db.session.commit()
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=membership.person))
    return member, locals()


def test_member_sees_upcoming_and_past_meetings_of_their_bodies(world):
    member, w = world
    page = member.get("/mes-seances").text
    upcoming_part, past_part = page.split("<h2>Passées</h2>")
    for title in ("Séance de rentrée", "Séance reportée", "Séance ouverte aux invités"):
        assert title in upcoming_part, title
    assert upcoming_part.index("Séance ouverte aux invités") < upcoming_part.index("Séance de rentrée")
    assert "Séance de la CSOS" not in page
    assert "Séance du printemps" in past_part and "jeudi 28 mai 2020, de 14h00 à 16h00" in past_part
    assert "Montpellier" in upcoming_part and "https://visio.example.fr/cts" in upcoming_part
    assert "Approbation du compte rendu" in upcoming_part
    assert 'Annulée</span>' in upcoming_part
    assert f'/meetings/{w["past"].id}/minutes.docx' in past_part
    assert f'/meetings/{w["draft_minutes"].id}/minutes.docx' not in page


def test_an_invitation_to_a_meeting_of_another_ars_stays_out_of_mes_seances(world):
    """The page lists the meetings of the member's own ARS only, whatever else names their person."""
    member, w = world
    corse = make_body("CRSA de Corse", organisation=Organisation(name="ARS Corse"))
    elsewhere = make_meeting(corse, day=date.today() + timedelta(days=4), title="Séance en Corse", convene=[])
    elsewhere.invitations.append(Invitation(person=w["membership"].person))
    db.session.commit()
    page = member.get("/mes-seances").text
    assert "Séance de rentrée" in page and "Séance en Corse" not in page


def test_past_meetings_are_paginated(world):
    member, w = world
    for month in range(1, 13):
        make_meeting(w["cts"], day=date(2019, month, 3), title=f"Séance 2019-{month:02d}")
    first = member.get("/mes-seances").text
    second = member.get("/mes-seances?page=2").text
    assert "Page 1 sur 2" in first and "Séance du printemps" in first and "Séance 2019-01" not in first
    assert "Séance 2019-01" in second and "Séance du printemps" not in second
    beyond = member.get("/mes-seances?page=3")  # no row to carry the number: counted apart
    assert beyond.status_code == 200 and "Aucune séance passée." in beyond.text and "Séance de rentrée" in beyond.text


def test_user_without_person_has_an_explained_empty_agenda(app, app_context):
    client = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    page = client.get("/mes-seances").text
    assert "Votre compte n'est relié à aucune personne" in page
    assert "Aucune séance à venir." in page and "Aucune séance passée." in page


def test_agenda_queries_do_not_grow_with_meetings(world):
    from tests.query_count import count_queries, fresh_session

    member, w = world
    cts_id = w["cts"].id
    fresh_session()
    before = count_queries(member, "/mes-seances")
    cts = db.session.get(Body, cts_id)
    for day in range(1, 8):
        meeting = make_meeting(cts, day=date(2020, 3, day), title=f"Séance de mars {day}")
        meeting.agenda_items = [AgendaItem(position=1, title="Point unique")]
        meeting.minutes = Minutes(status=MinutesStatus.PUBLISHED)
    db.session.commit()
    fresh_session()
    assert count_queries(member, "/mes-seances") == before


def add_points(meeting, *texts):
    section = RoundTableSection(position=1, title="Points forts relevés")
    meeting.sections.append(section)
    for position, text in enumerate(texts, start=1):
        section.points.append(RoundTablePoint(position=position, text=text))
    db.session.commit()


def search(client, **params):
    response = client.get("/recherche", query_string=params)
    return response.status_code, response.text


def test_search_finds_text_of_points_title_and_context_whatever_the_case(world):
    member, w = world
    add_points(w["past"], "Avancée considérable de la TÉLÉMÉDECINE dans les territoires")
    w["draft_minutes"].context = "Contexte : crise sanitaire et téléconsultation."
    db.session.commit()
    status, page = search(member, texte="considérable de la")
    assert status == 200 and "1 séance trouvée" in page and "Séance du printemps" in page
    assert "<mark>considérable de la</mark>" in page
    status, page = search(member, texte="CRISE SANITAIRE")
    assert "Séance d&#39;avril" in page and "<mark>crise sanitaire</mark>" in page
    status, page = search(member, texte="télémédecine")  # accented capitals fold on every database
    assert "Séance du printemps" in page and "<mark>TÉLÉMÉDECINE</mark>" in page
    status, page = search(member, texte="rentrée")
    assert "Séance de rentrée" in page and "1 séance trouvée" in page
    status, page = search(member, texte="100%")
    assert "0 séance trouvée" in page  # % is searched for, not a wildcard


def test_search_never_shows_meetings_of_other_bodies(world):
    member, w = world
    add_points(w["foreign"], "Sujet confidentiel de la CSOS")
    status, page = search(member, texte="confidentiel")
    assert "0 séance trouvée" in page and "Séance de la CSOS" not in page
    status, page = search(member, instance=str(w["other"].id))
    assert status == 422 and "Choisissez une instance dans la liste." in page


def test_search_filters_by_body_and_date_range(world):
    member, w = world
    status, page = search(member, du="2020-04-01", au="2020-05-31")
    assert "2 séances trouvées" in page and "Séance du printemps" in page and "Séance d&#39;avril" in page
    status, page = search(member, du="2020-05-28", au="2020-05-28")
    assert "1 séance trouvée" in page and "Séance du printemps" in page
    status, page = search(member, instance=str(w["cts"].id), au="2020-04-30")
    assert "1 séance trouvée" in page and "Séance d&#39;avril" in page


def test_search_explains_a_reversed_or_invalid_date_range(world):
    member, w = world
    status, page = search(member, du="2020-06-01", au="2020-05-01", texte="printemps")
    assert status == 422
    assert "La date « au » doit être le même jour que la date « du » ou après." in page
    assert 'value="printemps"' in page and 'value="2020-06-01"' in page
    status, page = search(member, du="31/02/2020")
    assert status == 422 and "Date invalide" in page


def test_search_results_are_paginated(world):
    member, w = world
    for day in range(1, 13):
        make_meeting(w["cts"], day=date(2021, 1, day), title=f"Séance hivernale {day}")
    status, page = search(member, texte="hivernale")
    assert "12 séances trouvées" in page and "Page 1 sur 2" in page
    status, page = search(member, texte="hivernale", page=2)
    assert "Séance hivernale 1<" in page.replace("\n", "") or "Séance hivernale 1</a>" in page
    assert "Séance hivernale 12" not in page


def test_visitors_must_log_in(client, app_context):
    for url in ("/mes-seances", "/recherche"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("path", ["/mes-seances", "/deadlines"])
def test_the_largest_page_number_shows_an_empty_page(world, path):
    """The largest ?page= accepted (an id's maximum) makes an offset beyond PostgreSQL's INTEGER: the
    statements built once bind it as BIGINT, and the page answers empty rather than failing."""
    member, _ = world
    response = member.get(f"{path}?page=2147483647")
    assert response.status_code == 200 and "Page 2147483647" not in response.text

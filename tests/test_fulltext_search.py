"""The search reads the database's full-text index (PostgreSQL French tsvector, SQLite FTS5): singular
and plural, accents or not, best match first, words marked, the index following every change."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import inspect

from app.agenda.fulltext import highlight
from app.extensions import db
from app.models import RoundTablePoint, RoundTableSection
from tests.meeting_factories import make_body, make_meeting


def add_points(meeting, *texts):
    section = RoundTableSection(position=1, title="Points forts relevés")
    meeting.sections.append(section)
    section.points.extend(RoundTablePoint(position=position, text=text) for position, text in enumerate(texts, 1))
    db.session.commit()
    return section.points


def excerpts(page: str) -> list[str]:
    return re.findall(r'<p class="agenda-excerpt">« (.*?) »</p>', page)


def titles_found(client, text: str) -> list[str]:
    page = client.get("/recherche", query_string={"texte": text}).get_data(as_text=True)
    return [title for title in ("Séance d'hiver", "Séance de printemps", "Séance d'été")
            if title.replace("'", "&#39;") in page], page


def test_plural_and_accents_fold_and_the_best_match_comes_first(app_context, secretariat_client):
    body = make_body("CRSA Occitanie")
    winter = make_meeting(body, day=date(2021, 1, 14), title="Séance d'hiver")
    spring = make_meeting(body, day=date(2022, 4, 7), title="Séance de printemps")
    summer = make_meeting(body, day=date(2023, 7, 6), title="Séance d'été")
    add_points(winter, "Les HÔPITAUX de proximité manquent de médecins ; hôpitaux de jour, hôpitaux de nuit")
    add_points(spring, "Un long échange sur les transports sanitaires, la permanence des soins, les urgences, "
                       "l'accès aux spécialistes et, en passant, l'hôpital de Lodève")
    add_points(summer, "Rien sur ce sujet")

    found, page = titles_found(secretariat_client, "hôpital")
    assert found == ["Séance d'hiver", "Séance de printemps"]
    assert page.index("Séance d&#39;hiver") < page.index("Séance de printemps")  # three mentions before one
    assert "<mark>HÔPITAUX</mark>" in page and "<mark>hôpital</mark>" in page
    assert titles_found(secretariat_client, "hopitaux")[0] == ["Séance d'hiver", "Séance de printemps"]
    assert titles_found(secretariat_client, "aucunmotdecetype")[0] == []
    assert titles_found(secretariat_client, "été")[0] == ["Séance d'été"]  # the title is indexed too


def test_the_index_follows_edits_and_deletions(app_context, secretariat_client):
    body = make_body("CTS du Gard")
    meeting = make_meeting(body, day=date(2021, 3, 4), title="Séance de mars")
    point, = add_points(meeting, "Vaccination des enfants")
    assert "1 séance trouvée" in secretariat_client.get("/recherche?texte=vaccination").text
    point.text = "Dépistage organisé"
    db.session.commit()
    assert "0 séance trouvée" in secretariat_client.get("/recherche?texte=vaccination").text
    assert "1 séance trouvée" in secretariat_client.get("/recherche?texte=dépistages").text
    db.session.delete(point)
    db.session.commit()
    assert "0 séance trouvée" in secretariat_client.get("/recherche?texte=dépistage").text
    meeting.title = "Séance sur la dépendance"
    db.session.commit()
    assert "1 séance trouvée" in secretariat_client.get("/recherche?texte=dépendance").text


def test_the_database_holds_the_index(app_context):
    names = {index["name"] for index in inspect(db.engine).get_indexes("round_table_point")}
    if db.engine.dialect.name == "postgresql":
        assert "search_point_text" in names
        assert "search_meeting_text" in {index["name"] for index in inspect(db.engine).get_indexes("meeting")}
    else:
        tables = set(inspect(db.engine).get_table_names())
        assert {"search_point", "search_meeting"} <= tables


def test_highlight_marks_every_form_of_the_words_and_keeps_neighbours_together():
    excerpt = highlight("Crise sanitaire : les Hôpitaux et l'hôpital public", "hôpital crise sanitaire")
    assert [part for part, marked in excerpt.parts if marked] == ["Crise sanitaire", "Hôpitaux", "hôpital"]
    assert "".join(part for part, _ in excerpt.parts) == "Crise sanitaire : les Hôpitaux et l'hôpital public"
    assert highlight("Rien à voir", "hôpital") is None


def test_the_excerpt_comes_from_the_best_point_the_user_may_read(app, app_context, secretariat_client):
    """The ranking also picks each meeting's best point (more mentions first, then the first made); a
    member never gets an excerpt, nor a result, from the points of minutes not yet published."""
    from app.models import Minutes, MinutesStatus, Role
    from tests.conftest import create_user, log_in
    from tests.meeting_factories import add_member

    body = make_body("CRSA Bretagne")
    membership = add_member(body, "Membre")
    published = make_meeting(body, day=date(2021, 5, 6), title="Séance publiée")
    published.minutes = Minutes(status=MinutesStatus.PUBLISHED)
    add_points(published, "Une fois la vaccination", "Vaccination : vaccination, vaccination",
               "Vaccination et vaccination")
    draft = make_meeting(body, day=date(2021, 6, 3), title="Séance en brouillon",
                         context="Contexte : la vaccination des soignants.")
    draft.minutes = Minutes(status=MinutesStatus.DRAFT)
    add_points(draft, "Vaccination vaccination vaccination vaccination : point confidentiel")
    hidden = make_meeting(body, day=date(2021, 7, 1), title="Séance sans compte rendu")
    add_points(hidden, "Vaccination des résidents")

    page = secretariat_client.get("/recherche?texte=vaccination").text
    assert "3 séances trouvées" in page
    assert excerpts(page) == ["<mark>Vaccination vaccination vaccination vaccination</mark> : point confidentiel",
                              "<mark>Vaccination : vaccination, vaccination</mark>", "<mark>Vaccination</mark> des résidents"]

    member = log_in(app.test_client(), create_user(Role.MEMBER, person=membership.person))
    page = member.get("/recherche?texte=vaccination").text
    assert "2 séances trouvées" in page  # the draft by its context only; not the one without minutes
    assert "Séance en brouillon" in page and "Séance sans compte rendu" not in page
    assert sorted(excerpts(page)) == ["<mark>Vaccination : vaccination, vaccination</mark>",
                                      "Contexte : la <mark>vaccination</mark> des soignants."]


def test_the_search_page_runs_the_same_statements_for_one_result_or_a_page_of_many(app_context,
                                                                                 secretariat_client):
    """The user, the bodies of the form, one ranked query (with the best points' texts), the page's
    meetings with their body, minutes and agendas: four statements, whatever the results; three when nothing
    matches."""
    from app.models import AgendaItem, Minutes, MinutesStatus
    from tests.query_count import count_queries, fresh_session

    counts = []
    for size in (1, 15):
        body = make_body(f"Instance de {size}")
        for number in range(size):
            meeting = make_meeting(body, day=date(2020, 1, 1 + number), title=f"Séance {number} sur le thème {size}x",
                                   convene=[])
            meeting.agenda_items = [AgendaItem(position=1, title="Ouverture"), AgendaItem(position=2, title="Suite")]
            meeting.minutes = Minutes(status=MinutesStatus.PUBLISHED)
            add_points(meeting, f"Le thème {size}x, premier point", f"Encore le thème {size}x")
        fresh_session()
        counts.append(count_queries(secretariat_client, f"/recherche?texte={size}x"))
    assert counts == [4, 4]
    fresh_session()
    assert count_queries(secretariat_client, "/recherche?texte=xylophonie") == 3


def test_a_point_of_the_tour_de_table_knows_its_meeting(app_context):
    """``round_table_point.meeting_id`` (read by the search) is its section's, however the point is made."""
    body = make_body("CTS de l'Aude")
    meeting = make_meeting(body, title="Séance de l'Aude", convene=[])
    by_section, = add_points(meeting, "Par la section")
    by_id = RoundTablePoint(section_id=by_section.section_id, position=2, text="Par l'identifiant")
    db.session.add(by_id)
    db.session.commit()
    assert by_section.meeting_id == by_id.meeting_id == meeting.id


def test_points_of_equal_score_give_the_excerpt_of_the_first_made(app_context, secretariat_client):
    """Ties between a meeting's points go to the first made (the aggregate of PostgreSQL, the window of SQLite);
    a meeting found by its title alone has no best point: its excerpt comes from its context."""
    body = make_body("CTS de la Lozère")
    both = make_meeting(body, day=date(2022, 2, 3), title="Séance de février")
    add_points(both, "Rien à signaler", "Vaccination des mineurs", "Vaccination des adultes")
    titled = make_meeting(body, day=date(2022, 3, 3), title="Séance vaccination",
                          context="Ordre du jour : vaccination.")
    add_points(titled, "Sans rapport")
    page = secretariat_client.get("/recherche?texte=vaccination").text
    assert "2 séances trouvées" in page
    assert sorted(excerpts(page)) == ["<mark>Vaccination</mark> des mineurs",
                                      "Ordre du jour : <mark>vaccination</mark>."]


def test_postgresql_reads_the_words_of_the_question_once_per_statement(app_context):
    """Each ``plainto_tsquery`` of the ranked statement is a scalar subquery (an InitPlan, run once): in the
    generic plan of a prepared statement a bare call ran again for every matching point."""
    from app.agenda.queries import ranked_search

    if db.engine.dialect.name != "postgresql":
        return
    for staff in (True, False):
        page, count = ranked_search("postgresql", staff, frozenset())
        for statement in (page, count):
            sql = str(statement.compile(dialect=db.engine.dialect))
            assert sql.count("plainto_tsquery(") == sql.count("(SELECT plainto_tsquery(") == 4

"""The search reads the database's full-text index (PostgreSQL French tsvector, SQLite FTS5): singular
and plural, accents or not, best match first, words marked, the index following every change."""
from __future__ import annotations

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

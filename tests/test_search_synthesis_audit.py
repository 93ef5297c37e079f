"""Audit of the search as users read it: ligatures, elisions, the same results on both databases."""
from __future__ import annotations

from datetime import date

from app.agenda.fulltext import highlight
from tests.meeting_factories import make_body, make_meeting
from tests.test_fulltext_search import add_points


def found(client, text: str) -> str:
    return client.get("/recherche", query_string={"texte": text}).get_data(as_text=True)


def test_the_ligature_oe_is_found_on_both_databases(app_context, secretariat_client):
    body = make_body("CRSA Occitanie")
    meeting = make_meeting(body, day=date(2022, 4, 7), title="Séance de printemps")
    add_points(meeting, "La mise en œuvre du projet régional de santé")
    assert "1 séance trouvée" in found(secretariat_client, "œuvre")
    assert "<mark>œuvre</mark>" in found(secretariat_client, "œuvre")


def test_an_elided_article_does_not_restrict_nor_mark(app_context, secretariat_client):
    body = make_body("CRSA Occitanie")
    meeting = make_meeting(body, day=date(2022, 4, 7), title="Séance de printemps")
    add_points(meeting, "Projet d'hôpital de proximité à Millau")
    page = found(secretariat_client, "l'hôpital")
    assert "1 séance trouvée" in page


def test_highlight_does_not_mark_every_word_starting_with_an_elided_letter():
    excerpt = highlight("Le projet de l'hôpital, les lits et la dialyse", "l'hôpital")
    marked = [part for part, is_marked in excerpt.parts if is_marked]
    assert marked == ["l'hôpital"]
    excerpt = highlight("La santé des jeunes, la dialyse et les laboratoires", "la santé")
    assert [part for part, is_marked in excerpt.parts if is_marked] == ["La santé"]



def test_a_stop_word_of_the_question_finds_the_same_on_both_databases(app_context, secretariat_client):
    body = make_body("CRSA Occitanie")
    meeting = make_meeting(body, day=date(2022, 4, 7), title="Séance de printemps")
    add_points(meeting, "Santé mentale des jeunes")
    assert "1 séance trouvée" in found(secretariat_client, "la santé mentale")
    assert "0 séance trouvée" in found(secretariat_client, "de la")  # PostgreSQL finds nothing from stop words alone


def test_a_number_after_a_hyphen_is_found_on_both_databases(app_context, secretariat_client):
    """PostgreSQL's parser reads « covid-19 » and « 2018-2028 » as a word and a negative number (« -19 »),
    « EHPAD/USLD » and « L.1434-2 » as one word each."""
    body = make_body("CRSA Occitanie")
    meeting = make_meeting(body, day=date(2022, 4, 7), title="Séance de printemps")
    add_points(meeting, "Bilan de la crise covid-19 et révision du PRS 2018-2028")
    other = make_meeting(body, day=date(2022, 6, 9), title="Séance de juin")
    add_points(other, "Places en EHPAD/USLD selon l'article L.1434-2")
    assert "1 séance trouvée" in found(secretariat_client, "covid-19")
    assert "1 séance trouvée" in found(secretariat_client, "2028")
    assert "<mark>covid-19</mark>" in found(secretariat_client, "covid-19")
    assert "Séance de juin" in found(secretariat_client, "usld") and "Séance de juin" in found(secretariat_client, "ehpad")
    assert "Séance de juin" in found(secretariat_client, "L.1434")

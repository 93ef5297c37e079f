"""The secretariat captures the tour de table: sections, nested points, order, and no text lost."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.meetings.defaults import DEFAULT_SECTION_TITLES
from app.models import Role, RoundTablePoint, RoundTableSection, Theme, utc_now
from app.roundtable.outline import flatten_points
from tests.conftest import create_user, log_in
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting


@pytest.fixture
def meeting(app_context):
    body = make_body("Commission de test")
    add_member(body, "Martin")
    add_member(body, "Bernard")
    return make_meeting(body)


def editor(meeting) -> str:
    return f"/meetings/{meeting.id}/round-table"


def add_defaults(client, meeting):
    assert client.post(f"{editor(meeting)}/default-sections").status_code == 302
    db.session.expire_all()
    return list(db.session.scalars(select(RoundTableSection).where(RoundTableSection.meeting_id == meeting.id)
                                   .order_by(RoundTableSection.position)))


def add_point(client, meeting, section, text, parent=None, **fields):
    prefix = f"section-{section.id}"
    data = {f"{prefix}-text": text, f"{prefix}-parent": str(parent.id) if parent else ""}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    response = client.post(f"{editor(meeting)}/sections/{section.id}/points", data=data)
    assert response.status_code == 302, response.text
    return db.session.scalar(select(RoundTablePoint).where(RoundTablePoint.text == text))


def texts_in_order(section) -> list[tuple[str, int]]:
    db.session.expire_all()
    return [(point.text, depth) for point, depth in flatten_points(db.session.get(RoundTableSection, section.id).points)]


def test_default_sections_are_added_once(secretariat_client, meeting):
    page = secretariat_client.get(editor(meeting)).text
    assert "Ajouter les sections par défaut" in page
    sections = add_defaults(secretariat_client, meeting)
    assert [section.title for section in sections] == list(DEFAULT_SECTION_TITLES)
    assert add_defaults(secretariat_client, meeting) == sections
    assert "Ajouter les sections par défaut" not in secretariat_client.get(editor(meeting)).text


def test_points_nest_at_any_depth_and_read_in_order(secretariat_client, meeting):
    strong = add_defaults(secretariat_client, meeting)[0]
    first = add_point(secretariat_client, meeting, strong, "Nouvelles collaborations")
    child = add_point(secretariat_client, meeting, strong, "Entre public et privé", parent=first)
    add_point(secretariat_client, meeting, strong, "Avec les collectivités", parent=child)
    add_point(secretariat_client, meeting, strong, "Avec l'ARS", parent=first)
    add_point(secretariat_client, meeting, strong, "Télémédecine")
    assert texts_in_order(strong) == [("Nouvelles collaborations", 0), ("Entre public et privé", 1),
                                      ("Avec les collectivités", 2), ("Avec l'ARS", 1), ("Télémédecine", 0)]
    page = secretariat_client.get(f"/meetings/{meeting.id}").text
    positions = [page.index(text) for text in ("Nouvelles collaborations", "Entre public et privé",
                                               "Avec les collectivités", "Avec l&#39;ARS", "Télémédecine")]
    assert positions == sorted(positions)
    nested = re.search(r"Entre public et privé.*?<ul>\s*<li>Avec les collectivités", page, re.S)
    assert nested, "the sub-sub-point is nested under its parent on the meeting page"


def test_point_with_speaker_themes_and_proposal(secretariat_client, meeting):
    proposals = add_defaults(secretariat_client, meeting)[3]
    speaker = meeting.invitations[1].person
    pillar = db.session.scalar(select(Theme).where(Theme.code == "pilier-1"))
    point = add_point(secretariat_client, meeting, proposals, "Revaloriser les métiers du soin",
                      speaker=str(speaker.id), themes=str(pillar.id), is_proposal="y")
    assert point.is_proposal and point.speaker_id == speaker.id and [t.code for t in point.themes] == ["pilier-1"]
    page = secretariat_client.get(f"/meetings/{meeting.id}").text
    assert "Revaloriser les métiers du soin" in page and speaker.display_name in page
    assert pillar.name in page


def test_a_person_in_the_bin_is_no_longer_offered_as_speaker_and_a_point_naming_them_keeps_them(
        secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    binned = meeting.invitations[0].person
    point = add_point(secretariat_client, meeting, section, "Point de la personne supprimée", speaker=str(binned.id))
    binned.deleted_at = utc_now()
    db.session.commit()
    speakers = re.search(rf'name="section-{section.id}-speaker".*?</select>', secretariat_client.get(editor(meeting)).text,
                         re.S).group(0)
    assert f'<option value="{binned.id}"' not in speakers and f'<option value="{meeting.invitations[1].person_id}"' in speakers
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/points", data={
        f"section-{section.id}-text": "Nouveau point", f"section-{section.id}-speaker": str(binned.id)})
    assert response.status_code == 422
    assert "Choisissez l&#39;intervenant(e) parmi les participants de la séance." in response.text
    edit_url = f"{editor(meeting)}/points/{point.id}/edit"
    values = form_values(secretariat_client.get(edit_url).text)
    assert values["speaker"] == str(binned.id)
    values["text"] = "Point de la personne supprimée, précisé"
    assert secretariat_client.post(edit_url, data=values).status_code == 302
    db.session.expire_all()
    point = db.session.get(RoundTablePoint, point.id)
    assert point.text == "Point de la personne supprimée, précisé" and point.speaker_id == binned.id


def test_validation_error_gives_back_what_was_typed(secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    long_text = "Un long point du tour de table, tapé pendant dix minutes. " * 20
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/points", data={
        f"section-{section.id}-text": long_text, f"section-{section.id}-speaker": "999999"})
    assert response.status_code == 422
    assert "Choisissez l&#39;intervenant(e) parmi les participants de la séance." in response.text
    assert f'aria-describedby="section-{section.id}-speaker-erreurs"' in response.text
    assert '="None"' not in response.text  # fields without error carry no empty ARIA attribute
    values = form_values(response.text)
    assert values[f"section-{section.id}-text"] == long_text
    assert db.session.scalar(select(RoundTablePoint.id)) is None
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/points",
                                       data={f"section-{section.id}-text": "  "})
    assert response.status_code == 422 and "Saisissez le texte du point." in response.text


def test_point_is_edited_on_its_own_page(secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    parent = add_point(secretariat_client, meeting, section, "Parent")
    point = add_point(secretariat_client, meeting, section, "Texte initial", parent=parent)
    url = f"{editor(meeting)}/points/{point.id}/edit"
    values = form_values(secretariat_client.get(url).text)
    assert values["text"] == "Texte initial" and values["parent"] == str(parent.id)
    values.update(text="Texte corrigé", parent="")
    response = secretariat_client.post(url, data=values)
    assert response.status_code == 302
    assert f"saved=meeting-{meeting.id}-point-{point.id}" in response.location
    assert texts_in_order(section) == [("Parent", 0), ("Texte corrigé", 0)]
    # A point cannot become its own sub-point (the parent list leaves it and its sub-points out).
    response = secretariat_client.post(f"{editor(meeting)}/points/{parent.id}/edit",
                                       data={"text": "Parent", "parent": str(parent.id)})
    assert response.status_code == 422
    assert "Ce point parent n&#39;existe plus dans cette section" in response.text
    response = secretariat_client.post(url, data={"text": ""})
    assert response.status_code == 422 and "Saisissez le texte du point." in response.text


def test_points_and_sections_are_reordered(secretariat_client, meeting):
    sections = add_defaults(secretariat_client, meeting)
    first, second = sections[0], sections[1]
    for text in ("Un", "Deux", "Trois"):
        add_point(secretariat_client, meeting, first, text)
    three = db.session.scalar(select(RoundTablePoint).where(RoundTablePoint.text == "Trois"))
    assert secretariat_client.post(f"{editor(meeting)}/points/{three.id}/move/up").status_code == 302
    assert [text for text, _ in texts_in_order(first)] == ["Un", "Trois", "Deux"]
    secretariat_client.post(f"{editor(meeting)}/points/{three.id}/move/up")
    secretariat_client.post(f"{editor(meeting)}/points/{three.id}/move/up")  # already first: no change
    assert [text for text, _ in texts_in_order(first)] == ["Trois", "Un", "Deux"]
    assert secretariat_client.post(f"{editor(meeting)}/sections/{second.id}/move/up").status_code == 302
    db.session.expire_all()
    titles = db.session.scalars(select(RoundTableSection.title).where(RoundTableSection.meeting_id == meeting.id)
                                .order_by(RoundTableSection.position)).all()
    assert titles[:2] == [DEFAULT_SECTION_TITLES[1], DEFAULT_SECTION_TITLES[0]]
    assert secretariat_client.post(f"{editor(meeting)}/points/{three.id}/move/sideways").status_code == 404



def add_family(client, meeting):
    """« Parent » with a child and a grandchild, and a « Voisin » after it, in the first default section;
    returns the section, the parent and its child."""
    section = add_defaults(client, meeting)[0]
    parent = add_point(client, meeting, section, "Parent")
    child = add_point(client, meeting, section, "Enfant", parent=parent)
    add_point(client, meeting, section, "Petit-enfant", parent=child)
    add_point(client, meeting, section, "Voisin")
    return section, parent, child


def test_deleting_a_point_deletes_its_sub_points(secretariat_client, meeting):
    section, parent, child = add_family(secretariat_client, meeting)
    editor_page = secretariat_client.get(editor(meeting)).text
    assert f'href="{editor(meeting)}/points/{parent.id}/delete"' in editor_page  # a link to the confirmation
    confirm = secretariat_client.get(f"{editor(meeting)}/points/{parent.id}/delete")
    assert confirm.status_code == 200
    assert "Le point « Parent » et ses 2 sous-points seront supprimés." in confirm.text
    assert 'name="csrf_token"' in confirm.text and "Oui, supprimer le point" in confirm.text
    single = secretariat_client.get(f"{editor(meeting)}/points/{child.id}/delete").text
    assert "Le point « Enfant » et son sous-point seront supprimés." in single
    assert len(texts_in_order(section)) == 4, "asking deletes nothing"
    assert secretariat_client.post(f"{editor(meeting)}/points/{parent.id}/delete").status_code == 302
    assert texts_in_order(section) == [("Voisin", 0)]


def test_sections_are_added_renamed_and_deleted(secretariat_client, meeting):
    response = secretariat_client.post(f"{editor(meeting)}/sections", data={"new-section-title": ""})
    assert response.status_code == 422 and "Saisissez le titre de la section." in response.text
    response = secretariat_client.post(f"{editor(meeting)}/sections", data={"new-section-title": "Divers"})
    assert response.status_code == 302
    section = db.session.scalar(select(RoundTableSection).where(RoundTableSection.title == "Divers"))
    add_point(secretariat_client, meeting, section, "Un point divers")
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/rename",
                                       data={f"rename-{section.id}-title": ""})
    assert response.status_code == 422
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/rename",
                                       data={f"rename-{section.id}-title": "Questions diverses",
                                             f"rename-{section.id}-version": str(section.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(RoundTableSection, section.id).title == "Questions diverses"
    confirm = secretariat_client.get(f"{editor(meeting)}/sections/{section.id}/delete").text
    assert "La section « Questions diverses » et son point seront supprimés" in confirm
    assert db.session.get(RoundTableSection, section.id) is not None, "asking deletes nothing"
    assert secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(RoundTableSection.id)) is None
    assert db.session.scalar(select(RoundTablePoint.id)) is None


def test_editor_keeps_drafts_in_the_browser(secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    page = secretariat_client.get(editor(meeting)).text
    assert f'data-draft="meeting-{meeting.id}-section-{section.id}"' in page
    assert "/static/js/drafts.js" in page and "<script>" not in page
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/points",
                                       data={f"section-{section.id}-text": "Gardé"})
    assert f"saved=meeting-{meeting.id}-section-{section.id}" in response.location


def test_a_post_after_logout_goes_to_login_without_error(app, meeting):
    staff = create_user(Role.SECRETARIAT)
    client = log_in(app.test_client(), staff)
    section = add_defaults(client, meeting)[0]
    client.post("/logout")
    response = client.post(f"{editor(meeting)}/sections/{section.id}/points",
                           data={f"section-{section.id}-text": "Tapé pendant que la session expirait"})
    assert response.status_code == 302 and "/login" in response.location
    assert db.session.scalar(select(RoundTablePoint.id)) is None
    # Logging in again leads (by GET) to the page of the form, i.e. the editor, where the draft waits.
    next_url = response.location.split("next=")[1].replace("%2F", "/")
    log_in(client, staff)
    back = client.get(next_url)
    assert back.status_code == 302 and back.location.endswith(editor(meeting))


def test_editor_queries_do_not_grow_with_points(secretariat_client, meeting):
    from tests.query_count import count_queries, fresh_session

    section = add_defaults(secretariat_client, meeting)[0]
    add_point(secretariat_client, meeting, section, "Premier", speaker=str(meeting.invitations[0].person.id))
    meeting_id, section_id = meeting.id, section.id
    fresh_session()
    few = count_queries(secretariat_client, f"/meetings/{meeting_id}/round-table")
    # The account; the meeting with its body and minutes (may it change?); the sections with their points, the
    # points' themes; the themes and people offered: not the attendance, agenda or échéances.
    assert few == 6
    fresh_session()
    section = db.session.get(RoundTableSection, section_id)
    pillars = db.session.scalars(select(Theme)).all()
    speaker = db.session.get(type(meeting), meeting_id).invitations[0].person
    parent = None
    for index in range(20):
        parent = RoundTablePoint(text=f"Point {index}", position=index, parent=parent if index % 3 else None,
                                 themes=pillars[:2], speaker=speaker)
        section.points.append(parent)
    db.session.commit()
    fresh_session()
    assert count_queries(secretariat_client, f"/meetings/{meeting_id}/round-table") == few


def test_adding_a_point_reads_its_section_not_the_whole_meeting(secretariat_client, meeting):
    """A point added without the script: the permission check, the section and its points, the themes and
    people it may name, the new row and its audit entry; as many statements with a crowded meeting, and the
    meeting not read again after the commit."""
    from tests.query_count import counted_queries, fresh_session

    sections = add_defaults(secretariat_client, meeting)
    add_point(secretariat_client, meeting, sections[0], "Déjà là")
    meeting_id, section_id = meeting.id, sections[0].id
    data = {f"section-{section_id}-text": "Premier", f"section-{section_id}-parent": ""}

    def statements_to_add_a_point() -> int:
        fresh_session()
        with counted_queries() as statements:
            response = secretariat_client.post(f"{editor(meeting)}/sections/{section_id}/points", data=data)
        assert response.status_code == 302
        assert response.location.endswith(f"/round-table?saved=meeting-{meeting_id}-section-{section_id}"
                                           f"#section-{section_id}")
        return len(statements)

    few = statements_to_add_a_point()
    # The account; the meeting with its body and minutes (may it change?); the section with its points, their
    # themes; the themes and people offered; the new point and its audit entry.
    assert few == 8
    fresh_session()
    pillars = db.session.scalars(select(Theme)).all()
    for other in db.session.scalars(select(RoundTableSection).where(RoundTableSection.meeting_id == meeting_id)):
        for index in range(10):
            other.points.append(RoundTablePoint(text=f"Point {index}", position=index, themes=pillars[:2]))
    body = db.session.get(type(meeting), meeting_id).body
    for index in range(10):
        add_member(body, f"Nouveau {index}")
    db.session.commit()
    assert statements_to_add_a_point() == few
    assert [text for text, _ in texts_in_order(sections[0])].count("Premier") == 2


def test_a_point_cannot_be_added_to_another_meetings_section(secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    other = make_meeting(meeting.body, title="Autre séance")
    response = secretariat_client.post(f"{editor(other)}/sections/{section.id}/points",
                                       data={f"section-{section.id}-text": "Égaré"})
    assert response.status_code == 404
    assert db.session.scalar(select(RoundTablePoint).where(RoundTablePoint.text == "Égaré")) is None


def test_members_cannot_edit_the_round_table(app, client, meeting):
    staff = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    section = add_defaults(staff, meeting)[0]
    point = add_point(staff, meeting, section, "Un point")
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=meeting.invitations[0].person))
    base = editor(meeting)
    routes = [("get", base), ("post", f"{base}/default-sections"), ("post", f"{base}/sections"),
              ("post", f"{base}/sections/{section.id}/rename"), ("post", f"{base}/sections/{section.id}/move/up"),
              ("post", f"{base}/sections/{section.id}/delete"), ("post", f"{base}/sections/{section.id}/points"),
              ("get", f"{base}/points/{point.id}/edit"), ("post", f"{base}/points/{point.id}/edit"),
              ("post", f"{base}/points/{point.id}/move/down"), ("post", f"{base}/points/{point.id}/delete")]
    for method, url in routes:
        assert getattr(member, method)(url).status_code == 403, url
    for method, url in routes:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.location, url
    assert "Tour de table</a>" not in member.get(f"/meetings/{meeting.id}").text
    db.session.expire_all()
    assert db.session.get(RoundTablePoint, point.id).text == "Un point"


# --- In place: the page's script (js/in-place.js) posts the same forms with « X-Requested-With: fetch » and
# gets back the changed part of the page, rendered from the same templates (app/fragments.py).

FETCH = {"X-Requested-With": "fetch"}


def fragment_of(response) -> tuple[str, str]:
    """(the element the answer replaces, the French message announced)."""
    from urllib.parse import unquote

    assert "<html" not in response.text, "a fragment, not the whole page"
    return response.headers["X-Fragment-Target"], unquote(response.headers.get("X-Fragment-Message", ""))


def without_submission_tokens(html: str) -> str:
    return re.sub(r'(name="[^"]*submission_token" type="hidden" value=")[^"]*"', r'\1…"', html)


def test_in_place_a_point_is_added_and_the_section_comes_back(secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    prefix = f"section-{section.id}"
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/points", headers=FETCH,
                                       data={f"{prefix}-text": "Ajouté sans recharger", f"{prefix}-parent": ""})
    assert response.status_code == 200
    assert fragment_of(response) == (f"section-{section.id}", "Point ajouté.")
    assert response.headers["X-Draft-Saved"] == f"meeting-{meeting.id}-section-{section.id}"
    assert response.text.lstrip().startswith(f'<section id="section-{section.id}"')
    assert "Ajouté sans recharger" in response.text
    assert form_values(response.text)[f"{prefix}-text"] == "", "the add form comes back empty"
    assert texts_in_order(section) == [("Ajouté sans recharger", 0)]
    # The section in the whole page is the very same markup: one template for both (but the add form's token,
    # new in each form shown: app/submissions.py).
    page = secretariat_client.get(editor(meeting)).text
    assert without_submission_tokens(response.text.strip()) in without_submission_tokens(page)
    assert "Point ajouté." not in page, "the message was announced in place, not left for the next page"


def test_in_place_a_refused_point_comes_back_with_its_errors_and_what_was_typed(secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    prefix = f"section-{section.id}"
    typed = "Un long point tapé en séance. " * 30
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/points", headers=FETCH,
                                       data={f"{prefix}-text": typed, f"{prefix}-speaker": "999999"})
    assert response.status_code == 422
    assert fragment_of(response) == (f"section-{section.id}",
                                     "Le point n'est pas enregistré : corrigez les champs signalés.")
    assert "Choisissez l&#39;intervenant(e) parmi les participants de la séance." in response.text
    assert form_values(response.text)[f"{prefix}-text"] == typed
    assert "X-Draft-Saved" not in response.headers, "the browser keeps the draft"
    assert db.session.scalar(select(RoundTablePoint.id)) is None


def test_in_place_a_point_is_edited_inside_the_list(secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    point = add_point(secretariat_client, meeting, section, "Texte initial")
    url = f"{editor(meeting)}/points/{point.id}/edit"
    form = secretariat_client.get(url, headers=FETCH)
    assert form.status_code == 200 and fragment_of(form) == (f"edit-point-{point.id}", "")
    values = form_values(form.text)
    assert values["text"] == "Texte initial"
    # The same form as on the point's own page (one template).
    assert form.text.strip() in secretariat_client.get(url).text
    stale = dict(values, text="Écrit sur une version ancienne", version=str(int(values["version"]) - 1))
    response = secretariat_client.post(url, headers=FETCH, data=stale)
    assert response.status_code == 409
    target, message = fragment_of(response)
    assert target == f"edit-point-{point.id}" and message.startswith("Quelqu'un a modifié ce point")
    assert form_values(response.text)["text"] == "Écrit sur une version ancienne", "nothing typed is lost"
    response = secretariat_client.post(url, headers=FETCH, data=dict(values, text=""))
    assert response.status_code == 422 and "Saisissez le texte du point." in response.text
    response = secretariat_client.post(url, headers=FETCH, data=dict(values, text="Texte corrigé"))
    assert response.status_code == 200
    assert fragment_of(response) == (f"section-{section.id}", "Point modifié.")
    assert response.headers["X-Draft-Saved"] == f"meeting-{meeting.id}-point-{point.id}"
    assert "Texte corrigé" in response.text and texts_in_order(section) == [("Texte corrigé", 0)]


def test_in_place_points_are_moved(secretariat_client, meeting):
    section = add_defaults(secretariat_client, meeting)[0]
    for text in ("Un", "Deux"):
        add_point(secretariat_client, meeting, section, text)
    two = db.session.scalar(select(RoundTablePoint).where(RoundTablePoint.text == "Deux"))
    response = secretariat_client.post(f"{editor(meeting)}/points/{two.id}/move/up", headers=FETCH)
    assert response.status_code == 200 and fragment_of(response) == (f"section-{section.id}", "Point monté.")
    assert response.text.index("Deux") < response.text.index("Un")
    response = secretariat_client.post(f"{editor(meeting)}/points/{two.id}/move/up", headers=FETCH)
    assert fragment_of(response)[1] == "Point déjà en tête : rien n'a changé."
    assert [text for text, _ in texts_in_order(section)] == ["Deux", "Un"]
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/move/down", headers=FETCH)
    assert fragment_of(response) == ("roundtable-editor", "Section descendue.")
    assert response.text.lstrip().startswith('<div id="roundtable-editor">')


def test_in_place_deleting_a_point_asks_first_in_a_dialog(secretariat_client, meeting):
    section, parent, child = add_family(secretariat_client, meeting)
    url = f"{editor(meeting)}/points/{parent.id}/delete"
    question = secretariat_client.get(url, headers=FETCH)
    assert question.status_code == 200 and fragment_of(question) == ("in-place-dialog", "")
    assert "Supprimer ce point ?" in question.text
    assert "Le point « Parent » et ses 2 sous-points seront supprimés." in question.text
    assert f'action="{url}"' in question.text and "Oui, supprimer le point" in question.text
    assert len(texts_in_order(section)) == 4, "asking deletes nothing"
    response = secretariat_client.post(url, headers=FETCH)
    assert fragment_of(response) == (f"section-{section.id}", "Point supprimé avec ses sous-points.")
    assert "Enfant" not in response.text and "Voisin" in response.text
    assert texts_in_order(section) == [("Voisin", 0)]


def test_in_place_sections_are_added_renamed_and_deleted(secretariat_client, meeting):
    response = secretariat_client.post(f"{editor(meeting)}/default-sections", headers=FETCH)
    assert fragment_of(response) == ("roundtable-editor", "Sections par défaut ajoutées.")
    response = secretariat_client.post(f"{editor(meeting)}/sections", headers=FETCH,
                                       data={"new-section-title": "   "})
    assert response.status_code == 422
    assert fragment_of(response) == ("roundtable-editor", "La section n'est pas enregistrée : corrigez le titre.")
    response = secretariat_client.post(f"{editor(meeting)}/sections", headers=FETCH,
                                       data={"new-section-title": "Divers"})
    assert fragment_of(response) == ("roundtable-editor", "Section « Divers » ajoutée.")
    assert form_values(response.text)["new-section-title"] == ""
    section = db.session.scalar(select(RoundTableSection).where(RoundTableSection.title == "Divers"))
    rename = f"{editor(meeting)}/sections/{section.id}/rename"
    response = secretariat_client.post(rename, headers=FETCH, data={
        f"rename-{section.id}-title": "Questions diverses", f"rename-{section.id}-version": str(section.version - 1)})
    assert response.status_code == 409 and fragment_of(response)[0] == f"section-{section.id}"
    assert form_values(response.text)[f"rename-{section.id}-title"] == "Questions diverses"
    response = secretariat_client.post(rename, headers=FETCH, data={
        f"rename-{section.id}-title": "Questions diverses", f"rename-{section.id}-version": str(section.version)})
    assert fragment_of(response) == (f"section-{section.id}", "Section renommée.")
    question = secretariat_client.get(f"{editor(meeting)}/sections/{section.id}/delete", headers=FETCH)
    assert "La section « Questions diverses », vide, sera supprimée." in question.text
    response = secretariat_client.post(f"{editor(meeting)}/sections/{section.id}/delete", headers=FETCH)
    assert fragment_of(response) == ("roundtable-editor", "Section « Questions diverses » supprimée, avec ses points.")
    assert "Questions diverses" not in response.text


def test_in_place_refusals_are_the_usual_french_answers(app, meeting):
    from tests.meeting_factories import make_meeting as another_meeting
    from app.models import Organisation

    staff = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    section = add_defaults(staff, meeting)[0]
    point = add_point(staff, meeting, section, "Un point")
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=meeting.invitations[0].person))
    for method, url in (("post", f"{editor(meeting)}/sections/{section.id}/points"),
                        ("get", f"{editor(meeting)}/points/{point.id}/delete"),
                        ("post", f"{editor(meeting)}/points/{point.id}/move/up")):
        response = getattr(member, method)(url, headers=FETCH)
        assert response.status_code == 403 and "Accès refusé" in response.text, url
        assert "X-Fragment-Target" not in response.headers
    # Another ARS's meeting, a point gone: 404, as without the script.
    elsewhere = Organisation(name="ARS ailleurs", short_name="ARS A")
    db.session.add(elsewhere)
    other = another_meeting(make_body("Autre CRSA", organisation=elsewhere))
    db.session.commit()
    assert staff.post(f"/meetings/{other.id}/round-table/default-sections", headers=FETCH).status_code == 404
    response = staff.post(f"{editor(meeting)}/points/999999/move/up", headers=FETCH)
    assert response.status_code == 404 and "Page introuvable" in response.text
    db.session.expire_all()
    assert db.session.get(RoundTablePoint, point.id).text == "Un point"


def test_in_place_an_expired_page_is_said_in_place_and_nothing_is_deleted(isolated_app):
    from tests.test_expired_forms import csrf_token, log_in_with_token, new_user

    app = isolated_app("in-place-csrf", WTF_CSRF_ENABLED=True)
    with app.app_context():
        meeting = make_meeting(make_body("Commission de test"))
        section = RoundTableSection(position=1, title="Divers", points=[RoundTablePoint(text="À garder", position=1)])
        meeting.sections.append(section)
        db.session.commit()
        url = f"{editor(meeting)}/points/{section.points[0].id}/delete"
    client = app.test_client()
    log_in_with_token(client, new_user(app, Role.SECRETARIAT))
    response = client.post(url, headers=FETCH, data={"csrf_token": "perime"})
    assert response.status_code == 400
    target, message = fragment_of(response)
    assert target == "in-place-dialog" and "rien n'a été enregistré" in message
    assert "Le point « À garder » sera supprimé." in response.text, "the question again, with a fresh token"
    assert "trop longtemps" not in client.get(url.split("/points")[0]).text, "said once, in place"
    response = client.post(url, headers=FETCH, data={"csrf_token": csrf_token(response.text)})
    assert fragment_of(response)[1] == "Point supprimé."

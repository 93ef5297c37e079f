"""Forms posted twice (a double tap, two tabs, « Renvoyer »), one after the other or at the same moment: a French
message, never a 500, nothing written twice. The default sections of the tour de table, a move in the dossier,
« Convoquer les membres de l'instance qui ne le sont pas encore »."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from app.extensions import db
from app.meetings.defaults import DEFAULT_SECTION_TITLES
from app.models import Capacity, Invitation, Membership, Role, RoundTableSection
from app.models.dossier import MeetingDocument
from tests.conftest import create_user, log_in
from tests.dossier_files import PDF, upload
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.test_submitted_once import ALREADY_SENT, FETCH, claimed_meanwhile, token_on

DEFAULTS_TOKEN = "default-sections-submission_token"


@pytest.fixture
def meeting(app_context):
    body = make_body("Commission de test")
    for name in ("Martin", "Bernard"):
        add_member(body, name)
    return make_meeting(body, day=date.today() + timedelta(days=30))


@pytest.fixture
def other_secretary(app):
    return log_in(app.test_client(), create_user(Role.SECRETARIAT, email="autre@example.fr"))


# --- « Ajouter les sections par défaut » of the tour de table ---------------------------------------------------

def editor(meeting) -> str:
    return f"/meetings/{meeting.id}/round-table"


def section_titles(meeting) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(RoundTableSection.title).where(RoundTableSection.meeting_id == meeting.id)
                                   .order_by(RoundTableSection.position, RoundTableSection.id)))


def read_before_the_first_commit(monkeypatch):
    """The race: the second post read the meeting's sections (none yet) and the token (not yet recorded) before
    the first post committed; it commits after."""
    from app.roundtable import routes

    real, reads = routes.sections_with_points, []

    def sections_with_points(meeting_id, section_id=None):
        reads.append(meeting_id)
        return [] if len(reads) == 1 else real(meeting_id, section_id)

    monkeypatch.setattr(routes, "sections_with_points", sections_with_points)
    claimed_meanwhile(monkeypatch)


def test_the_default_sections_form_has_a_token_of_its_own(secretariat_client, meeting):
    page = secretariat_client.get(editor(meeting)).text
    form = page.split(f'action="{editor(meeting)}/default-sections"')[1].split("</form>")[0]
    assert DEFAULTS_TOKEN in form_values(f"<form>{form}</form>")
    assert token_on(page, DEFAULTS_TOKEN) != token_on(page, "new-section-submission_token")


def test_default_sections_posted_twice_one_after_the_other_are_added_once(secretariat_client, meeting):
    data = {DEFAULTS_TOKEN: token_on(secretariat_client.get(editor(meeting)).text, DEFAULTS_TOKEN)}
    first = secretariat_client.post(f"{editor(meeting)}/default-sections", data=data)
    assert first.status_code == 302
    secretariat_client.get(first.location)
    again = secretariat_client.post(f"{editor(meeting)}/default-sections", data=data)
    assert again.status_code == 302 and again.location == first.location
    assert section_titles(meeting) == list(DEFAULT_SECTION_TITLES)
    assert f"{ALREADY_SENT} : les sections par défaut n&#39;ont été ajoutées qu&#39;une fois." in \
        secretariat_client.get(again.location).text


def test_default_sections_posted_twice_at_the_same_moment_are_added_once(secretariat_client, other_secretary,
                                                                         meeting, monkeypatch):
    data = {DEFAULTS_TOKEN: token_on(secretariat_client.get(editor(meeting)).text, DEFAULTS_TOKEN)}
    assert secretariat_client.post(f"{editor(meeting)}/default-sections", data=data).status_code == 302
    read_before_the_first_commit(monkeypatch)
    second = other_secretary.post(f"{editor(meeting)}/default-sections", data=data)
    assert second.status_code == 302
    assert section_titles(meeting) == list(DEFAULT_SECTION_TITLES)
    assert ALREADY_SENT in other_secretary.get(second.location).text


def test_default_sections_posted_twice_in_place_at_the_same_moment_answer_as_the_first(
        secretariat_client, meeting, monkeypatch):
    data = {DEFAULTS_TOKEN: token_on(secretariat_client.get(editor(meeting)).text, DEFAULTS_TOKEN)}
    first = secretariat_client.post(f"{editor(meeting)}/default-sections", headers=FETCH, data=data)
    assert first.status_code == 200 and unquote(first.headers["X-Fragment-Message"]) == "Sections par défaut ajoutées."
    read_before_the_first_commit(monkeypatch)
    second = secretariat_client.post(f"{editor(meeting)}/default-sections", headers=FETCH, data=data)
    assert second.status_code == 200 and second.headers["X-Fragment-Target"] == "roundtable-editor"
    assert unquote(second.headers["X-Fragment-Message"]) == \
        f"{ALREADY_SENT} : les sections par défaut n'ont été ajoutées qu'une fois."
    assert second.text.count('class="roundtable-section') == first.text.count('class="roundtable-section')
    assert section_titles(meeting) == list(DEFAULT_SECTION_TITLES)


def test_default_sections_from_two_pages_one_after_the_other_are_added_once(secretariat_client, other_secretary,
                                                                            meeting):
    """Two tabs (two tokens): the second finds the sections of the first."""
    first_page, second_page = secretariat_client.get(editor(meeting)).text, other_secretary.get(editor(meeting)).text
    assert secretariat_client.post(f"{editor(meeting)}/default-sections",
                                   data={DEFAULTS_TOKEN: token_on(first_page, DEFAULTS_TOKEN)}).status_code == 302
    second = other_secretary.post(f"{editor(meeting)}/default-sections",
                                  data={DEFAULTS_TOKEN: token_on(second_page, DEFAULTS_TOKEN)})
    assert second.status_code == 302 and "Cette séance a déjà des sections." in other_secretary.get(second.location).text
    assert section_titles(meeting) == list(DEFAULT_SECTION_TITLES)


# --- Moving a document of the dossier -----------------------------------------------------------------------------

def dossier_titles(meeting) -> list[str]:
    db.session.expire_all()
    return [document.title for document in sorted(
        db.session.scalars(select(MeetingDocument).where(MeetingDocument.meeting_id == meeting.id)),
        key=lambda document: (document.position, document.id))]


@pytest.fixture
def dossier(secretariat_client, meeting):
    for title in ("Premier", "Deuxième", "Troisième"):
        assert upload(secretariat_client, meeting.id, PDF, "a.pdf", title=title).status_code == 302
    return {document.title: document for document in db.session.scalars(select(MeetingDocument))}


def move_buttons(client, meeting, document) -> dict[str, str]:
    """The actions of the move buttons of ``document`` as the dossier page shows them."""
    page = client.get(f"/meetings/{meeting.id}/dossier").text
    prefix = f'action="/dossier/documents/{document.id}/move/'
    found = {}
    for piece in page.split(prefix)[1:]:
        action = prefix.removeprefix('action="') + piece.split('"', 1)[0]
        found[action.split("/move/")[1].split("?")[0]] = action.replace("&amp;", "&")
    return found


def test_a_move_posted_twice_moves_the_document_one_place(secretariat_client, meeting, dossier):
    down = move_buttons(secretariat_client, meeting, dossier["Premier"])["down"]
    first = secretariat_client.post(down)
    assert first.status_code == 302 and dossier_titles(meeting) == ["Deuxième", "Premier", "Troisième"]
    secretariat_client.get(first.location)
    again = secretariat_client.post(down)
    assert again.status_code == 302 and again.location == first.location
    assert dossier_titles(meeting) == ["Deuxième", "Premier", "Troisième"]
    assert ("« Premier » est déjà à cette place : le dossier n&#39;a pas changé."
            in secretariat_client.get(again.location).text)


def test_a_move_up_posted_twice_moves_the_document_one_place(secretariat_client, meeting, dossier):
    up = move_buttons(secretariat_client, meeting, dossier["Troisième"])["up"]
    assert secretariat_client.post(up).status_code == 302
    assert secretariat_client.post(up).status_code == 302
    assert dossier_titles(meeting) == ["Premier", "Troisième", "Deuxième"]


def test_a_move_posted_twice_at_the_same_moment_moves_the_document_one_place(secretariat_client, meeting, dossier,
                                                                            monkeypatch):
    """The race: this post read the dossier before the other one (the same button) committed the same move."""
    from app.dossier import routes

    real, table = routes.move, MeetingDocument.__table__

    def move_then_the_other_post_commits(document, direction, shown_at):
        outcome = real(document, direction, shown_at)
        with db.engine.begin() as other_connection:
            for title, position in (("Deuxième", 1), ("Premier", 2)):
                other_connection.execute(table.update().where(table.c.id == dossier[title].id)
                                         .values(position=position))
        return outcome

    down = move_buttons(secretariat_client, meeting, dossier["Premier"])["down"]
    monkeypatch.setattr(routes, "move", move_then_the_other_post_commits)
    assert secretariat_client.post(down).status_code == 302
    assert dossier_titles(meeting) == ["Deuxième", "Premier", "Troisième"]


def test_a_move_from_a_page_the_dossier_changed_since_moves_nothing(secretariat_client, other_secretary, meeting,
                                                                    dossier):
    """Two tabs: the second page shows an order that is no longer the dossier's."""
    old_up = move_buttons(other_secretary, meeting, dossier["Troisième"])["up"]
    for _ in range(2):
        up = move_buttons(secretariat_client, meeting, dossier["Troisième"])["up"]
        assert secretariat_client.post(up).status_code == 302
    assert dossier_titles(meeting) == ["Troisième", "Premier", "Deuxième"]
    refused = other_secretary.post(old_up)
    assert refused.status_code == 302
    assert dossier_titles(meeting) == ["Troisième", "Premier", "Deuxième"]
    assert ("L&#39;ordre du dossier a changé depuis l&#39;affichage de la page : « Troisième » n&#39;a pas été "
            "déplacé" in other_secretary.get(refused.location).text)


def test_a_move_from_a_page_of_before_moves_as_it_used_to(secretariat_client, meeting, dossier):
    """A post without the place shown (a page older than this): the document moves, as before."""
    assert secretariat_client.post(f"/dossier/documents/{dossier['Premier'].id}/move/down").status_code == 302
    assert secretariat_client.post(f"/dossier/documents/{dossier['Premier'].id}/move/down").status_code == 302
    assert dossier_titles(meeting) == ["Deuxième", "Troisième", "Premier"]


@pytest.mark.parametrize("place", ["", "zéro", "-1", "4", "01", "1" * 40])
def test_a_move_with_a_place_tampered_with_moves_nothing_and_answers_in_french(secretariat_client, meeting, dossier,
                                                                                place):
    response = secretariat_client.post(f"/dossier/documents/{dossier['Premier'].id}/move/down?depuis={place}")
    assert response.status_code == 302
    assert dossier_titles(meeting) == ["Premier", "Deuxième", "Troisième"]
    assert "L&#39;ordre du dossier a changé" in secretariat_client.get(response.location).text


# --- « Convoquer les membres de l'instance qui ne le sont pas encore » ----------------------------------------

def invitations_of(meeting) -> list[tuple[int, Capacity]]:
    db.session.expire_all()
    return sorted(db.session.execute(select(Invitation.person_id, Invitation.capacity)
                                     .where(Invitation.meeting_id == meeting.id)).all())


@pytest.fixture
def newcomers(meeting) -> list[Membership]:
    """Two members who joined the body after the meeting was planned."""
    joined = [add_member(meeting.body, name) for name in ("Nouvelle", "Arrivée")]
    db.session.commit()
    return joined


def convened_meanwhile(monkeypatch, memberships: list[Membership]):
    """The race: this post read the convened list (newcomers missing) and added them to its session; the same
    button, posted at the same moment, committed them first."""
    from app.meetings import routes

    real = routes.convene
    rows = [{"person_id": membership.person_id, "title": membership.title, "capacity": Capacity.MEMBER}
            for membership in memberships]

    def convene_then_the_other_post_commits(meeting, members):
        added = real(meeting, members)
        with db.engine.begin() as other_connection:
            other_connection.execute(Invitation.__table__.insert(), [{**row, "meeting_id": meeting.id} for row in rows])
        return added

    monkeypatch.setattr(routes, "convene", convene_then_the_other_post_commits)


def test_convening_the_members_twice_one_after_the_other_adds_them_once(secretariat_client, meeting, newcomers):
    url = f"/meetings/{meeting.id}/convened/members"
    assert secretariat_client.post(url).status_code == 302
    again = secretariat_client.post(url)
    assert again.status_code == 302
    assert len(invitations_of(meeting)) == 4
    assert "Tous les membres sont déjà convoqués." in secretariat_client.get(again.location).text


def test_convening_the_members_twice_at_the_same_moment_adds_them_once(secretariat_client, meeting, newcomers,
                                                                       monkeypatch):
    before = invitations_of(meeting)
    convened_meanwhile(monkeypatch, newcomers)
    response = secretariat_client.post(f"/meetings/{meeting.id}/convened/members")
    assert response.status_code == 302 and response.location.endswith(f"/meetings/{meeting.id}/convened")
    assert invitations_of(meeting) == sorted(before + [(membership.person_id, Capacity.MEMBER)
                                                       for membership in newcomers])
    page = secretariat_client.get(response.location).text
    assert "a été complétée au même moment" in page and "personne n&#39;est convoqué deux fois" in page


def test_after_a_race_lost_the_members_still_missing_can_be_convened(secretariat_client, meeting, newcomers,
                                                                    monkeypatch):
    """The other post convened one newcomer only (by hand): nothing of this post is kept, the button adds the
    other one next time."""
    convened_meanwhile(monkeypatch, newcomers[:1])
    assert secretariat_client.post(f"/meetings/{meeting.id}/convened/members").status_code == 302
    assert len(invitations_of(meeting)) == 3
    monkeypatch.undo()
    assert secretariat_client.post(f"/meetings/{meeting.id}/convened/members").status_code == 302
    assert len(invitations_of(meeting)) == 4
    assert "1 membre(s) ajouté(s) à la liste." in secretariat_client.get(f"/meetings/{meeting.id}/convened").text

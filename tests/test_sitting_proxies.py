"""Pouvoirs as the law allows them (D.1432-50), the same rules on the attendance sheet and on the answer
page of convocation links: only when the member's own suppléant does not sit, only to another titulaire
who sits, within the body's limit, never from or to the president; the answer page offers only what
the person may choose."""
from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest

from app.calendar.answers import make_answer_token
from app.extensions import db
from app.models import Capacity, Civility, Invitation, InvitationResponse, Person, Seat
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting, make_president
from tests.test_attendance_sheet import mark, recorded, row_of, sheet


@pytest.fixture
def sitting(app_context):
    """A CRSA formation: a president with a suppléant, Martin with a suppléante, Bernard, Petit, Roux,
    Durand with a suppléant, an observer without vote; everyone convened, and an ARS staff member."""
    body = make_body("Commission de test")
    president = add_member(body, "President", first_name="Paul")
    make_president(president)
    martin, bernard, petit, roux, durand = (add_member(body, name) for name in ("Martin", "Bernard", "Petit", "Roux",
                                                                                "Durand"))
    substitutes = {
        "president": add_member(body, "Suppleant-President", seat=Seat.SUPPLEANT, substitute_for=president),
        "martin": add_member(body, "Suppleante-Martin", seat=Seat.SUPPLEANT, substitute_for=martin),
        "durand": add_member(body, "Suppleant-Durand", seat=Seat.SUPPLEANT, substitute_for=durand),
    }
    observer = add_member(body, "Observateur", voting=False)
    meeting = make_meeting(body, day=date.today() + timedelta(days=20))
    staff = Person(organisation=body.organisation, civility=Civility.MR, last_name="Agence", first_name="Luc")
    meeting.invitations.append(Invitation(person=staff, capacity=Capacity.ARS_STAFF, title="Directeur"))
    db.session.commit()
    people = {"president": president.person, "martin": martin.person, "bernard": bernard.person,
              "petit": petit.person, "roux": roux.person, "durand": durand.person, "observer": observer.person,
              "staff": staff, **{f"suppleant_{name}": m.person for name, m in substitutes.items()}}
    return meeting, people


def post_sheet(client, meeting, statuses: dict):
    """Everyone excused but ``statuses``: person → « present », or (« represented », representative)."""
    values = sheet(client, meeting)
    for name in [key for key in values if key.endswith("-person_id")]:
        values[name.replace("person_id", "status")] = "excused"
        values[name.replace("person_id", "represented_by")] = ""
    for person, status in statuses.items():
        status, by = status if isinstance(status, tuple) else (status, None)
        mark(values, person, status, by)
    return client.post(f"/meetings/{meeting.id}/attendance", data=values)


# On the attendance sheet


def test_a_lawful_pouvoir_and_a_suppleant_sitting_are_recorded(secretariat_client, sitting):
    meeting, p = sitting
    response = post_sheet(secretariat_client, meeting, {
        p["bernard"]: "present", p["petit"]: ("represented", p["bernard"]),
        p["martin"]: ("represented", p["suppleant_martin"]), p["suppleant_martin"]: "present",
        # The president gives no pouvoir, but is replaced by their suppléant.
        p["president"]: ("represented", p["suppleant_president"]), p["suppleant_president"]: "present",
    })
    assert response.status_code == 302
    rows = recorded(meeting)
    assert rows[p["petit"].id].represented_by_id == p["bernard"].id
    assert rows[p["president"].id].represented_by_id == p["suppleant_president"].id


@pytest.mark.parametrize("statuses, giver, message", [
    ({"bernard": "present", "suppleant_martin": "present", "martin": ("represented", "bernard")}, "martin",
     "Un pouvoir ne peut être donné que si son suppléant ne peut pas siéger : Mme SUPPLEANTE-MARTIN Anne est "
     "présent(e)."),
    ({"suppleant_durand": "present", "petit": ("represented", "suppleant_durand")}, "petit",
     "Un pouvoir ne peut être donné qu'à un autre membre titulaire avec voix délibérative : "
     "Mme SUPPLEANT-DURAND Anne ne l'est pas."),
    ({"observer": "present", "petit": ("represented", "observer")}, "petit",
     "Un pouvoir ne peut être donné qu'à un autre membre titulaire avec voix délibérative : "
     "Mme OBSERVATEUR Anne ne l'est pas."),
    ({"bernard": "present", "president": ("represented", "bernard")}, "president",
     "Le président de l'instance ne peut ni donner ni recevoir de pouvoir."),
    ({"president": "present", "petit": ("represented", "president")}, "petit",
     "Le président de l'instance ne peut ni donner ni recevoir de pouvoir."),
    ({"petit": ("represented", "bernard")}, "petit",
     "Un pouvoir ne peut être donné qu'à un membre titulaire présent : Mme BERNARD Anne n'est pas présent(e)."),
    ({"bernard": "present", "petit": ("represented", "bernard"), "roux": ("represented", "bernard")}, "roux",
     "Mme BERNARD Anne détient déjà 1 pouvoir : c'est le maximum dans cette instance."),
    ({"martin": "present", "suppleant_martin": ("represented", "martin")}, "suppleant_martin",
     "Un suppléant n'est pas représenté : il siège à la place de son titulaire, ou il est excusé ou absent."),
    ({"martin": ("represented", "suppleant_martin")}, "martin",
     "Mme SUPPLEANTE-MARTIN Anne est marqué(e) excusé(e) ou absent(e) : un suppléant qui remplace son "
     "titulaire est présent."),
    ({"observer": ("represented", "bernard"), "bernard": "present"}, "observer",
     "Seul un membre titulaire avec voix délibérative peut donner pouvoir."),
])
def test_the_sheet_refuses_what_the_law_refuses_on_the_field(secretariat_client, sitting, statuses, giver, message):
    meeting, p = sitting
    named = {p[name]: (status if isinstance(status, str) else (status[0], p[status[1]]))
             for name, status in statuses.items()}
    response = post_sheet(secretariat_client, meeting, named)
    assert response.status_code == 422
    page = unescape(response.text)
    errors = re.findall(r'<p id="(rows-\d+)-represented_by-erreurs" class="fr-error-text">([^<]*)</p>', page)
    assert errors == [(row_of(form_values(response.text, "attendance-sheet"), p[giver]), message)]
    assert recorded(meeting) == {}


def test_the_body_may_allow_up_to_three_pouvoirs_never_more(secretariat_client, sitting):
    meeting, p = sitting
    meeting.body.max_proxies_per_holder = 3
    db.session.commit()
    statuses = {p["bernard"]: "present", p["petit"]: ("represented", p["bernard"]),
                p["roux"]: ("represented", p["bernard"]), p["durand"]: ("represented", p["bernard"])}
    assert post_sheet(secretariat_client, meeting, statuses).status_code == 302
    statuses[p["martin"]] = ("represented", p["bernard"])
    response = post_sheet(secretariat_client, meeting, statuses)
    assert response.status_code == 422
    assert "Mme BERNARD Anne détient déjà 3 pouvoirs : c'est le maximum dans cette instance." in unescape(response.text)


# On the answer page of convocation links


def answer_page(client, meeting, person, data=None):
    invitation = next(i for i in meeting.invitations if i.person_id == person.id)
    url = f"/reponse/{make_answer_token(invitation)}"
    return client.post(url, data=data) if data is not None else client.get(url)


def offered(page: str) -> list[str]:
    return re.findall(r'<input [^>]*name="response"[^>]*type="radio" value="(\w+)">', page)


def holders(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="proxy_holder"[^>]*>(.*?)</select>', page, re.S)
    return [unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))][1:] \
        if select else []


@pytest.mark.parametrize("who, answers", [
    ("staff", ["present", "excused"]),
    ("suppleant_martin", ["present", "excused"]),
    ("observer", ["present", "excused"]),
    ("roux", ["present", "excused", "proxy"]),
    ("martin", ["present", "excused", "substitute", "proxy"]),
    ("president", ["present", "excused", "substitute"]),
])
def test_the_answer_page_offers_only_what_the_person_may_choose(app, sitting, who, answers):
    meeting, p = sitting
    page = answer_page(app.test_client(), meeting, p[who]).text
    assert offered(page) == answers
    assert ("Je donne pouvoir à" in page) is ("proxy" in answers)


def test_the_holders_offered_are_the_titulaires_who_may_sit_within_the_limit(app, sitting):
    meeting, p = sitting
    answers = {p["bernard"].id: InvitationResponse.EXCUSED, p["durand"].id: InvitationResponse.PROXY}
    for invitation in meeting.invitations:
        invitation.response = answers.get(invitation.person_id)
        if invitation.person_id == p["durand"].id:
            invitation.proxy_holder = p["petit"]  # Petit holds the one pouvoir the body allows
    db.session.commit()
    page = answer_page(app.test_client(), meeting, p["martin"]).text
    # Not the president, a suppléant, the observer, someone excused, a full holder, nor Martin himself.
    assert holders(page) == [p["roux"].formal_name]


@pytest.mark.parametrize("setup, who, holder, message", [
    ({"suppleant_martin": InvitationResponse.PRESENT}, "martin", "bernard",
     "Un pouvoir ne peut être donné que si votre suppléant ne peut pas siéger : Mme Anne SUPPLEANTE-MARTIN a "
     "indiqué être présent(e)."),
    ({}, "president", "bernard", "Le président de l'instance ne peut ni donner ni recevoir de pouvoir."),
    ({}, "martin", "president", "Le président de l'instance ne peut ni donner ni recevoir de pouvoir."),
    ({"bernard": InvitationResponse.EXCUSED}, "martin", "bernard",
     "Un pouvoir ne peut être donné qu'à un membre titulaire présent : Mme Anne BERNARD a indiqué ne pas pouvoir "
     "siéger."),
    ({}, "martin", "suppleant_durand", "Un pouvoir ne peut être donné qu'à un autre membre titulaire avec voix "
                                       "délibérative : Mme Anne SUPPLEANT-DURAND ne l'est pas."),
    ({}, "suppleant_martin", "bernard", "Seul un membre titulaire avec voix délibérative peut donner pouvoir."),
])
def test_a_refused_pouvoir_says_which_rule_on_its_field(app, sitting, setup, who, holder, message):
    meeting, p = sitting
    for invitation in meeting.invitations:
        for name, response in setup.items():
            if invitation.person_id == p[name].id:
                invitation.response = response
    db.session.commit()
    response = answer_page(app.test_client(), meeting, p[who], {"response": "proxy", "proxy_holder": p[holder].id})
    assert response.status_code == 200
    assert message in unescape(response.text)
    invitation = db.session.get(Invitation, next(i.id for i in meeting.invitations if i.person_id == p[who].id))
    db.session.refresh(invitation)
    assert invitation.response is setup.get(who)


def test_a_pouvoir_given_from_the_answer_page_is_recorded(app, sitting):
    meeting, p = sitting
    response = answer_page(app.test_client(), meeting, p["martin"], {"response": "proxy",
                                                                      "proxy_holder": p["roux"].id})
    assert response.status_code == 302
    invitation = db.session.get(Invitation, next(i.id for i in meeting.invitations if i.person_id == p["martin"].id))
    db.session.refresh(invitation)
    assert (invitation.response, invitation.proxy_holder_id) == (InvitationResponse.PROXY, p["roux"].id)

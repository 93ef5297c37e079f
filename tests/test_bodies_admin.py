"""The secretariat creates and edits bodies and their rules; members keep a read-only view."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Body, BodyKind
from tests.admin_factories import make_body, make_organisation, make_person, member_client, seat

BODY_FORM = {
    "name": "Commission spécialisée de prévention", "short_name": "CSP", "kind": "specialised_commission",
    "parent_id": "0", "territory": "Occitanie", "quorum_fraction": "0,6", "quorum_strict": "y",
    "quorum_minimum": "3", "quorum_counts_represented": "", "convocation_days": "10", "reminder_days": "2",
    "proxies_allowed": "y", "max_proxies_per_holder": "2", "proxies_exclude_presidents": "y",
    "second_convocation_days": "8", "unexcused_absences_limit": "2", "max_substitutes_per_titulaire": "2",
}


def test_secretariat_creates_a_body_with_its_rules(secretariat_client):
    crsa = make_body(make_organisation(), "Conférence régionale")
    form = {**BODY_FORM, "parent_id": str(crsa.id)}
    response = secretariat_client.post("/bodies/new", data=form)
    assert response.status_code == 302
    body = db.session.scalar(select(Body).where(Body.short_name == "CSP"))
    assert body.kind is BodyKind.SPECIALISED_COMMISSION and body.parent_id == crsa.id
    assert body.organisation_id == crsa.organisation_id
    assert (body.quorum_fraction, body.quorum_strict, body.quorum_minimum) == (0.6, True, 3)
    assert body.quorum_counts_represented is False
    assert (body.convocation_days, body.reminder_days, body.max_proxies_per_holder) == (10, 2, 2)
    page = secretariat_client.get(response.headers["Location"]).text
    assert "L&#39;instance « Commission spécialisée de prévention » a été créée." in page
    assert "Quorum : plus de 60 % des membres en fonction, présents, et au moins 3" in page


def test_first_body_of_an_empty_installation_creates_its_organisation(secretariat_client):
    response = secretariat_client.post("/bodies/new", data=BODY_FORM)
    assert response.status_code == 302
    assert db.session.scalar(select(Body).where(Body.name == BODY_FORM["name"])).organisation.short_name == "ARS"


def test_body_form_errors_are_french_on_the_field_and_keep_the_input(secretariat_client):
    existing = make_body(make_organisation(), "CRSA")
    response = secretariat_client.post("/bodies/new", data={**BODY_FORM, "name": "CRSA", "quorum_fraction": "1,5",
                                                            "territory": "Hérault"})
    assert response.status_code == 200
    assert "Une instance porte déjà ce nom." not in response.text  # fields are checked first, then the name
    assert "Saisissez une part entre 0,01 et 1" in response.text
    assert 'aria-describedby="quorum_fraction-aide quorum_fraction-erreurs"' in response.text
    assert 'value="Hérault"' in response.text
    response = secretariat_client.post("/bodies/new", data={**BODY_FORM, "name": "CRSA"})
    assert response.status_code == 200
    assert "Une instance porte déjà ce nom." in response.text
    assert db.session.scalar(select(func.count(Body.id))) == 1 and existing.name == "CRSA"


def test_a_body_cannot_be_attached_below_itself(secretariat_client):
    organisation = make_organisation()
    crsa = make_body(organisation, "CRSA")
    commission = make_body(organisation, "Commission", parent_id=crsa.id)
    response = secretariat_client.post(f"/bodies/{crsa.id}/edit",
                                       data={**BODY_FORM, "name": "CRSA", "parent_id": str(commission.id)})
    assert response.status_code == 200
    assert "N&#39;est pas un choix valide." in response.text
    db.session.refresh(crsa)
    assert crsa.parent_id is None


def test_secretariat_edits_a_body(secretariat_client):
    body = make_body(make_organisation(), "Ancien nom")
    page = secretariat_client.get(f"/bodies/{body.id}/edit").text
    assert 'value="Ancien nom"' in page
    response = secretariat_client.post(f"/bodies/{body.id}/edit", data={**BODY_FORM, "name": "Nouveau nom"})
    assert response.status_code == 302
    db.session.refresh(body)
    assert body.name == "Nouveau nom" and body.quorum_fraction == 0.6


def test_member_sees_the_body_but_neither_emails_nor_editing_links(app, app_context):
    organisation = make_organisation()
    body = make_body(organisation, "CTS 31")
    me = make_person(organisation, "Moi", "Anne")
    other = make_person(organisation, "Autre", "Paul", email="paul.secret@test.example.fr")
    seat(me, body, "Usager"), seat(other, body, "Médecin")
    page = member_client(app, me).get(f"/bodies/{body.id}").text
    assert "CTS 31" in page
    assert "paul.secret@test.example.fr" not in page and "AUTRE Paul" not in page
    assert "Modifier l&#39;instance" not in page and "Importer des membres" not in page


def test_layout_loads_the_dsfr_as_a_module_without_inline_script_and_keeps_a_fallback(secretariat_client):
    body = make_body(make_organisation(), "CRSA")
    page = secretariat_client.get(f"/bodies/{body.id}/edit").text
    assert '<script type="module" src="/static/dsfr/dsfr.module.min.js"></script>' in page
    # drafts.js forgets the tour de table's drafts at logout, from any page.
    assert '<script src="/static/js/drafts.js" defer></script>' in page
    # error-summary.js moves the focus to the summary of a refused form's errors.
    assert '<script src="/static/js/error-summary.js" defer></script>' in page
    assert page.count("<script") == 3 and " style=" not in page and "onclick" not in page
    assert 'href="/static/seances.css"' in page
    assert secretariat_client.get("/static/seances.css").status_code == 200  # served even without `make assets`

"""Adding a member on one screen: the person is found by a server search (« Rechercher » without
JavaScript, the same search as one types with it), or created inline with her seat in one transaction."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Civility, Membership, Organisation, Person, Role
from tests.admin_factories import make_body, make_organisation, make_person, member_client
from tests.conftest import create_user, log_in

SEAT = {"title": "Représentante des usagers", "college": "Usagers", "seat": "titulaire", "substitute_for_id": "0",
        "voting": "y", "start_date": "2024-03-01", "end_date": ""}


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def new_person(**typed) -> dict:
    fields = {"civility": "Mme", "first_name": "Hélène", "last_name": "Lefèvre",
              "email": "helene.lefevre@exemple.fr", "affiliation": "France Assos Santé", **typed}
    return {f"new_person-{name}": value for name, value in fields.items()}


def test_without_javascript_rechercher_offers_the_matching_people_and_keeps_what_was_typed(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    helene = make_person(organisation, "Lefèvre", "Hélène")
    make_person(organisation, "Lefebvre", "Marc")
    make_person(organisation, "Durand", "Paul")
    page = secretariat_client.get(f"/bodies/{body.id}/members/new").text
    assert "LEFÈVRE" not in page and "DURAND" not in page  # nobody is listed before a search

    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        **SEAT, "person_search": "LEFEVRE helene", "chercher": "1"})
    assert response.status_code == 200
    assert f'type="radio" id="person_id-{helene.id}" name="person_id" value="{helene.id}"' in response.text
    assert "LEFEBVRE" not in response.text and "DURAND" not in response.text
    assert "1 personne trouvée." in response.text
    assert 'value="Représentante des usagers"' in response.text and 'value="2024-03-01"' in response.text
    assert "Erreur" not in response.text.split("</title>")[0]  # a search is no error
    assert count(Membership) == 0
    empty = secretariat_client.post(f"/bodies/{body.id}/members/new", data={**SEAT, "person_search": " ",
                                                                            "chercher": "1"})
    assert 'id="person_search-erreurs"' in empty.text and "Saisissez une partie du nom" in empty.text

    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        **SEAT, "person_search": "LEFEVRE helene", "person_id": str(helene.id)})
    assert response.status_code == 302
    membership = db.session.scalar(select(Membership))
    assert membership.person_id == helene.id and membership.title == "Représentante des usagers"
    assert count(Person) == 3


def test_the_search_as_one_types_answers_the_radio_buttons_only(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    zoe = make_person(organisation, "Zéphir", "Zoé", email="zoe@exemple.fr")
    chosen = make_person(organisation, "Abadie", "Jean")
    response = secretariat_client.get(f"/bodies/{body.id}/members/people?q=zephir&selected={chosen.id}")
    assert response.status_code == 200 and "<html" not in response.text
    assert f'value="{zoe.id}"' in response.text and "zoe@exemple.fr" in response.text
    assert f'value="{chosen.id}" checked' in response.text  # the one chosen stays chosen
    assert 'data-status="1 personne trouvée."' in response.text and 'value="nouvelle"' in response.text
    nobody = secretariat_client.get(f"/bodies/{body.id}/members/people?q=inconnue").text
    assert 'data-status="Aucune personne enregistrée ne porte ce nom' in nobody


def test_the_search_is_limited_and_wildcards_are_plain_characters(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    for number in range(35):
        db.session.add(Person(organisation=organisation, civility=Civility.MR, last_name=f"Martin{number:02}"))
    db.session.commit()
    page = secretariat_client.get(f"/bodies/{body.id}/members/people?q=martin").text
    assert page.count('name="person_id"') == 31  # 30 people and « créer la personne »
    assert "Les 30 premières personnes trouvées" in page
    assert secretariat_client.get(f"/bodies/{body.id}/members/people?q=%25").text.count('name="person_id"') == 1


def test_creating_the_person_inline_records_her_and_her_seat_together(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        **SEAT, "person_search": "lefevre", "person_id": "nouvelle", **new_person()})
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.last_name == "Lefèvre"))
    assert (person.civility, person.first_name, person.email, person.affiliation, person.organisation_id) == (
        Civility.MRS, "Hélène", "helene.lefevre@exemple.fr", "France Assos Santé", organisation.id)
    assert db.session.scalar(select(Membership)).person_id == person.id
    # Found by the accent-insensitive search from now on, on the attendance sheet too.
    page = secretariat_client.get(f"/bodies/{body.id}/members/people?q=HELENE").text
    assert f'value="{person.id}"' in page


def test_without_a_choice_a_typed_name_creates_the_person(secretariat_client):
    body = make_body(make_organisation())
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={**SEAT, **new_person(email="")})
    assert response.status_code == 302
    assert count(Person) == 1 and count(Membership) == 1


def test_an_error_anywhere_keeps_every_value_and_writes_nothing(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        **SEAT, "end_date": "2020-01-01", "person_search": "lefev", "person_id": "nouvelle",
        **new_person(email="pas-une-adresse")})
    assert response.status_code == 200
    assert "Adresse électronique invalide." in response.text
    assert 'id="new_person-email-erreurs"' in response.text and 'href="#new_person-email"' in response.text
    assert response.text.startswith("<!doctype html>") and "<title>Erreur : " in response.text
    assert 'value="Lefèvre"' in response.text and 'value="Hélène"' in response.text
    assert 'value="France Assos Santé"' in response.text and 'value="lefev"' in response.text
    assert 'value="nouvelle" checked' in response.text

    # The person is valid but the seat is not: neither is written.
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        **SEAT, "end_date": "2020-01-01", "person_id": "nouvelle", **new_person()})
    assert "La fin du mandat ne peut pas précéder son début." in response.text
    assert 'value="helene.lefevre@exemple.fr"' in response.text
    assert count(Person) == 0 and count(Membership) == 0

    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        **SEAT, "person_id": "nouvelle", **new_person(last_name="")})
    assert "Saisissez le nom." in response.text
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={**SEAT})
    assert "Recherchez la personne par son nom et choisissez-la" in response.text
    assert count(Person) == 0 and count(Membership) == 0


def test_a_person_already_recorded_with_that_address_is_offered_not_created_twice(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    existing = make_person(organisation, "Lefèvre", "Hélène", email="helene.lefevre@exemple.fr")
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        **SEAT, "person_id": "nouvelle", **new_person(email="Helene.Lefevre@exemple.fr")})
    assert response.status_code == 200
    assert "Mme LEFÈVRE Hélène est déjà enregistré(e) avec cette adresse" in response.text
    assert f'value="{existing.id}"' in response.text  # offered to be chosen instead
    assert count(Person) == 1 and count(Membership) == 0


def test_other_ars_people_are_never_found_nor_accepted(app, secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    corse = Organisation(name="ARS Corse")
    db.session.add(corse)
    db.session.commit()
    stranger = make_person(corse, "Lefèvre", "Hélène", email="helene@corse.example.fr")
    searched = secretariat_client.post(f"/bodies/{body.id}/members/new", data={**SEAT, "person_search": "lefevre",
                                                                               "chercher": "1"}).text
    typed = secretariat_client.get(f"/bodies/{body.id}/members/people?q=lefevre&selected={stranger.id}").text
    for page in (searched, typed):
        assert "LEFÈVRE" not in page and f'name="person_id" value="{stranger.id}"' not in page
    refused = secretariat_client.post(f"/bodies/{body.id}/members/new", data={**SEAT, "person_id": str(stranger.id)})
    assert "Cette personne n&#39;est pas enregistrée dans votre ARS." in refused.text
    # Her address is no clash in this ARS: the person is created here.
    created = secretariat_client.post(f"/bodies/{body.id}/members/new", data={
        **SEAT, "person_id": "nouvelle", **new_person(email="helene@corse.example.fr")})
    assert created.status_code == 302
    assert db.session.scalar(select(Membership)).person.organisation_id == organisation.id

    corse_body = make_body(corse, "Instance corse")
    for url in (f"/bodies/{corse_body.id}/members/people?q=lefevre", f"/bodies/{corse_body.id}/members/new"):
        assert secretariat_client.get(url).status_code == 404


def test_only_staff_search_and_add(app, secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    person = make_person(organisation, "Lefèvre", "Hélène")
    member = member_client(app, person)
    assert member.get(f"/bodies/{body.id}/members/people?q=lefevre").status_code == 403
    assert member.post(f"/bodies/{body.id}/members/new", data={**SEAT, "person_id": "nouvelle",
                                                               **new_person(email="")}).status_code == 403
    assert app.test_client().get(f"/bodies/{body.id}/members/people?q=lefevre").status_code == 302
    admin = log_in(app.test_client(), create_user(Role.ADMIN))
    assert admin.get(f"/bodies/{body.id}/members/people?q=lefevre").status_code == 200
    assert count(Person) == 1 and count(Membership) == 0

"""The secretariat keeps the list of people: search, create, edit."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Civility, Person
from tests.admin_factories import make_organisation, make_person


def test_secretariat_creates_a_person_and_finds_them(secretariat_client):
    make_organisation()
    response = secretariat_client.post("/people/new", data={
        "civility": "Mme", "first_name": "Hélène", "last_name": "Grandclément", "email": "helene@test.example.fr",
        "affiliation": "CSP"})
    assert response.status_code == 302
    person = db.session.scalar(select(Person).where(Person.last_name == "Grandclément"))
    assert person.civility is Civility.MRS and person.email == "helene@test.example.fr"
    page = secretariat_client.get("/people/?q=grandcl").text
    assert "GRANDCLÉMENT Hélène" in page and "helene@test.example.fr" in page
    assert "GRANDCLÉMENT" not in secretariat_client.get("/people/?q=dupont").text


def test_person_form_refuses_a_bad_or_shared_email_in_french(secretariat_client):
    organisation = make_organisation()
    make_person(organisation, "Jouve", "Olivier", email="olivier@test.example.fr")
    response = secretariat_client.post("/people/new", data={"civility": "M.", "last_name": "Autre",
                                                            "email": "pas-une-adresse"})
    assert response.status_code == 200 and "Adresse électronique invalide." in response.text
    assert 'value="Autre"' in response.text
    response = secretariat_client.post("/people/new", data={"civility": "M.", "last_name": "Autre",
                                                            "email": "Olivier@test.example.fr"})
    assert "Une autre personne a déjà cette adresse électronique." in response.text
    response = secretariat_client.post("/people/new", data={"civility": "M.", "last_name": ""})
    assert "Saisissez le nom." in response.text
    assert db.session.scalar(select(func.count(Person.id))) == 1


def test_secretariat_edits_a_person(secretariat_client):
    person = make_person(make_organisation(), "Serres", "Simon", civility=Civility.MR)
    page = secretariat_client.get(f"/people/{person.id}/edit").text
    assert 'value="Serres"' in page
    response = secretariat_client.post(f"/people/{person.id}/edit", data={
        "civility": "M.", "first_name": "Simon", "last_name": "Serres-Vidal", "email": person.email,
        "affiliation": "CSDU"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.last_name == "Serres-Vidal" and person.affiliation == "CSDU"


def test_people_list_is_paginated(secretariat_client):
    organisation = make_organisation()
    for number in range(55):
        db.session.add(Person(organisation=organisation, civility=Civility.MR, last_name=f"Nom{number:02d}"))
    db.session.commit()
    first = secretariat_client.get("/people/").text
    assert "55 personne(s)" in first and "NOM00" in first and "NOM54" not in first
    assert "Page suivante" in first
    second = secretariat_client.get("/people/?page=2").text
    assert "NOM54" in second and "NOM00" not in second

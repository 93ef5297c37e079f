"""The secretariat seats people in a body, links suppléants to titulaires and ends mandates without losing them."""
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Civility, Membership, MembershipRole, RoleKind, Seat, utc_now
from tests.admin_factories import make_body, make_organisation, make_person, seat
from tests.query_count import counted_queries


def membership_form(person_id, **overrides):
    form = {"person_id": str(person_id), "title": "Président URPS Médecins", "college": "Professionnels de santé",
            "seat": "titulaire", "substitute_for_id": "0", "voting": "y", "start_date": "2021-01-15", "end_date": ""}
    return {**form, **overrides}


def test_secretariat_adds_a_titulaire_then_his_suppleant(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    titulaire, substitute = make_person(organisation, "Bertrand", "Maurice"), make_person(organisation, "Fabre", "Claire")
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data=membership_form(titulaire.id))
    assert response.status_code == 302
    titulaire_seat = db.session.scalar(select(Membership).where(Membership.person_id == titulaire.id))
    assert (titulaire_seat.title, titulaire_seat.college, titulaire_seat.seat) == (
        "Président URPS Médecins", "Professionnels de santé", Seat.TITULAIRE)
    assert titulaire_seat.start_date == date(2021, 1, 15) and titulaire_seat.voting

    form_page = secretariat_client.get(f"/bodies/{body.id}/members/new").text
    assert "BERTRAND Maurice — Président URPS Médecins" in form_page  # offered as a titulaire to stand for
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data=membership_form(
        substitute.id, title="URPS Médecins", seat="suppleant", substitute_for_id=str(titulaire_seat.id), voting=""))
    assert response.status_code == 302
    substitute_seat = db.session.scalar(select(Membership).where(Membership.person_id == substitute.id))
    assert substitute_seat.substitute_for_id == titulaire_seat.id and not substitute_seat.voting
    page = secretariat_client.get(f"/bodies/{body.id}").text
    assert "Suppléant de Mme BERTRAND Maurice" in page


def test_membership_errors_are_french_on_their_field_and_nothing_is_written(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    person = make_person(organisation, "Serres", "Simon")
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data=membership_form(
        person.id, seat="suppleant", end_date="2020-12-31", title="Président de la CSDU"))
    assert response.status_code == 200
    assert "La fin du mandat ne peut pas précéder son début." in response.text
    assert "Indiquez le titulaire que ce suppléant remplace." in response.text
    assert 'id="end_date-erreurs"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="Président de la CSDU"' in response.text
    assert db.session.scalar(select(func.count(Membership.id))) == 0


def test_a_suppleant_stands_only_for_a_titulaire_of_the_same_body(secretariat_client):
    organisation = make_organisation()
    body, other_body = make_body(organisation, "GT"), make_body(organisation, "CTS")
    elsewhere = seat(make_person(organisation, "Ailleurs"), other_body)
    person = make_person(organisation, "Fabre", "Claire")
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data=membership_form(
        person.id, seat="suppleant", substitute_for_id=str(elsewhere.id)))
    assert response.status_code == 200
    assert "N&#39;est pas un choix valide." in response.text
    assert db.session.scalar(select(func.count(Membership.id))) == 1


def test_the_same_seat_twice_is_refused_without_a_server_error(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    person = make_person(organisation, "Jouve", "Olivier")
    seat(person, body, start=date(2021, 1, 15))
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data=membership_form(person.id))
    assert response.status_code == 200
    assert "a déjà un mandat dans cette instance commençant le 15/01/2021" in response.text
    assert 'id="start_date-erreurs"' in response.text
    assert db.session.scalar(select(func.count(Membership.id))) == 1


def test_a_renewed_mandate_starts_after_the_old_one_ends(secretariat_client):
    """One person holds one seat: a new titulaire mandate overlapping the running one (or starting the day it
    ends, both days included) is refused with the old one's dates; starting the next day, it is accepted."""
    organisation = make_organisation()
    body = make_body(organisation)
    person = make_person(organisation, "Jouve", "Olivier")
    seat(person, body, start=date(2015, 6, 4), end=date(2021, 1, 15))
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data=membership_form(person.id))
    assert response.status_code == 200
    assert ("a déjà un mandat de titulaire dans cette instance du 04/06/2015 au 15/01/2021 : un nouveau mandat "
            "commence après la fin du précédent") in response.text
    assert 'value="Président URPS Médecins"' in response.text  # what was typed stays
    assert db.session.scalar(select(func.count(Membership.id))) == 1
    response = secretariat_client.post(f"/bodies/{body.id}/members/new",
                                       data=membership_form(person.id, start_date="2021-01-16"))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Membership.id))) == 2


def test_a_titulaire_has_no_more_suppleants_in_office_than_the_body_allows(secretariat_client):
    """D.1432-30: two suppléants per titulaire (the body's setting). A third in office is refused, naming the
    two; once one's mandate ended, the new one is accepted."""
    organisation = make_organisation()
    body = make_body(organisation)
    titulaire = seat(make_person(organisation, "Bertrand", "Maurice"), body)
    first, second = (seat(make_person(organisation, name, "Claire"), body, seat_kind=Seat.SUPPLEANT,
                          substitute_for=titulaire) for name in ("Fabre", "Garnier"))
    newcomer = make_person(organisation, "Roux", "Paul")
    form = membership_form(newcomer.id, seat="suppleant", substitute_for_id=str(titulaire.id), voting="")
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data=form)
    assert response.status_code == 200
    assert ("a déjà 2 suppléant(s) en fonction (Mme Claire FABRE, Mme Claire GARNIER) : au plus 2 par titulaire "
            "dans cette instance") in response.text
    assert db.session.scalar(select(func.count(Membership.id))) == 3
    first.end_date = date(2021, 1, 14)
    db.session.commit()
    assert secretariat_client.post(f"/bodies/{body.id}/members/new", data=form).status_code == 302
    assert db.session.scalar(select(func.count(Membership.id))) == 4


def test_secretariat_edits_a_membership(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    membership = seat(make_person(organisation, "Jourdan", "Philippe"), body, "Président de la CSMS")
    page = secretariat_client.get(f"/bodies/memberships/{membership.id}/edit").text
    assert 'value="Président de la CSMS"' in page and 'value="2020-01-01"' in page
    response = secretariat_client.post(f"/bodies/memberships/{membership.id}/edit", data={
        "title": "Vice-président", "college": "", "seat": "titulaire", "substitute_for_id": "0", "voting": "",
        "start_date": "01/02/2020", "end_date": ""})
    assert response.status_code == 302
    db.session.refresh(membership)
    assert membership.title == "Vice-président" and membership.start_date == date(2020, 2, 1)
    assert membership.voting is False


def test_ending_a_membership_keeps_it_in_the_history(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)
    membership = seat(make_person(organisation, "Nougaret", "Dominique"), body, "CD 34")
    seat(make_person(organisation, "Zola", "Émile"), body, "Conseil Régional")
    response = secretariat_client.post(f"/bodies/memberships/{membership.id}/end", data={"end_date": "2019-12-31"})
    assert response.status_code == 200
    assert "La fin du mandat ne peut pas précéder son début." in response.text
    response = secretariat_client.post(f"/bodies/memberships/{membership.id}/end", data={"end_date": "2021-06-30"})
    assert response.status_code == 302
    db.session.refresh(membership)
    assert membership.end_date == date(2021, 6, 30)
    assert db.session.scalar(select(func.count(Membership.id))) == 2
    page = secretariat_client.get(f"/bodies/{body.id}").text
    assert "NOUGARET Dominique" in page and "jusqu'au 30/06/2021" in page
    assert page.index("ZOLA Émile") < page.index("NOUGARET Dominique")  # ended mandates come last
    assert membership not in body.current_memberships(date(2022, 1, 1))


def test_a_seat_saved_meanwhile_by_someone_else_is_an_error_not_a_500(secretariat_client, monkeypatch):
    """The form's check ran before the other save: the database's unique constraint has the last word."""
    organisation = make_organisation()
    body = make_body(organisation)
    person = make_person(organisation, "Jouve", "Olivier")
    seat(person, body, start=date(2021, 1, 15))
    monkeypatch.setattr("app.bodies.routes.membership_errors", lambda **_: {})
    response = secretariat_client.post(f"/bodies/{body.id}/members/new", data=membership_form(person.id))
    assert response.status_code == 200
    assert "Cette personne a déjà un mandat dans cette instance commençant à cette date." in response.text
    assert db.session.scalar(select(func.count(Membership.id))) == 1


def test_the_body_page_runs_as_many_queries_for_many_members_as_for_few(secretariat_client):
    organisation = make_organisation()
    body = make_body(organisation)

    def add_pairs(count):
        for number in range(count):
            titulaire = seat(make_person(organisation, f"Titulaire{len(body.memberships)}"), body, "Titulaire")
            seat(make_person(organisation, f"Suppleant{len(body.memberships)}"), body, "Suppléant",
                 seat_kind=Seat.SUPPLEANT, substitute_for=titulaire)

    add_pairs(1)
    with counted_queries() as few:
        assert secretariat_client.get(f"/bodies/{body.id}").status_code == 200
    add_pairs(8)
    with counted_queries() as many:
        assert secretariat_client.get(f"/bodies/{body.id}").text.count("Mettre fin<") == 18
    assert few and len(many) == len(few)


def members_table(page: str) -> list[list[str]]:
    """The cells of the members table's rows, as read (the visually hidden texts left out)."""
    import lxml.html

    tree = lxml.html.fromstring(page)
    for hidden in tree.xpath('//span[contains(@class, "fr-sr-only")]'):
        hidden.drop_tree()
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("td")]
            for row in tree.xpath('//h2[text()="Membres"]/following::table[1]/tbody/tr')]


def test_the_members_table_shows_each_seat_with_its_roles_and_titulaire_in_order(secretariat_client):
    """Current seats first, titulaires before suppléants, by name; ended mandates last and muted; each row with
    its qualité, collège, the titulaire a suppléant stands for, its roles and their dates; people deleted are
    left out."""
    organisation = make_organisation()
    body = make_body(organisation)
    martin = seat(make_person(organisation, "Martin", "Anne"), body, "Présidente URPS")
    martin.college = "Professionnels de santé"
    db.session.add_all([MembershipRole(membership=martin, kind=RoleKind.PRESIDENT, start_date=date(2021, 1, 1)),
                        MembershipRole(membership=martin, kind=RoleKind.RAPPORTEUR, start_date=date(2020, 3, 1),
                                       end_date=date(2020, 12, 31))])
    seat(make_person(organisation, "Durand", "Paul", civility=Civility.MR), body, "France Assos Santé")
    seat(make_person(organisation, "Aubert", "Léa"), body, "URPS", seat_kind=Seat.SUPPLEANT, substitute_for=martin)
    seat(make_person(organisation, "Blanc", "Eve"), body, "Ancienne", end=date(2021, 6, 30))
    gone = make_person(organisation, "Effacée", "Zoé")
    seat(gone, body, "Supprimée")
    gone.deleted_at = utc_now()
    db.session.commit()

    page = secretariat_client.get(f"/bodies/{body.id}").text
    assert members_table(page) == [
        ["M. DURAND Paul", "France Assos Santé", "", "Titulaire", "oui", "", "depuis le 01/01/2020", "Modifier — Mettre fin"],
        ["Mme MARTIN Anne", "Présidente URPS", "Professionnels de santé", "Titulaire", "oui",
         "Rapporteure du 01/03/2020 au 31/12/2020 ; Présidente depuis le 01/01/2021", "depuis le 01/01/2020",
         "Modifier — Mettre fin"],
        ["Mme AUBERT Léa", "URPS", "", "Suppléant de Mme MARTIN Anne", "oui", "", "depuis le 01/01/2020",
         "Modifier — Mettre fin"],
        ["Mme BLANC Eve", "Ancienne", "", "Titulaire", "oui", "", "depuis le 01/01/2020, jusqu'au 30/06/2021",
         "Modifier"],
    ]
    assert page.count('<tr class="seances-muted">') == 1

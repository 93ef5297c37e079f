"""Several ARS in one installation: each account belongs to one, sees and changes only its data; admins
manage their ARS's accounts; national admins run the installation without reading any ARS's data."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.demo import DEMO_PASSWORD, NATIONAL_ADMIN_EMAIL, OTHER_ORGANISATION_NAME
from app.extensions import db
from app.models import Body, Membership, Organisation, Person, Role, User
from tests.conftest import create_user, log_in
from tests.html_forms import form_values


def demo_client(app, email: str):
    return log_in(app.test_client(), db.session.scalar(select(User).where(User.email == email)), DEMO_PASSWORD)


def other_ars() -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == OTHER_ORGANISATION_NAME))


def test_each_ars_lists_only_its_own_bodies_people_and_meetings(app, demo):
    occitanie = demo_client(app, "secretariat@demo.example.fr")
    bretagne = demo_client(app, "secretariat@bretagne.demo.example.fr")
    assert "COVID" in occitanie.get("/bodies/").text and "Finistère" not in occitanie.get("/bodies/").text
    assert "Finistère" in bretagne.get("/bodies/").text and "COVID" not in bretagne.get("/bodies/").text
    people = bretagne.get("/people/?q=a").text
    assert "KERJEAN" in people and "MARCHAND" not in people
    assert "laurent.marchand" not in bretagne.get("/people/?q=marchand").text
    assert "Séance du conseil territorial" in bretagne.get("/").text
    assert "Suivi des retours" not in bretagne.get("/").text and "Suivi des retours" in occitanie.get("/").text
    search = bretagne.get("/recherche?texte=groupe").text
    assert "COVID" not in search


def test_new_bodies_and_people_belong_to_the_creators_ars(app, demo):
    bretagne = demo_client(app, "secretariat@bretagne.demo.example.fr")
    offered = form_values(bretagne.get("/bodies/new?type=specialised_commission").text)
    response = bretagne.post("/bodies/new", data={**offered, "name": "Commission spécialisée de prévention",
                                                  "short_name": "CSP"})
    assert response.status_code == 302
    body = db.session.scalar(select(Body).where(Body.short_name == "CSP", Body.organisation_id == other_ars().id))
    assert body is not None, "the same name as Occitanie's CSP is free in another ARS"
    response = bretagne.post("/people/new", data={"civility": "Mme", "first_name": "Nolwenn", "last_name": "Riou",
                                                  "email": "laurent.marchand@demo.example.fr", "affiliation": ""})
    assert response.status_code == 302, "an address of another ARS's person is no clash"
    assert db.session.scalar(select(Person).where(Person.last_name == "Riou")).organisation_id == other_ars().id


def test_pickers_offer_only_the_ars_own_people_and_bodies(app, demo):
    bretagne = demo_client(app, "secretariat@bretagne.demo.example.fr")
    cts = db.session.scalar(select(Body).where(Body.short_name == "CTS 29"))
    members_form = bretagne.get(f"/bodies/{cts.id}/members/new").text
    assert "KERJEAN" in members_form and "MARCHAND" not in members_form and "laurent.marchand" not in members_form
    marchand = db.session.scalar(select(Person).where(Person.last_name == "Marchand"))
    refused = bretagne.post(f"/bodies/{cts.id}/members/new", data={
        "person_id": str(marchand.id), "title": "Intrus", "seat": "titulaire", "substitute_for_id": "0",
        "voting": "y", "start_date": "2024-01-01"})
    assert refused.status_code == 200 and "Cette personne n&#39;est pas enregistrée dans votre ARS." in refused.text
    for searched in (bretagne.post(f"/bodies/{cts.id}/members/new", data={"person_search": "marchand", "chercher": "1"}),
                     bretagne.get(f"/bodies/{cts.id}/members/people?q=marchand&selected={marchand.id}")):
        assert "MARCHAND" not in searched.text and f'value="{marchand.id}"' not in searched.text
    assert db.session.scalar(select(Membership).where(Membership.person_id == marchand.id,
                                                      Membership.body_id == cts.id)) is None
    meeting = cts.meetings[0]
    convened = bretagne.get(f"/meetings/{meeting.id}/convened").text
    assert "QUÉRÉ" in convened and "MARCHAND" not in convened
    deadlines = bretagne.get(f"/meetings/{meeting.id}/deadlines").text
    assert "CTS 29" in deadlines or "Finistère" in deadlines
    assert "Conseil territorial de santé de l&#39;Hérault" not in deadlines
    synthesis = bretagne.get("/synthesis").text
    assert "Finistère" in synthesis and "Hérault" not in synthesis


def test_csv_import_reuses_only_the_ars_own_people(app, demo):
    bretagne = demo_client(app, "secretariat@bretagne.demo.example.fr")
    cts = db.session.scalar(select(Body).where(Body.short_name == "CTS 29"))
    csv_text = ("civilité;nom;prénom;email;qualité;siège;début\n"
                "M.;Marchand;Laurent;laurent.marchand@demo.example.fr;Usager;titulaire;01/01/2024\n")
    response = bretagne.post(f"/bodies/{cts.id}/members/import/confirm", data={"content": csv_text})
    assert response.status_code == 302
    imported = db.session.scalar(select(Membership).where(Membership.body_id == cts.id, Membership.title == "Usager"))
    assert imported.person.organisation_id == other_ars().id
    occitanie_marchand = db.session.scalar(select(Person).where(Person.email == "laurent.marchand@demo.example.fr",
                                                                Person.organisation_id != other_ars().id))
    assert imported.person_id != occitanie_marchand.id


def test_admins_manage_their_ars_accounts_only(app, demo, inbox):
    admin = demo_client(app, "admin@demo.example.fr")
    page = admin.get("/admin/comptes").text
    assert "membre@demo.example.fr" in page and "bretagne" not in page and NATIONAL_ADMIN_EMAIL not in page
    form = admin.get("/admin/comptes/nouveau").text
    assert "Administrateur national" not in form and "Bretagne" not in form and "JOUVE Olivier" in form
    jouve = db.session.scalar(select(Person).where(Person.last_name == "Jouve"))
    response = admin.post("/admin/comptes/nouveau", data={
        "email": "Nouveau.Membre@demo.example.fr", "role": "member", "organisation_id": str(jouve.organisation_id),
        "person_id": str(jouve.id)})
    assert response.status_code == 302, response.text
    created = db.session.scalar(select(User).where(User.email == "nouveau.membre@demo.example.fr"))
    assert created.organisation_id == jouve.organisation_id and created.person_id == jouve.id
    assert inbox.to("nouveau.membre@demo.example.fr"), "the new account chooses its password from an e-mail"

    other_account = db.session.scalar(select(User).where(User.email == "membre@bretagne.demo.example.fr"))
    assert admin.post(f"/admin/comptes/{other_account.id}/desactiver").status_code == 404
    refused = admin.post("/admin/comptes/nouveau", data={"email": "x@demo.example.fr", "role": "member",
                                                         "organisation_id": str(other_ars().id)})
    assert refused.status_code == 422 and "N&#39;est pas un choix valide." in refused.text
    own = db.session.scalar(select(User).where(User.email == "admin@demo.example.fr"))
    response = admin.post(f"/admin/comptes/{own.id}/desactiver", follow_redirects=True)
    assert "votre propre compte" in response.text and own.active


def test_national_admins_create_an_ars_and_its_first_admin_without_reading_its_data(app, demo, inbox):
    national = demo_client(app, NATIONAL_ADMIN_EMAIL)
    home = national.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/organisations")
    listing = national.get("/organisations").text
    assert "Agence Régionale de Santé Occitanie" in listing and "Agence Régionale de Santé Bretagne" in listing
    response = national.post("/organisations", data={"name": "Agence Régionale de Santé Corse", "short_name": "ARS Corse",
                                                     "secretariat_email": "ds@ars-corse.example.fr"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/comptes/nouveau")
    corse = db.session.scalar(select(Organisation).where(Organisation.short_name == "ARS Corse"))
    duplicate = national.post("/organisations", data={"name": "agence régionale de santé corse"})
    assert duplicate.status_code == 422 and "existe déjà" not in duplicate.text and "porte déjà ce nom" in duplicate.text
    form = national.get("/admin/comptes/nouveau").text
    assert 'name="person_id"' not in form and '<option value="member"' not in form
    assert '<option value="national_admin"' in form
    response = national.post("/admin/comptes/nouveau", data={"email": "admin@ars-corse.example.fr", "role": "admin",
                                                            "organisation_id": str(corse.id)})
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "admin@ars-corse.example.fr")).organisation_id == corse.id
    accounts = national.get("/admin/comptes").text
    assert "admin@ars-corse.example.fr" in accounts and "secretariat@bretagne.demo.example.fr" in accounts
    assert "membre@demo.example.fr" not in accounts, "members' accounts are their ARS's business"
    for url in ("/bodies/", "/people/", "/mes-seances", "/deadlines", "/recherche?texte=a"):
        page = national.get(url)
        assert page.status_code in (200, 403), url
        assert "COVID" not in page.text and "Finistère" not in page.text, url
    assert national.get(f"/meetings/{demo.id}").status_code == 404
    assert national.get("/organisation").status_code == 403 and national.get("/admin/corbeille").status_code == 403


def test_an_ars_admin_cannot_reach_the_installation_pages(app, demo):
    admin = demo_client(app, "admin@demo.example.fr")
    assert admin.get("/organisations").status_code == 403
    assert "Organisations" not in admin.get("/").text.split("<main", 1)[0]


def test_a_new_admin_of_a_new_ars_starts_with_an_empty_ars(app, app_context):
    corse = Organisation(name="Agence Régionale de Santé Corse", short_name="ARS Corse")
    db.session.add(corse)
    db.session.commit()
    admin = log_in(app.test_client(), create_user(Role.ADMIN, organisation=corse))
    assert "Aucune instance" in admin.get("/bodies/").text or "<li" not in admin.get("/bodies/").text.split("<main")[1].split("</main>")[0]
    assert admin.get("/organisation").status_code == 200
    assert 'value="Agence Régionale de Santé Corse"' in admin.get("/organisation").text


def test_the_login_page_shows_the_logo_of_the_only_ars(app, app_context):
    from tests.conftest import test_organisation
    from tests.images import png_bytes

    organisation = test_organisation()
    organisation.logo, organisation.logo_mimetype = png_bytes(), "image/png"
    db.session.commit()
    assert f'src="/organisation/{organisation.id}/logo"' in app.test_client().get("/login").text


def test_synthesis_command_keeps_to_one_ars(app, demo, tmp_path):
    occitanie = demo.body_id
    bretagne = db.session.scalar(select(Body.id).where(Body.short_name == "CTS 29"))
    result = app.test_cli_runner().invoke(args=["synthesis", "--body", str(occitanie), "--body", str(bretagne),
                                                "--from", "2020-01-01", "--to", "2030-12-31",
                                                "-o", str(tmp_path / "s.docx")])
    assert result.exit_code != 0 and "plusieurs organisations" in result.output
    assert not (tmp_path / "s.docx").exists()


def test_an_account_of_a_member_sees_only_the_bodies_of_its_ars(app, demo):
    member = demo_client(app, "membre@bretagne.demo.example.fr")
    bodies = member.get("/bodies/").text
    assert "Finistère" in bodies and "COVID" not in bodies and "Santé mentale" not in bodies
    assert member.get(f"/bodies/{demo.body_id}").status_code == 404
    cts = db.session.scalar(select(Body).where(Body.short_name == "CTS 29"))
    assert member.get(f"/bodies/{cts.id}").status_code == 200
    today = date.today()
    assert all(membership.start_date <= today for membership in cts.memberships)


def test_themes_of_another_ars_are_neither_offered_nor_in_its_synthesis(app, demo):
    from app.models import Theme
    from tests.docx_reading import reopen

    db.session.add(Theme(code="bzh-littoral", name="Santé et littoral breton", organisation_id=other_ars().id,
                         position=9))
    db.session.commit()
    occitanie = demo_client(app, "secretariat@demo.example.fr")
    editor = occitanie.get(f"/meetings/{demo.id}/round-table").text
    assert "Pilier n°1" in editor and "littoral" not in editor
    response = occitanie.post("/synthesis", data={"bodies": str(demo.body_id), "date_from": "2020-05-01",
                                                  "date_to": "2020-06-30", "generate_anyway": "y"})
    assert response.status_code == 200
    document = reopen(response.data)
    text = " ".join(paragraph.text for paragraph in document.paragraphs)
    text += " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Pilier n°1" in text and "littoral" not in text


def test_the_unexcused_absences_page_lists_the_ars_own_members_only(app, demo):
    from app.models import Attendance, AttendanceStatus, Meeting
    from tests.meeting_factories import add_member, make_body, make_meeting

    body = make_body("Conférence de Bretagne", organisation=other_ars())
    absent = add_member(body, "Riou")
    for day in (date(2020, 3, 5), date(2020, 4, 2)):
        db.session.add(Attendance(meeting=make_meeting(body, day=day), person=absent.person,
                                  status=AttendanceStatus.ABSENT, position=1, voting=True))
    db.session.commit()
    occitan = db.session.scalar(select(Person).join(Attendance, Attendance.person_id == Person.id)
                                .join(Meeting, Meeting.id == Attendance.meeting_id).join(Body)
                                .where(Attendance.status == AttendanceStatus.ABSENT,
                                       Body.organisation_id != other_ars().id).limit(1))
    occitanie = demo_client(app, "secretariat@demo.example.fr").get("/absences").text
    bretagne = demo_client(app, "secretariat@bretagne.demo.example.fr").get("/absences").text
    assert "RIOU" in bretagne and "RIOU" not in occitanie
    assert occitan.last_name.upper() in occitanie and occitan.last_name.upper() not in bretagne


def test_the_state_bloc_marque_heads_the_pages_only_when_the_ars_may_use_it(app, app_context):
    from tests.conftest import test_organisation

    organisation = test_organisation()
    admin = log_in(app.test_client(), create_user(Role.ADMIN))
    assert "fr-logo" not in admin.get("/").text  # not by default: the ARS's admin says so
    values = form_values(admin.get("/organisation").text, "organisation-settings")
    values["state_brand"] = "y"
    assert admin.post("/organisation", data=values).status_code == 302
    db.session.expire_all()
    assert organisation.state_brand is True
    page = admin.get("/").text
    assert '<p class="fr-logo">République<br>française</p>' in page
    assert 'aria-controls="menu-principal"' in page and 'id="menu-principal"' in page  # the phone's menu
    assert '<p class="fr-logo">' in app.test_client().get("/login").text  # the only ARS's brand, before login
    del values["state_brand"]
    admin.post("/organisation", data=values)
    assert "fr-logo" not in admin.get("/").text

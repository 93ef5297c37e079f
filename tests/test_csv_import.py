"""Members imported from a CSV file: UTF-8 or Excel's « CSV ; » in Windows-1252, all or nothing."""
import io
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Civility, Membership, Person, Seat
from tests.admin_factories import make_body, make_organisation, make_person, seat

HEADER = ["civilité", "nom", "prénom", "email", "qualité", "collège", "siège", "suppléant de", "voix délibérative",
          "début"]
GOOD_ROWS = [
    ["M.", "Bertrand", "Maurice", "maurice.bertrand@test.example.fr", "Président URPS Médecins", "Professionnels",
     "titulaire", "", "oui", "01/01/2021"],
    ["Mme", "Fabre", "Claire", "claire.fabre@test.example.fr", "URPS Médecins", "Professionnels", "suppléant",
     "maurice.bertrand@test.example.fr", "non", "01/01/2021"],
    ["Mme", "De Sousa-Laffitte", "Élvire", "elvire@test.example.fr", "Présidente du CTS Haute Garonne", "", "Titulaire",
     "", "", "15/03/2021"],
]


def csv_text(rows, delimiter=",", header=HEADER) -> str:
    return "\r\n".join(delimiter.join(row) for row in [header, *rows]) + "\r\n"


def upload(client, body, data: bytes, filename="membres.csv"):
    return client.post(f"/bodies/{body.id}/members/import", data={"csv_file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def confirm_content(page: str) -> str:
    return unescape(re.search(r'name="content" type="hidden" value="([^"]*)"', page).group(1))


def membership_count() -> int:
    return db.session.scalar(select(func.count(Membership.id)))


@pytest.fixture
def body(app_context):
    return make_body(make_organisation(), "Groupe de travail CRSA COVID")


def import_file(client, body, data: bytes):
    preview = upload(client, body, data)
    assert preview.status_code == 200
    assert "3 ligne(s) valide(s)" in preview.text, preview.text
    assert membership_count() == 0  # nothing before the confirmation
    return client.post(f"/bodies/{body.id}/members/import/confirm", data={"content": confirm_content(preview.text)})


def check_imported(body):
    memberships = {m.person.email: m for m in db.session.scalars(select(Membership).where(Membership.body_id == body.id))}
    assert len(memberships) == 3
    titulaire = memberships["maurice.bertrand@test.example.fr"]
    substitute = memberships["claire.fabre@test.example.fr"]
    elvire = memberships["elvire@test.example.fr"]
    assert titulaire.title == "Président URPS Médecins" and titulaire.voting and titulaire.seat is Seat.TITULAIRE
    assert substitute.seat is Seat.SUPPLEANT and substitute.substitute_for_id == titulaire.id and not substitute.voting
    assert elvire.person.first_name == "Élvire" and elvire.person.last_name == "De Sousa-Laffitte"
    assert elvire.person.civility is Civility.MRS and elvire.start_date == date(2021, 3, 15) and elvire.voting


def test_secretariat_imports_a_utf8_file_with_bom(secretariat_client, body):
    response = import_file(secretariat_client, body, ("\ufeff" + csv_text(GOOD_ROWS)).encode("utf-8"))
    assert response.status_code == 302
    check_imported(body)
    assert "3 membre(s) importé(s)" in secretariat_client.get(response.headers["Location"]).text


def test_secretariat_imports_an_excel_semicolon_file_in_windows_1252(secretariat_client, body):
    data = csv_text(GOOD_ROWS, delimiter=";").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test file really is Windows-1252
    response = import_file(secretariat_client, body, data)
    assert response.status_code == 302
    check_imported(body)


def test_people_already_known_by_email_are_reused(secretariat_client, body):
    known = make_person(body.organisation, "Bertrand", "Maurice", email="Maurice.Bertrand@test.example.fr")
    preview = upload(secretariat_client, body, csv_text(GOOD_ROWS).encode())
    assert "personne déjà connue" in preview.text
    secretariat_client.post(f"/bodies/{body.id}/members/import/confirm", data={"content": confirm_content(preview.text)})
    assert db.session.scalar(select(func.count(Person.id))) == 3
    assert db.session.scalar(select(Membership.person_id).where(Membership.title == "Président URPS Médecins")) == known.id


def test_a_suppleant_may_stand_for_a_titulaire_already_in_the_body(secretariat_client, body):
    titulaire = seat(make_person(body.organisation, "Bertrand", "Maurice", email="maurice.bertrand@test.example.fr"),
                     body, "Président URPS Médecins")
    preview = upload(secretariat_client, body, csv_text([GOOD_ROWS[1]]).encode())
    assert "1 ligne(s) valide(s)" in preview.text
    secretariat_client.post(f"/bodies/{body.id}/members/import/confirm", data={"content": confirm_content(preview.text)})
    substitute = db.session.scalar(select(Membership).where(Membership.seat == Seat.SUPPLEANT))
    assert substitute.substitute_for_id == titulaire.id


def test_a_titulaire_gets_no_more_suppleants_than_the_body_allows(secretariat_client, body):
    """D.1432-30 (two per titulaire for the CRSA, a setting of each body): one in office already, the file's
    second is accepted, its third refused, and nothing is imported."""
    titulaire = seat(make_person(body.organisation, "Bertrand", "Maurice", email="maurice.bertrand@test.example.fr"),
                     body, "Président URPS Médecins")
    seat(make_person(body.organisation, "Ancien", "Suppléant"), body, seat_kind=Seat.SUPPLEANT, substitute_for=titulaire)
    second = GOOD_ROWS[1]
    third = ["M.", "Roux", "Paul", "paul.roux@test.example.fr", "URPS Médecins", "Professionnels", "suppléant",
             "maurice.bertrand@test.example.fr", "non", "01/01/2021"]
    response = upload(secretariat_client, body, csv_text([second, third]).encode())
    assert ("Ligne 3 : le titulaire maurice.bertrand@test.example.fr aurait plus de 2 suppléants : au plus 2 par "
            "titulaire dans cette instance") in response.text
    assert "Ligne 2 :" not in response.text and 'name="content"' not in response.text
    assert membership_count() == 2


@pytest.mark.parametrize("row_index, column, value, message", [
    (2, 9, "2021-03-15", "Ligne 4 : date de début « 2021-03-15 » invalide (JJ/MM/AAAA attendu)"),
    (2, 3, "elvire-at-test", "Ligne 4 : adresse électronique invalide « elvire-at-test »"),
    (1, 7, "inconnu@test.example.fr", "Ligne 3 : le titulaire inconnu@test.example.fr n&#39;est ni titulaire dans le "
                                      "fichier ni titulaire actuel de l&#39;instance"),
    (1, 7, "", "Ligne 3 : indiquez dans « suppléant de » l&#39;adresse du titulaire remplacé"),
    (0, 0, "Dr", "Ligne 2 : civilité « Dr » inconnue (M. ou Mme attendu)"),
    (0, 6, "membre", "Ligne 2 : siège « membre » inconnu (titulaire ou suppléant attendu)"),
    (0, 8, "peut-être", "Ligne 2 : voix délibérative « peut-être » : oui ou non attendu"),
])
def test_a_bad_line_is_reported_and_nothing_is_written(secretariat_client, body, row_index, column, value, message):
    rows = [list(row) for row in GOOD_ROWS]
    rows[row_index][column] = value
    response = upload(secretariat_client, body, csv_text(rows, delimiter=";").encode("cp1252"))
    assert response.status_code == 200
    assert message in response.text
    assert "rien n'a été importé" in response.text and 'name="content"' not in response.text
    assert membership_count() == 0 and db.session.scalar(select(func.count(Person.id))) == 0


def test_a_missing_column_is_reported(secretariat_client, body):
    header = [column for column in HEADER if column != "nom"]
    rows = [row[:1] + row[2:] for row in GOOD_ROWS]
    response = upload(secretariat_client, body, csv_text(rows, header=header).encode())
    assert "Colonne manquante : « nom »." in response.text
    assert membership_count() == 0


def test_duplicate_lines_and_existing_seats_are_reported(secretariat_client, body):
    seat(make_person(body.organisation, "De Sousa", "Elvire", email="elvire@test.example.fr"), body,
         start=date(2021, 3, 15))
    response = upload(secretariat_client, body, csv_text(GOOD_ROWS + [GOOD_ROWS[0]]).encode())
    assert "Ligne 4 : Mme Elvire DE SOUSA a déjà un mandat dans cette instance commençant le 15/03/2021" in response.text
    assert "Ligne 5 : l&#39;adresse maurice.bertrand@test.example.fr figure déjà plus haut dans le fichier" in response.text
    assert membership_count() == 1


def test_a_tampered_confirmation_is_checked_again(secretariat_client, body):
    rows = [list(row) for row in GOOD_ROWS]
    rows[0][9] = "31/02/2021"
    response = secretariat_client.post(f"/bodies/{body.id}/members/import/confirm", data={"content": csv_text(rows)})
    assert response.status_code == 200
    assert "Ligne 2 : date de début « 31/02/2021 » invalide" in response.text
    assert membership_count() == 0


def test_upload_checks_type_size_and_encoding(secretariat_client, body):
    response = upload(secretariat_client, body, b"%PDF-1.4", filename="membres.pdf")
    assert "Le fichier doit être un fichier CSV (.csv ou .txt)." in response.text
    response = upload(secretariat_client, body, b"a" * (1024 * 1024 + 1))
    assert "Le fichier dépasse 1 Mo." in response.text
    response = upload(secretariat_client, body, b"a" * (3 * 1024 * 1024))
    assert response.status_code == 413 and "Envoi trop volumineux" in response.text
    response = upload(secretariat_client, body, b"")
    assert response.status_code == 200 and membership_count() == 0
    page = secretariat_client.get(f"/bodies/{body.id}/members/import").text
    assert "suppléant de" in page and "JJ/MM/AAAA" in page


def test_a_confirmation_larger_than_flask_default_form_limit_is_read(secretariat_client, body):
    """Flask refuses form fields over 500 kB by default; a 1 MB file must still come back for confirmation."""
    long_text = "é" * 100_000
    content = csv_text([["M.", long_text, long_text, "long@test.example.fr", long_text, "", "titulaire", "", "",
                         "01/01/2021"]])
    assert len(content.encode()) > 600_000
    response = secretariat_client.post(f"/bodies/{body.id}/members/import/confirm", data={"content": content},
                                       content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Ligne 2 : nom trop long (100 caractères au plus)" in response.text
    assert membership_count() == 0


def test_an_unreadable_csv_is_reported_not_crashed(secretariat_client, body):
    content = csv_text([["M.", "x" * 200_000, "", "a@test.example.fr", "", "", "titulaire", "", "", "01/01/2021"]])
    response = secretariat_client.post(f"/bodies/{body.id}/members/import/confirm", data={"content": content},
                                       content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Ligne 2 : le fichier n&#39;est pas un CSV lisible" in response.text
    assert membership_count() == 0


def test_a_titulaire_mandate_overlapping_a_running_one_is_refused(secretariat_client, body):
    """One person holds one seat: the file's titulaire mandate starting while their current one runs is
    refused, with the running one's dates; nothing is imported."""
    person = make_person(body.organisation, "Bertrand", "Maurice", email="maurice.bertrand@test.example.fr")
    seat(person, body, "Président URPS Médecins", start=date(2019, 1, 1))
    response = upload(secretariat_client, body, csv_text([GOOD_ROWS[0]]).encode())
    assert ("Ligne 2 : Mme Maurice BERTRAND a déjà un mandat de titulaire dans cette instance du 01/01/2019 sans date "
            "de fin : un nouveau mandat commence après la fin du précédent") in unescape(response.text)
    assert 'name="content"' not in response.text and membership_count() == 1

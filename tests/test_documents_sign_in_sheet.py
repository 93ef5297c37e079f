"""The feuille d'émargement read back: who signs, in which order, on an A4 page."""
from __future__ import annotations

from datetime import date

from docx.shared import Cm
from sqlalchemy import select

from app.demo import SEED_EXCUSED, SEED_PRESENT, WORKING_GROUP_NAME
from app.documents.queries import load_meeting_for_sign_in_sheet
from app.documents.sign_in_sheet import build_sign_in_sheet
from app.documents.typography import french_typography as fr
from app.extensions import db
from app.models import Capacity, Civility, Invitation, InvitationResponse, Membership, Person
from docx_reading import header_text, repeated_header_flags, reopen, styled_paragraphs, table_rows

HEADER = ["NOMS", "QUALITÉ", "TITULAIRE / SUPPLÉANT", "POUVOIR DONNÉ À", "SIGNATURE"]
BLANK = [["", "", "", "", ""]] * 5  # for unexpected attendees


def sheet_of(meeting):
    return reopen(build_sign_in_sheet(load_meeting_for_sign_in_sheet(meeting.id)))


def test_sign_in_sheet_lists_every_convened_member_sorted_by_name_with_an_empty_signature(demo):
    document = sheet_of(demo)
    assert [text for _style, text in styled_paragraphs(document)] == [
        fr("Feuille d'émargement"),
        WORKING_GROUP_NAME,
        demo.title,
        fr("Date : jeudi 28 mai 2020, de 10h00 à 12h00"),
        fr("Lieu : Visioconférence"),
    ]
    convened = sorted(SEED_PRESENT + SEED_EXCUSED, key=lambda row: (row[1].casefold(), row[2].casefold()))
    expected = [[f"{civility.value} {last.upper()} {first}".strip(), fr(title), "Titulaire", "", ""]
                for civility, last, first, title in convened]
    (table,) = document.tables
    rows = table_rows(table)
    assert rows == [HEADER] + expected + BLANK
    assert rows[1][0] == "M. BERTRAND Maurice" and rows[-6][0] == "M. SERRES Simon"
    assert repeated_header_flags(table) == [True] + [False] * (len(expected) + 5)


def test_sign_in_sheet_fits_an_a4_portrait_page(demo):
    document = sheet_of(demo)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    usable = section.page_width - section.left_margin - section.right_margin
    widths = [column.width for column in document.tables[0].columns]
    assert sum(widths) <= usable and widths[-1] >= Cm(6)  # a signature column at least 6 cm wide
    assert all(row.height >= Cm(1) for row in document.tables[0].rows[1:])  # room to sign
    assert WORKING_GROUP_NAME in header_text(document)


def test_suppleant_and_non_members_are_told_apart(demo):
    substitute = db.session.scalar(select(Person).where(Person.last_name == "Fabre"))
    guest = Person(organisation=substitute.organisation, civility=Civility.MR, last_name="Auger", first_name="Luc")
    former = Person(organisation=substitute.organisation, civility=Civility.MRS, last_name="Zeller", first_name="Ida")
    db.session.add(Membership(person=former, body=demo.body, title="Ancienne membre", start_date=date(2010, 1, 1),
                              end_date=date(2015, 1, 1)))
    demo.invitations += [
        Invitation(person=substitute, title="URPS Médecins (suppléante)"),
        Invitation(person=guest, title="Expert", capacity=Capacity.GUEST),
        Invitation(person=former, title="Ancienne membre"),
    ]
    db.session.commit()
    rows = {row[0]: row for row in table_rows(sheet_of(demo).tables[0])}
    assert rows["Mme FABRE Claire"][1:] == [fr("URPS Médecins (suppléante)"), "Suppléant", "", ""]
    assert rows["M. AUGER Luc"][2] == "Invité"
    assert rows["Mme ZELLER Ida"][2] == ""
    assert list(rows)[1] == "M. AUGER Luc"


def test_accented_names_sort_with_their_letter(demo):
    """« Étienne » among the E, not after Z as a plain code-point sort would put it."""
    organisation = demo.body.organisation
    demo.invitations += [
        Invitation(person=Person(organisation=organisation, civility=Civility.MRS, last_name=last, first_name="Élise"),
                   title="Invitée", capacity=Capacity.GUEST)
        for last in ("Zweig", "Étienne", "Œuvrard", "etchegoyen")
    ]
    db.session.commit()
    names = [row[0] for row in table_rows(sheet_of(demo).tables[0])[1:] if row[0]]
    positions = {name.split()[1]: index for index, name in enumerate(names)}
    assert positions["ETCHEGOYEN"] + 1 == positions["ÉTIENNE"] and names[-1] == "Mme ZWEIG Élise"
    assert [name.split()[1][0] for name in names] == sorted(
        [name.split()[1][0] for name in names], key=lambda letter: letter.replace("É", "E").replace("Œ", "O"))


def test_meeting_without_convocations_says_so_instead_of_an_empty_table(demo):
    demo.invitations = []
    db.session.commit()
    document = sheet_of(demo)
    assert document.tables == []
    assert styled_paragraphs(document)[-1][1] == fr("Aucune personne n'est convoquée à cette séance.")


def test_secretariat_downloads_the_sign_in_sheet(demo, secretariat_client):
    response = secretariat_client.get(f"/meetings/{demo.id}/sign-in-sheet.docx")
    assert response.status_code == 200
    assert "emargement-2020-05-28-gt-covid-deconfinement.docx" in response.headers["Content-Disposition"]
    assert table_rows(reopen(response.data).tables[0])[0] == HEADER


def test_pouvoir_column_names_the_holder_and_ars_staff_sign_in_their_own_block(demo):
    holder = db.session.scalar(select(Person).where(Person.last_name == "Marchand", Person.first_name == "Laurent"))
    giver = next(invitation for invitation in demo.invitations if invitation.person_id != holder.id)
    giver.response, giver.proxy_holder = InvitationResponse.PROXY, holder
    staff = Person(organisation=holder.organisation, civility=Civility.MRS, last_name="Ricard", first_name="Ève")
    demo.invitations.append(Invitation(person=staff, title="Directrice de la santé publique",
                                       capacity=Capacity.ARS_STAFF))
    db.session.commit()
    document = sheet_of(demo)
    members, ars = document.tables
    rows = {row[0]: row for row in table_rows(members)}
    assert rows[giver.person.formal_name][3] == "M. MARCHAND Laurent"
    assert "Mme RICARD Ève" not in rows
    assert table_rows(ars) == [["NOMS", "FONCTION", "SIGNATURE"], ["Mme RICARD Ève", "Directrice de la santé publique", ""]]
    assert fr("Personnes présentes au titre de l'Agence Régionale de Santé") in [
        text for style, text in styled_paragraphs(document) if style == "Heading 2"]

"""The compte rendu read back from the .docx file: seed 004 section by section."""
from __future__ import annotations

import base64
from datetime import date

from docx.oxml.ns import qn

from app.demo import ORGANISATION_NAME, SEED_ARS_STAFF, SEED_EXCUSED, SEED_PRESENT, WORKING_GROUP_NAME
from app.documents.minutes import build_minutes
from app.documents.queries import load_meeting_for_minutes
from app.documents.text_blocks import text_blocks
from app.documents.typography import NBSP, french_typography as fr
from app.extensions import db
from app.formatting import alphabetical_key, paris_datetime
from app.models import (
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Capacity,
    Civility,
    Meeting,
    Organisation,
    Person,
)
from docx_reading import (
    body_text,
    field_codes,
    header_text,
    headings,
    repeated_header_flags,
    reopen,
    styled_paragraphs,
    table_rows,
)

# A 1×1 transparent PNG: the smallest logo Word accepts.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
ARS_HEADING = fr("Personnes présentes au titre de l'Agence Régionale de Santé")


def formal(civility, last_name, first_name):
    return f"{civility.value} {last_name.upper()} {first_name}".strip()


def demo_minutes(demo, draft=True):
    return reopen(build_minutes(load_meeting_for_minutes(demo.id), draft=draft))


def test_compte_rendu_follows_seed_004_sections_in_order_with_heading_styles(demo):
    document = demo_minutes(demo)
    paragraphs = styled_paragraphs(document)
    assert paragraphs[0] == ("Title", demo.title)
    assert paragraphs[1] == ("Normal", "Compte rendu de la séance du jeudi 28 mai 2020")
    assert paragraphs[2:6] == [("Normal", fr("Instance : Groupe de travail CRSA COVID Déconfinement")),
                               ("Normal", fr("Horaires : de 10h00 à 12h00")), ("Normal", fr("Lieu : Visioconférence")),
                               ("Normal", fr("Ordre du jour :"))]
    assert paragraphs[6] == ("List Number", fr("Ségur de la Santé : élargissement de la réflexion du groupe de travail"))
    assert paragraphs[9][1].startswith("Le 25 mai le Premier ministre")
    assert headings(document) == [
        ("Heading 1", "Méthode de travail retenue"),
        ("Heading 1", "Tour de table des participants"),
        ("Heading 2", "Points forts relevés"),
        ("Heading 2", "Des thématiques mises en exergue durant la gestion de crise"),
        ("Heading 1", "Prochaines échéances"),
        ("Heading 1", "Participants"),
        ("Heading 2", "Étaient présents"),
        ("Heading 2", "Étaient excusés"),
        ("Heading 2", ARS_HEADING),
    ]
    texts = [text for _style, text in paragraphs]
    conclusion = texts.index(fr("A l'issue du tour de table, il est convenu que chaque participant adressera à l'ARS, "
                                "les principaux points qu'il a relevé au regard des enjeux du Ségur de la Santé."))
    assert texts.index("Des thématiques mises en exergue durant la gestion de crise") < conclusion
    assert conclusion < texts.index("Prochaines échéances", conclusion)  # the heading, not the ordre du jour


def test_context_bullets_become_list_items_and_other_lines_paragraphs(demo):
    paragraphs = styled_paragraphs(demo_minutes(demo))
    assert ("List Bullet", fr("Des partages d'expérience dans les territoires à partir du 29 mai")) in paragraphs
    assert ("List Bullet", fr("Pilier n°4 : Fédérer les acteurs de la santé dans les territoires au service des "
                              "usagers.")) in paragraphs
    assert ("Normal", fr("Les concertations du Ségur de la Santé reposent sur 4 piliers :")) in paragraphs
    assert not any(text.startswith("- ") for _style, text in paragraphs)


def test_sub_points_and_deadline_dates_are_second_list_level(demo):
    document = demo_minutes(demo)
    paragraphs = styled_paragraphs(document)
    start = paragraphs.index(("List Bullet", fr("Emergence de nouvelles modalités de collaboration :")))
    assert [style for style, _text in paragraphs[start:start + 4]] == [
        "List Bullet", "List Bullet 2", "List Bullet 2", "List Bullet"]
    assert paragraphs[start + 1][1].startswith("Des exemples de coopérations territoriales")
    deadlines = paragraphs.index(("List Bullet", fr("Réunions du groupe de travail CRSA COVID :")))
    assert paragraphs[deadlines - 1] == ("List Bullet", "Réunion de la CRSA le mercredi 3 juin 2020 à 14h00")
    assert paragraphs[deadlines + 1:deadlines + 5] == [
        ("List Bullet 2", "Le mardi 9 juin 2020 à 10h30"),
        ("List Bullet 2", "Le mardi 16 juin 2020 à 14h30"),
        ("List Bullet 2", "Le mardi 23 juin 2020 à 11h00"),
        ("List Bullet", fr("Synthèses des retours d'expérience attendues le samedi 20 juin 2020")),
    ]
    # The list styles are real Word lists: their numbering levels differ.
    levels = {}
    for name in ("List Bullet", "List Bullet 2"):
        numbering = document.styles[name].element.find(qn("w:pPr")).find(qn("w:numPr"))
        levels[name] = numbering.find(qn("w:numId")).get(qn("w:val"))
    assert levels["List Bullet"] != levels["List Bullet 2"]


def test_every_name_and_qualite_of_seed_004_is_in_the_attendance(demo):
    document = demo_minutes(demo)
    present, excused = document.tables
    # Every name of seed 004, sorted alphabetically as on a sign-in sheet.
    assert table_rows(present) == [["NOMS", "QUALITÉ"]] + [
        [formal(civility, last, first), fr(title)] for civility, last, first, title in sorted(
            SEED_PRESENT, key=lambda row: (alphabetical_key(row[1]), alphabetical_key(row[2])))]
    assert table_rows(excused) == [["NOMS", "QUALITÉ"]] + [
        [formal(civility, last, first), fr(title)] for civility, last, first, title in sorted(
            SEED_EXCUSED, key=lambda row: (alphabetical_key(row[1]), alphabetical_key(row[2])))]
    assert ["M. MARCHAND Laurent", "Président de la CRSA"] in table_rows(present)
    assert ["Mme DURAND GOUDIN", "Directrice ERE OCCITANIE"] in table_rows(present)
    paragraphs = styled_paragraphs(document)
    staff_start = paragraphs.index(("Heading 2", ARS_HEADING)) + 1
    assert paragraphs[staff_start:] == [
        ("List Bullet", fr(f"{civility.value} {first} {last.upper()}, {title}"))
        for civility, last, first, title in SEED_ARS_STAFF]
    assert paragraphs[staff_start] == ("List Bullet", "M. Pierre RICARD, Directeur Général Adjoint")


def test_tables_use_a_style_and_repeat_their_header_row(demo):
    for table in demo_minutes(demo).tables:
        assert table.style.name == "Table Grid"
        flags = repeated_header_flags(table)
        assert flags[0] is True and not any(flags[1:])


def test_footer_numbers_pages_with_word_fields_and_header_names_organisation_and_body(demo):
    document = demo_minutes(demo, draft=False)
    footer = document.sections[0].footer
    assert field_codes(footer._element) == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text == "Page 1 / 1"  # placeholders until Word computes the fields
    assert header_text(document).split("\n") == [ORGANISATION_NAME, WORKING_GROUP_NAME]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_draft_says_projet_on_every_page_and_validated_version_does_not(demo):
    assert "PROJET" in header_text(demo_minutes(demo, draft=True))
    final = demo_minutes(demo, draft=False)
    assert "PROJET" not in header_text(final) and "PROJET" not in body_text(final)


def test_organisation_logo_is_drawn_in_the_page_header(demo):
    demo.body.organisation.logo = TINY_PNG
    demo.body.organisation.logo_mimetype = "image/png"
    db.session.commit()
    header = demo_minutes(demo).sections[0].header
    assert len(header._element.findall(".//" + qn("w:drawing"))) == 1
    images = [rel for rel in header.part.rels.values() if rel.reltype.endswith("/image")]
    assert len(images) == 1 and images[0].target_part.blob == TINY_PNG
    assert ORGANISATION_NAME in header_text(demo_minutes(demo))


def test_a_logo_word_cannot_read_is_left_out_without_failing(demo):
    demo.body.organisation.logo = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    db.session.commit()
    header = demo_minutes(demo).sections[0].header
    assert header._element.findall(".//" + qn("w:drawing")) == []
    assert ORGANISATION_NAME in header_text(demo_minutes(demo))


def make_meeting(**fields) -> Meeting:
    organisation = Organisation(name="ARS « Île-de-France » & <Outre-mer>")
    body = Body(organisation=organisation, kind=BodyKind.CTS, name="CTS de l’Œuvre")
    meeting = Meeting(body=body, title="Séance d’été", starts_at=paris_datetime(date(2021, 8, 1), 9),
                      ends_at=paris_datetime(date(2021, 8, 1), 11), **fields)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def person(organisation, civility, last_name, first_name):
    return Person(organisation=organisation, civility=civility, last_name=last_name, first_name=first_name)


def test_special_characters_survive_and_dates_are_french(app_context):
    meeting = make_meeting(context="L’« œuvre » commune & <santé> : écoute, Noël\n- Cœur à « cœur »")
    document = reopen(build_minutes(load_meeting_for_minutes(meeting.id)))
    paragraphs = styled_paragraphs(document)
    assert paragraphs[1] == ("Normal", "Compte rendu de la séance du dimanche 1er août 2021")
    assert paragraphs[5] == ("Normal", f"L’«{NBSP}œuvre{NBSP}» commune & <santé>{NBSP}: écoute, Noël")
    assert paragraphs[6] == ("List Bullet", f"Cœur à «{NBSP}cœur{NBSP}»")
    assert header_text(document).split("\n")[:2] == ["ARS « Île-de-France » & <Outre-mer>", "CTS de l’Œuvre"]


def test_empty_sections_are_left_out(app_context):
    meeting = make_meeting(context="", working_method="  \n", round_table_conclusion="")
    document = reopen(build_minutes(load_meeting_for_minutes(meeting.id)))
    assert headings(document) == []
    assert document.tables == []
    assert [text for _style, text in styled_paragraphs(document)] == [
        "Séance d’été", "Compte rendu de la séance du dimanche 1er août 2021", fr("Instance : CTS de l’Œuvre"),
        fr("Horaires : de 09h00 à 11h00"), fr("Lieu : non précisé")]


def test_represented_members_and_guests_have_their_own_sections(app_context):
    meeting = make_meeting()
    organisation = meeting.body.organisation
    titulaire = person(organisation, Civility.MRS, "Lefèvre", "Anne")
    proxy = person(organisation, Civility.MR, "Nguyen", "Paul")
    guest = person(organisation, Civility.MRS, "Roussel", "Zoé")
    meeting.attendances = [
        Attendance(person=titulaire, status=AttendanceStatus.REPRESENTED, represented_by=proxy,
                   title="Présidente de l'URIOPSS", position=1),
        Attendance(person=guest, status=AttendanceStatus.PRESENT, capacity=Capacity.GUEST,
                   title="Experte invitée", position=2),
    ]
    db.session.commit()
    document = reopen(build_minutes(load_meeting_for_minutes(meeting.id)))
    assert headings(document) == [("Heading 1", "Participants"), ("Heading 2", "Étaient représentés"),
                                  ("Heading 2", "Assistaient également")]
    assert table_rows(document.tables[0])[1] == [
        "Mme LEFÈVRE Anne, représentée par M. NGUYEN Paul", "Présidente de l’URIOPSS"]
    assert styled_paragraphs(document)[-1] == ("List Bullet", "Mme Zoé ROUSSEL, Experte invitée")


def test_control_characters_pasted_into_a_text_do_not_break_the_file(app_context):
    meeting = make_meeting(working_method="Vote\x1f à main levée\x01")
    document = reopen(build_minutes(load_meeting_for_minutes(meeting.id)))
    assert ("Normal", "Vote à main levée") in styled_paragraphs(document)


def test_text_blocks_group_consecutive_bullets_and_drop_blank_lines():
    blocks = text_blocks("Intro :\n- un\n-   deux \n\nSuite\n- trois\n-\n")
    assert [(block.text, block.items) for block in blocks] == [
        ("Intro :", []), ("", ["un", "deux"]), ("Suite", []), ("", ["trois"])]
    assert text_blocks(None) == [] and text_blocks("") == []


def test_meeting_page_shows_context_bullets_as_a_list(demo, secretariat_client):
    page = secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "<li>Des partages d&#39;expérience dans les territoires à partir du 29 mai</li>" in page
    assert "<p>Il est proposé que la CRSA organise et anime ces partages d&#39;expérience.</p>" in page

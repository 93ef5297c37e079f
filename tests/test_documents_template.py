"""The organisation's own Word template: an admin uploads the ARS's .dotx or .docx on the « Organisation »
page; every document then keeps its styles, header, footer and page set-up, never its own text. A template
missing a style the documents use, or a file that is no Word document, is refused and nothing is stored."""
from __future__ import annotations

import io
import zipfile

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from sqlalchemy import select

from app.demo import OTHER_ORGANISATION_NAME
from app.documents.word import DOCUMENT_MAIN_TYPE, TEMPLATE_MAIN_TYPE, document_bytes
from app.documents.workflow import minutes_file
from app.extensions import db
from app.models import Organisation, Role
from docx_reading import body_text, reopen
from tests.conftest import create_user, log_in
from tests.test_documents_attendance_certificate import present_member

HEADER_TEXT = "ARS Normandie — Direction de la santé publique"
FOOTER_TEXT = "ARS Normandie — 2 place Jean Nouzille, 14000 Caen"
TEMPLATE_BODY = "Texte propre au modèle, à ne jamais reprendre"
TEMPLATE_FONT = "Georgia"
TEMPLATE_BLUE = RGBColor(0x00, 0x33, 0x99)


def make_template(*, dotx: bool = False, without: tuple[str, ...] = ()) -> bytes:
    """An ARS template made as Word would: its Heading 1 in Georgia blue, a header, a footer, some text,
    a left margin of 3 cm; a .dotx declares its main part as a template."""
    document = docx.Document()
    heading = document.styles["Heading 1"]
    heading.font.name, heading.font.color.rgb, heading.font.size = TEMPLATE_FONT, TEMPLATE_BLUE, Pt(18)
    section = document.sections[0]
    section.page_width, section.page_height, section.left_margin = Mm(210), Mm(297), Mm(30)
    section.header.paragraphs[0].text = HEADER_TEXT
    section.footer.paragraphs[0].text = FOOTER_TEXT
    document.add_paragraph(TEMPLATE_BODY)
    for name in without:
        style = document.styles[name].element
        style.getparent().remove(style)
    content = document_bytes(document)
    if dotx:
        content = rewrite_main_type(content, DOCUMENT_MAIN_TYPE, TEMPLATE_MAIN_TYPE)
    return content


def rewrite_main_type(content: bytes, old: str, new: str) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            copy.writestr(info, data.replace(old.encode(), new.encode()) if info.filename == "[Content_Types].xml"
                          else data)
    return target.getvalue()


def settings_form(**values) -> dict:
    return {"name": "ARS Occitanie", "short_name": "ARS OC", "secretariat_email": "ds@ars.example.fr", **values}


def upload(client, content: bytes, filename: str = "modele-ars.dotx", **values):
    return client.post("/organisation", data=settings_form(word_template=(io.BytesIO(content), filename), **values))


def header_and_footer_text(document) -> tuple[str, str]:
    section = document.sections[0]
    return ("\n".join(p.text for p in section.header.paragraphs),
            "\n".join(p.text for p in section.footer.paragraphs))


def assert_uses_template(document) -> None:
    header, footer = header_and_footer_text(document)
    assert HEADER_TEXT in header and FOOTER_TEXT in footer
    heading = document.styles["Heading 1"]
    assert heading.font.name == TEMPLATE_FONT and heading.font.color.rgb == TEMPLATE_BLUE
    assert round(document.sections[0].left_margin.mm) == 30  # the template's page set-up
    assert TEMPLATE_BODY not in body_text(document)
    # Still the document's own facts: French proofing, current compatibility mode, its own properties.
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "fr-FR"
    modes = [setting.get(qn("w:val")) for setting in document.settings.element.iter(qn("w:compatSetting"))
             if setting.get(qn("w:name")) == "compatibilityMode"]
    assert modes == ["15"]
    assert document.core_properties.author != "python-docx"


def documents_of(client, demo) -> dict:
    person_id = present_member(demo).person_id
    urls = {"minutes": f"/meetings/{demo.id}/minutes.docx",
            "sign_in_sheet": f"/meetings/{demo.id}/sign-in-sheet.docx",
            "certificate": f"/meetings/{demo.id}/attendance-certificates/{person_id}.docx"}
    documents = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        documents[name] = reopen(response.data)
    return documents


def test_an_uploaded_dotx_heads_every_document_with_its_styles_header_and_footer(demo, admin_client,
                                                                                secretariat_client):
    page = admin_client.get("/organisation").get_data(as_text=True)
    assert "Aucun modèle" in page and 'name="word_template"' in page
    template = make_template(dotx=True)
    assert upload(admin_client, template).status_code == 302
    organisation = demo.body.organisation
    db.session.refresh(organisation)
    assert organisation.word_template == template and organisation.word_template_filename == "modele-ars.dotx"
    assert organisation.word_template_uploaded_at is not None
    assert "modele-ars.dotx" in admin_client.get("/organisation").get_data(as_text=True)

    documents = documents_of(secretariat_client, demo)
    for name, document in documents.items():
        assert_uses_template(document)
        assert document.paragraphs and document.paragraphs[0].style.name == "Title", name
    minutes = documents["minutes"]
    assert "Participants" in [p.text for p in minutes.paragraphs if p.style.name == "Heading 1"]
    header, _ = header_and_footer_text(minutes)
    assert "PROJET" in header  # the draft mark is still added below the template's header
    assert minutes.core_properties.title.startswith("Compte rendu")


def test_the_frozen_validated_file_uses_the_template(demo, admin_client, secretariat_client):
    assert upload(admin_client, make_template(), "modele-ars.docx").status_code == 302
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/validate").status_code == 302
    db.session.expire_all()
    frozen = reopen(minutes_file(demo))
    assert_uses_template(frozen)
    assert "PROJET" not in header_and_footer_text(frozen)[0]


def test_a_template_missing_a_style_is_refused_with_the_french_list_and_nothing_is_stored(demo, admin_client):
    response = upload(admin_client, make_template(without=("Heading 2", "List Bullet 3")), name="Autre nom")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Le modèle ne contient pas les styles : Titre 2, Liste à puces 3." in page
    assert 'id="word_template-erreurs"' in page and 'value="Autre nom"' in page
    organisation = demo.body.organisation
    db.session.refresh(organisation)
    assert organisation.word_template is None and organisation.word_template_filename is None
    assert organisation.name != "Autre nom"


def test_a_file_that_is_no_word_document_is_refused(demo, admin_client):
    zip_buffer = io.BytesIO()
    with zipfile.ZipFile(zip_buffer, "w") as archive:
        archive.writestr("readme.txt", "pas un document Word")
    cases = [(b"%PDF-1.4 modele", "modele.dotx", "Le modèle doit être un document ou un modèle Word"),
             (zip_buffer.getvalue(), "modele.docx", "Le modèle doit être un document ou un modèle Word"),
             (make_template()[:500], "modele.docx", "Le modèle doit être un document ou un modèle Word"),
             (b"", "modele.docx", "Le fichier est vide."),
             (make_template() + b"\x00" * (5 * 1024 * 1024), "modele.docx", "Le modèle dépasse 5 Mo.")]
    for content, filename, message in cases:
        response = upload(admin_client, content, filename)
        assert response.status_code == 200, filename
        assert message in response.get_data(as_text=True), filename
    assert db.session.scalar(select(Organisation.word_template).where(
        Organisation.id == demo.body.organisation_id)) is None


def test_removing_the_template_brings_back_the_built_in_look(demo, admin_client, secretariat_client):
    assert upload(admin_client, make_template(), "modele-ars.docx").status_code == 302
    # Saving the page again without a file keeps the template.
    assert admin_client.post("/organisation", data=settings_form()).status_code == 302
    assert db.session.scalar(select(Organisation.word_template_filename).where(
        Organisation.id == demo.body.organisation_id)) == "modele-ars.docx"
    assert admin_client.post("/organisation", data=settings_form(remove_word_template="y")).status_code == 302
    organisation = demo.body.organisation
    db.session.refresh(organisation)
    assert organisation.word_template is None and organisation.word_template_filename is None
    for document in documents_of(secretariat_client, demo).values():
        header, footer = header_and_footer_text(document)
        assert HEADER_TEXT not in header and FOOTER_TEXT not in footer and organisation.name in header
        assert document.styles["Heading 1"].font.color.rgb == RGBColor(0, 0, 0)
        assert document.sections[0].orientation == WD_ORIENT.PORTRAIT
        assert round(document.sections[0].left_margin.mm) == 20


def test_another_ars_neither_sees_nor_changes_nor_uses_the_template(app, demo, admin_client):
    assert upload(admin_client, make_template(), "modele-normandie.docx").status_code == 302
    other = db.session.scalar(select(Organisation).where(Organisation.name == OTHER_ORGANISATION_NAME))
    other_admin = log_in(app.test_client(), create_user(Role.ADMIN, organisation=other))
    page = other_admin.get("/organisation").get_data(as_text=True)
    assert "modele-normandie.docx" not in page and "Aucun modèle" in page
    response = other_admin.post("/organisation", data=settings_form(name=other.name, remove_word_template="y"))
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.word_template_filename).where(
        Organisation.id == demo.body.organisation_id)) == "modele-normandie.docx"
    db.session.refresh(other)
    assert other.word_template is None

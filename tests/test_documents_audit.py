"""Audit of the Word documents users send out: what each file says, read back with python-docx."""
from __future__ import annotations

import docx
from sqlalchemy import select

from app.documents.minutes import build_minutes
from app.documents.queries import load_meeting_for_minutes, load_meeting_for_sign_in_sheet
from app.documents.sign_in_sheet import build_sign_in_sheet
from app.documents.word import document_bytes
from app.extensions import db
from app.documents.typography import NBSP
from app.models import MeetingStatus, RoundTablePoint, RoundTableSection, Vote
from app.votes.documents import build_avis_extract
from docx_reading import field_codes, reopen, styled_paragraphs
from tests.meeting_factories import make_body, make_meeting
from tests.test_documents_attendance_certificate import present_member
from tests.test_documents_template import make_template

CANCELLED_MARK = "Séance annulée"


def cancel(meeting) -> None:
    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()


# -- A cancelled meeting ---------------------------------------------------------------------------

def test_no_attestation_de_presence_for_a_cancelled_meeting(demo, secretariat_client):
    """An attestation says the person « a participé » to the séance, for the reimbursement of their travel:
    once the meeting is cancelled (its attendance recorded beforehand or not), no such file, nor a CSV line
    for the accountant, nor a link on the page."""
    attendance = present_member(demo)
    demo.place = "Hôtel de Région, Montpellier"  # on site: the CSV would list them
    cancel(demo)
    response = secretariat_client.get(f"/meetings/{demo.id}/attendance-certificates/{attendance.person_id}.docx")
    assert response.status_code == 404
    csv_lines = secretariat_client.get(f"/meetings/{demo.id}/in-person-attendance.csv").data.decode("utf-8-sig")
    assert csv_lines.splitlines()[1:] == []
    assert "attendance-certificates/" not in secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)


def test_the_compte_rendu_and_the_sign_in_sheet_of_a_cancelled_meeting_say_it_was_cancelled(demo):
    """A draft compte rendu or a feuille d'émargement printed for a cancelled meeting reads as one of a séance
    held (or to be held) unless it says otherwise, under its title."""
    cancel(demo)
    minutes = reopen(build_minutes(load_meeting_for_minutes(demo.id)))
    sheet = reopen(build_sign_in_sheet(load_meeting_for_sign_in_sheet(demo.id)))
    for document in (minutes, sheet):
        assert CANCELLED_MARK in [paragraph.text for paragraph in document.paragraphs[:3]]


# -- An organisation's template with odd/even headers ----------------------------------------------

def even_odd_template() -> bytes:
    """A template as Word makes one with « Pages paires et impaires différentes »: its own even header and
    footer (the ARS's address on the left)."""
    document = docx.Document()
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.header.paragraphs[0].text = "ARS Normandie — pages impaires"
    section.even_page_header.paragraphs[0].text = "ARS Normandie — pages paires"
    section.even_page_footer.paragraphs[0].text = "2 place Jean Nouzille, 14000 Caen"
    return document_bytes(document)


def test_a_draft_says_projet_on_even_pages_too_when_the_template_has_its_own_even_header(demo):
    """README: a draft says « PROJET » on every page, the pages numbered. With a template whose even pages
    have their own header and footer, page 2, 4… had neither the mark, nor the body's name, nor a number."""
    organisation = demo.body.organisation
    organisation.word_template, organisation.word_template_filename = even_odd_template(), "modele.dotx"
    db.session.commit()
    document = reopen(build_minutes(load_meeting_for_minutes(demo.id), draft=True))
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for header in (section.header, section.even_page_header):
        text = "\n".join(paragraph.text for paragraph in header.paragraphs)
        assert "PROJET" in text and demo.body.name in text, text
    assert "PAGE" in field_codes(section.even_page_footer._element)
    assert "2 place Jean Nouzille, 14000 Caen" in "\n".join(p.text for p in section.even_page_footer.paragraphs)


# -- The avis extract's file properties --------------------------------------------------------------

def test_the_avis_extract_says_what_it_is_in_its_file_properties(demo):
    """README: every .docx has core properties true to the document, subject included (File › Informations,
    the search of a document management system): the extract had an empty subject."""
    vote = next(vote for vote in db.session.scalars(select(Vote)) if vote.is_current)
    document = reopen(build_avis_extract(vote, None))
    subject = document.core_properties.subject
    assert "Extrait du relevé des avis" in subject and vote.agenda_item.meeting.body.name in subject


# -- Typography of the typed text, as the organisation chose ---------------------------------------

def test_titles_and_headings_typed_by_the_secretariat_keep_their_typography_when_the_organisation_turns_it_off(
        app_context):
    """README: French typography applies to the typed text « as the organisation chooses ». With it off, the
    context was left as typed but the meeting's title and the round-table sections' titles (typed as well)
    still had their apostrophes and spaces rewritten, so the same words read two ways in one compte rendu."""
    body = make_body("CTS test")
    meeting = make_meeting(body, title="Séance d'été : bilan !", context="Objectif : l'été !")
    section = RoundTableSection(meeting=meeting, title="Points forts : l'été", position=1)
    db.session.add(RoundTablePoint(section=section, text="Un point", position=1))
    body.organisation.french_typography = False
    db.session.commit()
    paragraphs = styled_paragraphs(reopen(build_minutes(load_meeting_for_minutes(meeting.id))))
    assert ("Title", "Séance d'été : bilan !") in paragraphs
    assert ("Normal", "Objectif : l'été !") in paragraphs
    assert ("Heading 2", "Points forts : l'été") in paragraphs
    assert ("Heading 1", "Tour de table des participants") in paragraphs
    assert ("Normal", f"Instance{NBSP}: CTS test") in paragraphs  # the tool's own labels always


# -- Tables within the margins of the organisation's template ---------------------------------------

def test_tables_fit_between_the_margins_of_a_template_with_wider_margins(demo):
    """The tables are laid out for the built-in page (17 cm between 2 cm margins). A template with a 3 cm left
    margin (as many ARS letterheads) leaves 16 cm: the attendance table and the sign-in sheet ran 1 cm into
    the right margin, cut off in print."""
    organisation = demo.body.organisation
    organisation.word_template, organisation.word_template_filename = make_template(), "modele.dotx"
    db.session.commit()
    minutes = reopen(build_minutes(load_meeting_for_minutes(demo.id)))
    sheet = reopen(build_sign_in_sheet(load_meeting_for_sign_in_sheet(demo.id)))
    for document in (minutes, sheet):
        section = document.sections[0]
        text_width = section.page_width - section.left_margin - section.right_margin
        for table in document.tables:
            columns = table._tbl.tblGrid.gridCol_lst
            assert sum(column.w for column in columns) <= text_width
            for row in table.rows:  # each cell as wide as its column
                assert [cell.width for cell in row.cells] == [column.w for column in columns]

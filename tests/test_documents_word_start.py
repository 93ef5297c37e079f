"""Every Word document starts from a start prepared once per process (the house style, or an organisation's
template keyed on its bytes): each document has parts of its own, so what one builder writes or changes
never reaches another document, nor the next one."""
from __future__ import annotations

from docx.shared import Pt

from app.documents.word import WordWriter, prepared_house_document, prepared_template
from docx_reading import reopen
from tests.test_documents_template import HEADER_TEXT, header_and_footer_text, make_template


def test_documents_from_one_start_share_nothing():
    start = prepared_house_document()
    first, second = start.new_document(), start.new_document()
    first.styles["Normal"].font.size = Pt(30)
    first.add_paragraph("Seulement dans le premier")
    first.sections[0].header.add_paragraph("En-tête du premier")
    third = start.new_document()
    for other in (second, third):
        assert other.styles["Normal"].font.size == Pt(11)
        assert not other.paragraphs and "En-tête du premier" not in header_and_footer_text(other)[0]
    assert reopen(first).styles["Normal"].font.size == Pt(30)
    assert [paragraph.text for paragraph in reopen(first).paragraphs] == ["Seulement dans le premier"]
    # A document whose styles nobody read is saved with the prepared ones, as they were.
    assert reopen(third).styles["Normal"].font.size == Pt(11)


def test_a_document_saved_untouched_is_the_prepared_one():
    start = prepared_house_document()
    prepared, copied = reopen(start._document), reopen(start.new_document())
    assert [style.name for style in copied.styles] == [style.name for style in prepared.styles]
    assert copied.element.xml == prepared.element.xml


def test_a_template_start_is_the_template_bytes_themselves():
    content = make_template()
    assert prepared_template(bytes(content)) is prepared_template(content)  # equal bytes, another object
    assert prepared_template(make_template(dotx=True)) is not prepared_template(content)
    writer = WordWriter(title="Essai", organisation=None)
    assert HEADER_TEXT not in header_and_footer_text(reopen(writer.document))[0]
    document = prepared_template(content).new_document()
    assert HEADER_TEXT in header_and_footer_text(document)[0]
    document.sections[0].header.paragraphs[0].text = "Changé dans un seul document"
    assert HEADER_TEXT in header_and_footer_text(prepared_template(content).new_document())[0]


def test_a_template_too_big_to_keep_is_prepared_for_each_document(monkeypatch):
    from app.documents import word

    content = make_template()
    monkeypatch.setattr(word, "CACHED_TEMPLATE_BYTES", len(content) - 1)
    first, second = prepared_template(content), prepared_template(content)
    assert first is not second
    assert HEADER_TEXT in header_and_footer_text(first.new_document())[0]

"""The house layout of every Word document (A4, page header, « Page X / Y » footer) and the
building blocks the builders share: headings, paragraphs, list levels, tables.

Builders produce thousands of paragraphs and rows, so style ids are looked up once per document,
paragraphs and runs are built as XML elements, and table rows are filled through their ``w:tc``
elements (python-docx's ``row.cells`` rebuilds the grid on every call): see bench/bench_documents.py.
"""
from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterable, Sequence

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

from app.documents.text_blocks import text_blocks
from app.models import Organisation

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TABLE_STYLE = "Table Grid"
BULLET_STYLES = ("List Bullet", "List Bullet 2", "List Bullet 3")
DRAFT_MARK = "PROJET"
# What python-docx raises on a damaged or unknown image (a truncated PNG, a bad JPEG segment…).
UNREADABLE_IMAGE_ERRORS = (UnrecognizedImageError, InvalidImageStreamError, UnexpectedEndOfFileError, ValueError,
                           struct.error, IndexError)
LOGO_HEIGHT = Cm(1.6)

W_PPR, W_PSTYLE, W_VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:val")
W_R, W_RPR, W_B, W_I, W_T = qn("w:r"), qn("w:rPr"), qn("w:b"), qn("w:i"), qn("w:t")
XML_SPACE = qn("xml:space")

# Characters XML 1.0 forbids (python-docx refuses them): control characters pasted from elsewhere.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str | None) -> str:
    """Text safe to put in a document: forbidden control characters removed."""
    return _XML_INVALID.sub("", text or "")


class WordWriter:
    """A new A4 document with the organisation's header, page numbers and fast append helpers."""

    def __init__(self, *, title: str, organisation: Organisation | None, header_lines: Sequence[str] = (),
                 draft: bool = False):
        self.document: Document = docx.Document()
        self._style_ids = self._paragraph_style_ids()
        self._section_properties = self.document.element.body.sectPr
        self._set_up_page()
        self._set_up_properties(title, organisation)
        self._add_page_header(organisation, header_lines, draft)
        self._add_page_number_footer()

    # -- layout --------------------------------------------------------------------------------
    def _paragraph_style_ids(self) -> dict[str, str]:
        return {
            style.name: style.style_id
            for style in self.document.styles
            if style.type == WD_STYLE_TYPE.PARAGRAPH
        }

    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
        section.header_distance = section.footer_distance = Cm(1)
        normal = self.document.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        self.document.styles["Title"].font.size = Pt(20)

    def _set_up_properties(self, title: str, organisation: Organisation | None) -> None:
        properties = self.document.core_properties
        properties.title = clean(title)
        properties.author = clean(organisation.name) if organisation else "Séances"
        properties.language = "fr-FR"

    def _add_page_header(self, organisation: Organisation | None, lines: Sequence[str], draft: bool) -> None:
        header = self.document.sections[0].header
        first = header.paragraphs[0]
        if organisation is not None and organisation.logo:
            try:
                first.add_run().add_picture(io.BytesIO(organisation.logo), height=LOGO_HEIGHT)
                first = header.add_paragraph()
            except UNREADABLE_IMAGE_ERRORS:
                pass  # a logo Word cannot show (damaged file) must not stop the document
        if organisation is not None:
            first.add_run(clean(organisation.name)).bold = True
        for line in lines:
            header.add_paragraph(clean(line))
        if draft:
            mark = header.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = mark.add_run(f"{DRAFT_MARK} — document de travail non validé")
            run.bold = True
            run.font.size = Pt(14)
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    def _add_page_number_footer(self) -> None:
        footer = self.document.sections[0].footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        add_field(footer, "PAGE", "1")
        footer.add_run(" / ")
        add_field(footer, "NUMPAGES", "1")

    # -- content -------------------------------------------------------------------------------
    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False,
                  italic_suffix: str = "") -> Paragraph:
        """Append a paragraph; ``style`` is a style name, resolved once per document.

        Built element by element before the final ``w:sectPr``: python-docx's ``add_paragraph``
        looks for that place among all the body's children, which grows quadratic with length.
        """
        p = OxmlElement("w:p")
        if style is not None:
            SubElement(SubElement(p, W_PPR), W_PSTYLE).set(W_VAL, self._style_ids[style])
        if text:
            append_run(p, text, bold=bold)
        if italic_suffix:
            append_run(p, italic_suffix, italic=True)
        self._section_properties.addprevious(p)
        return Paragraph(p, self.document._body)

    def title(self, text: str) -> Paragraph:
        return self.paragraph(text, "Title")

    def heading(self, text: str, level: int) -> Paragraph:
        """A Heading 1/2/3 paragraph: it shows in Word's navigation pane."""
        return self.paragraph(text, f"Heading {level}")

    def bullet(self, text: str, level: int = 1, *, italic_suffix: str = "") -> Paragraph:
        """A list item at ``level`` (1 to 3): List Bullet styles carry Word's own numbering."""
        style = BULLET_STYLES[min(max(level, 1), len(BULLET_STYLES)) - 1]
        return self.paragraph(text, style, italic_suffix=italic_suffix)

    def text(self, text: str | None) -> None:
        """Free text: a paragraph per line, « - » lines as list items."""
        for block in text_blocks(text):
            if block.is_list:
                for item in block.items:
                    self.bullet(item)
            else:
                self.paragraph(block.text)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[Cm],
              row_height: Cm | None = None) -> Table:
        """A table in the house style whose header row repeats on every page."""
        rows = list(rows)
        table = self.document.add_table(rows=len(rows) + 1, cols=len(header))
        table.style = self.document.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for grid_column, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
            grid_column.w = width
        tr_elements = table._tbl.tr_lst
        header_tr = tr_elements[0]
        repeat_as_header(header_tr)
        for tc, text, width in zip(header_tr.tc_lst, header, widths):
            tc.width = width
            append_run(tc.p_lst[0], text, bold=True)
        for tr, values in zip(tr_elements[1:], rows):
            if row_height is not None:
                tr.trHeight_val = row_height
                tr.trHeight_hRule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for tc, value, width in zip(tr.tc_lst, values, widths):
                tc.width = width
                if value:
                    append_run(tc.p_lst[0], value)
        return table


def append_run(p, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Append ``<w:r>`` holding ``text`` to the paragraph element ``p``, in one piece (python-docx's
    ``run.text`` walks the text character by character to turn tabs and line breaks into elements;
    ours are single lines)."""
    run = SubElement(p, W_R)
    if bold or italic:
        properties = SubElement(run, W_RPR)
        if bold:
            SubElement(properties, W_B)
        if italic:
            SubElement(properties, W_I)
    text_element = SubElement(run, W_T)
    text_element.set(XML_SPACE, "preserve")
    text_element.text = clean(text).replace("\t", " ").replace("\n", " ")


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES…): begin, instruction, separator, shown value, end."""

    def run_with(element) -> None:
        paragraph.add_run()._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run_with(code)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def repeat_as_header(tr) -> None:
    """Mark a table row (``w:tr``) as a header row, repeated at the top of each page."""
    tr_properties = tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr_properties.append(marker)


def document_bytes(document: Document) -> bytes:
    """The .docx file of ``document``."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

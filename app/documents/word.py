"""The house layout of every Word document (A4, page header, « Page X / Y » footer) and the
building blocks the builders share: headings, paragraphs, list levels, tables.

Every file is one Word treats as its own: French proofing language in the defaults and every style,
the current compatibility mode (no « Mode de compatibilité »), core properties true to the document
(no « python-docx », no 2013 dates, no stale thumbnail). The built-in look is a sober French
administration document: Arial, black headings, no Word-2010 blue.

Builders produce thousands of paragraphs and rows, so paragraphs and runs are built as XML elements,
each table is copied from a layout made once per document, and table rows are filled through their
``w:tc`` elements (python-docx's ``row.cells`` rebuilds the grid on every call): see
bench/bench_documents.py. The start of a document (python-docx's default document in the house style, or
an organisation's template emptied) and its style ids are prepared once per process (``PreparedStart``):
each document gets parts of its own, copied only when read, never the prepared ones.

An organisation may upload its own Word template (.dotx or .docx): documents then start from it, keeping
its styles, header, footer and page set-up; its body is emptied first. Upload refuses a template missing
one of ``REQUIRED_STYLES``.
"""
from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property, lru_cache

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.exceptions import PythonDocxError
from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.opc.part import XmlPart
from docx.package import Package
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

from app.documents.text_blocks import text_blocks
from app.documents.typography import french_typography
from app.models import Organisation, utc_now

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TABLE_STYLE = "Table Grid"
BULLET_STYLES = ("List Bullet", "List Bullet 2", "List Bullet 3")
NUMBERED_STYLE = "List Number"
LIST_STYLES = (*BULLET_STYLES, NUMBERED_STYLE)
# List items sit tight (no space between them, whatever their level); the last one gets the space a
# paragraph of the house style leaves after itself, so that what follows the list is not glued to it.
SPACE_AFTER_A_LIST = Pt(10)
HEADING_STYLES = ("Heading 1", "Heading 2", "Heading 3")
DRAFT_MARK = "PROJET"
CANCELLED_MARK = "Séance annulée"  # under the title of a cancelled meeting's compte rendu and sign-in sheet
# Every style the documents use (and an organisation's template must hold), with the name Word shows
# in French; Table Grid is a table style, the others paragraph styles.
REQUIRED_STYLES = {
    "Normal": "Normal",
    "Title": "Titre",
    "Heading 1": "Titre 1",
    "Heading 2": "Titre 2",
    "Heading 3": "Titre 3",
    "List Bullet": "Liste à puces",
    "List Bullet 2": "Liste à puces 2",
    "List Bullet 3": "Liste à puces 3",
    NUMBERED_STYLE: "Liste numérotée",
    TABLE_STYLE: "Grille du tableau",
}
TEMPLATE_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_TEMPLATE_UNPACKED_BYTES = 50 * 1024 * 1024  # a template's parts once unzipped (no zip bomb)
NOT_A_WORD_FILE = "Le modèle doit être un document ou un modèle Word (.dotx ou .docx)."
# What opening a file that is no Word document raises (not a zip, a part missing, bad XML, a macro file…).
UNREADABLE_TEMPLATE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, SyntaxError,
                              PythonDocxError, EOFError, NotImplementedError)
# What python-docx raises on a damaged or unknown image (a truncated PNG, a bad JPEG segment…).
UNREADABLE_IMAGE_ERRORS = (UnrecognizedImageError, InvalidImageStreamError, UnexpectedEndOfFileError, ValueError,
                           struct.error, IndexError)
# The organisations' templates kept prepared in each process (one per ARS, 18 in France), when they are
# no bigger than this (a template is a few hundred kB; its parsed parts weigh several times more).
CACHED_TEMPLATES = 18
CACHED_TEMPLATE_BYTES = 1024 * 1024
LOGO_HEIGHT = Cm(1.6)
LANGUAGE = "fr-FR"
HOUSE_FONT = "Arial"
BLACK = "000000"
WORD_COMPATIBILITY_MODE = "15"  # Word 2013 and later: the current mode
# Word 2010's second copy of the styles, which Word no longer writes since 2013 (python-docx's default document has
# one): a stale copy, without the house style and the French proofing of ``make_word_native``.
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
# The bullet of each list level, so a sub-point reads as one: •, –, ◦ (font, character).
BULLET_GLYPHS = (("Symbol", "\uf0b7"), (HOUSE_FONT, "\u2013"), ("Courier New", "o"))
THUMBNAIL_RELTYPE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
W_LANG, W_RFONTS, W_COLOR = qn("w:lang"), qn("w:rFonts"), qn("w:color")
# What may follow ``w:lang`` inside a ``w:rPr`` (schema order).
_AFTER_LANG = {qn("w:eastAsianLayout"), qn("w:specVanish"), qn("w:oMath")}
_THEME_FONT_ATTRIBUTES = [qn(f"w:{name}") for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")]
_THEME_COLOR_ATTRIBUTES = [qn(f"w:{name}") for name in ("themeColor", "themeShade", "themeTint")]

W_PPR, W_PSTYLE, W_VAL = qn("w:pPr"), qn("w:pStyle"), qn("w:val")
W_R, W_RPR, W_B, W_I, W_T = qn("w:r"), qn("w:rPr"), qn("w:b"), qn("w:i"), qn("w:t")
XML_SPACE = qn("xml:space")

# Characters XML 1.0 forbids (python-docx refuses them): control characters pasted from elsewhere.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class TemplateError(ValueError):
    """A file that cannot serve as the organisation's template; the message is for the admin."""


def open_template(content: bytes) -> Document:
    """The organisation's template as a document python-docx can write to. A .dotx declares its main
    part as a template, which python-docx refuses: the declaration is rewritten in memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_TEMPLATE_UNPACKED_BYTES:
                raise TemplateError("Le modèle est trop volumineux une fois décompressé.")
            content_types = archive.read("[Content_Types].xml")
            if TEMPLATE_MAIN_TYPE.encode() in content_types:
                rewritten = io.BytesIO()
                with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as copy:
                    for info in archive.infolist():
                        data = archive.read(info)
                        if info.filename == "[Content_Types].xml":
                            data = data.replace(TEMPLATE_MAIN_TYPE.encode(), DOCUMENT_MAIN_TYPE.encode())
                        copy.writestr(info, data)
                content = rewritten.getvalue()
        return docx.Document(io.BytesIO(content))
    except UNREADABLE_TEMPLATE_ERRORS as error:
        if isinstance(error, TemplateError):
            raise
        raise TemplateError(NOT_A_WORD_FILE) from error


def missing_styles(document: Document) -> list[str]:
    """The French names of the ``REQUIRED_STYLES`` the document lacks, in the order of the list."""
    present = {(style.name, style.type) for style in document.styles}
    missing = []
    for name, french_name in REQUIRED_STYLES.items():
        style_type = WD_STYLE_TYPE.TABLE if name == TABLE_STYLE else WD_STYLE_TYPE.PARAGRAPH
        if (name, style_type) not in present:
            missing.append(french_name)
    return missing


def check_template(content: bytes) -> None:
    """Raise ``TemplateError`` (French message) unless ``content`` is a Word template holding every
    style the documents use."""
    document = open_template(content)
    try:
        missing = missing_styles(document)
    except UNREADABLE_TEMPLATE_ERRORS as error:  # a style Word does not know (a damaged file)
        raise TemplateError(NOT_A_WORD_FILE) from error
    if missing:
        raise TemplateError("Le modèle ne contient pas les styles : " + ", ".join(missing)
                            + ". Appliquez-les une fois dans le modèle pour que Word les enregistre.")


def _empty_body(document: Document) -> None:
    """Remove the template's own text, keeping the final section properties (page set-up, header and
    footer references)."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _has_content(header_or_footer) -> bool:
    """Does a header or footer show something (text, a logo)? A header never set is empty."""
    if header_or_footer.is_linked_to_previous:
        return False
    return bool(header_or_footer._element.xpath(".//w:t[normalize-space()] | .//w:drawing | .//w:pict"))


def _next_paragraph(header_or_footer) -> Paragraph:
    """Where to write in a header or footer: its first paragraph while it is blank, else a new one."""
    paragraphs = header_or_footer.paragraphs
    if len(paragraphs) == 1 and not _has_content(header_or_footer):
        return paragraphs[0]
    return header_or_footer.add_paragraph()


def clean(text: str | None) -> str:
    """Text safe to put in a document: forbidden control characters removed."""
    return _XML_INVALID.sub("", text or "")


class _CopiedOnUse:
    """Mixed into a part class for the parts of a new document: the prepared part's XML is copied the first
    time something reads the part's element; a part nobody reads (for most documents the styles, the
    numbering, the theme…) is saved as the prepared part's bytes, never copied nor serialised again."""

    _prepared: XmlPart
    _prepared_blob: bytes
    _copy = None

    @property
    def _element(self):
        if self._copy is None:
            self._copy = copy.deepcopy(self._prepared._element)
        return self._copy

    @_element.setter
    def _element(self, element) -> None:
        self._copy = element

    @property
    def blob(self) -> bytes:
        return self._prepared_blob if self._copy is None else super().blob


@cache
def _copied_on_use(part_class: type[XmlPart]) -> type[XmlPart]:
    return type(part_class.__name__, (_CopiedOnUse, part_class), {})


class PreparedStart:
    """What every document of one look starts from (python-docx's default document in the house style, or
    an organisation's template emptied), prepared once per process: each document gets its own parts
    (``new_document``), made without unzipping nor parsing anything again. The prepared parts are never
    handed out nor changed, so nothing a builder does to its document reaches the next one."""

    def __init__(self, document: Document):
        self._document = document
        self._package = document.part.package
        self._blobs = {part.partname: part.blob for part in self._package.iter_parts()}
        self.paragraph_style_ids = {style.name: style.style_id for style in document.styles
                                    if style.type == WD_STYLE_TYPE.PARAGRAPH}
        # « Pages paires et impaires différentes » (a template's choice): even pages have a header and footer
        # of their own, which must carry what every page does.
        self.odd_and_even_pages = document.settings.odd_and_even_pages_header_footer

    @cached_property
    def table_style_id(self) -> str | None:
        """The id of ``TABLE_STYLE`` (python-docx's ``table.style = …`` walks every style each time);
        KeyError, as ``document.styles[…]`` raises it, if a template lost the style since its upload."""
        return self._document.part.get_style_id(self._document.styles[TABLE_STYLE], WD_STYLE_TYPE.TABLE)

    def new_document(self) -> Document:
        """A document of its own: each XML part copied from the prepared one when first read
        (``_CopiedOnUse``), other parts (images, the thumbnail, the XML python-docx keeps as bytes) sharing
        their immutable bytes, and the relationships between them as they were (same ids)."""
        package = Package()
        copies = {}
        for part in self._package.iter_parts():
            if isinstance(part, XmlPart):
                new_part = _copied_on_use(type(part))(part.partname, part.content_type, None, package)
                new_part._prepared, new_part._prepared_blob = part, self._blobs[part.partname]
            else:
                new_part = type(part).load(part.partname, part.content_type, part.blob, package)
            copies[part.partname] = new_part
        for source, target in [(self._package, package),
                               *((part, copies[part.partname]) for part in self._package.iter_parts())]:
            for relationship_id, relationship in source.rels.items():
                target.load_rel(relationship.reltype, relationship.target_ref if relationship.is_external
                                else copies[relationship.target_part.partname], relationship_id,
                                relationship.is_external)
        for part in copies.values():
            part.after_unmarshal()
        package.after_unmarshal()
        return package.main_document_part.document


def _set_up_page(document: Document) -> None:
    """A4, 2 cm margins, header and footer 1 cm from the edge."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
        section.header_distance = section.footer_distance = Cm(1)


@cache
def prepared_house_document() -> PreparedStart:
    """python-docx's default document, A4, in the house style, Word-native: the same for every document."""
    document = docx.Document()
    document.element.body.get_or_add_sectPr()
    _set_up_page(document)
    apply_house_style(document)
    make_word_native(document)
    return PreparedStart(document)


def prepared_template(content: bytes) -> PreparedStart:
    """An organisation's template, emptied, A4 unless it sets its own page, Word-native. A template of up to
    ``CACHED_TEMPLATE_BYTES`` is prepared once per process (``_cached_template``); a bigger one for each
    document, as it would weigh too much to keep."""
    if len(content) > CACHED_TEMPLATE_BYTES:
        return _template_start(content)
    return _cached_template(content)


@lru_cache(maxsize=CACHED_TEMPLATES)
def _cached_template(content: bytes) -> PreparedStart:
    """Keyed on the file's bytes themselves: a template replaced is another key, never a stale start."""
    return _template_start(content)


def _template_start(content: bytes) -> PreparedStart:
    document = open_template(content)
    _empty_body(document)
    had_page_set_up = document.element.body.sectPr is not None
    document.element.body.get_or_add_sectPr()
    if not had_page_set_up:
        _set_up_page(document)
    make_word_native(document)
    return PreparedStart(document)


@dataclass(frozen=True)
class TableLayout:
    """A table with its header row and no other (``tbl``), and the ``w:tr`` its rows copy: ``bare_tr`` as
    python-docx makes it (at the row height), ``laid_out_tr`` with each cell's width set."""

    tbl: CT_Tbl
    bare_tr: object
    laid_out_tr: object


class WordWriter:
    """A new A4 document with the organisation's header, page numbers and fast append helpers."""

    def __init__(self, *, title: str, organisation: Organisation | None, header_lines: Sequence[str] = (),
                 draft: bool = False, subject: str = "", now: datetime | None = None):
        # The file (deferred) is read only when the organisation has one: its name says so.
        has_template = organisation is not None and organisation.word_template_filename is not None
        template = organisation.word_template if has_template else None
        self._start = prepared_template(template) if template else prepared_house_document()
        self.document: Document = self._start.new_document()
        self._style_ids = self._start.paragraph_style_ids
        self.typeset_typed_text = organisation is None or organisation.french_typography
        self._section_properties = self.document.element.body.sectPr
        self._table_layouts: dict[tuple, TableLayout] = {}
        self._last_list_item: Paragraph | None = None
        set_core_properties(self.document, title=title, subject=subject,
                            author=organisation.name if organisation else "Séances", now=now)
        self._add_page_header(organisation, header_lines, draft)
        self._add_page_number_footer()

    # -- layout --------------------------------------------------------------------------------
    def _add_page_header(self, organisation: Organisation | None, lines: Sequence[str], draft: bool) -> None:
        """The organisation's logo and name (unless the template's header shows its own), the document's
        header lines and the draft mark; on the first page too when the template gives it its own header."""
        section = self.document.sections[0]
        headers = [section.header]
        if self._start.odd_and_even_pages:
            headers.append(section.even_page_header)
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        for header in headers:
            if not _has_content(header):
                self._add_organisation_brand(header, organisation)
            for line in lines:
                _next_paragraph(header).add_run(clean(line))
            if draft:
                self._add_draft_mark(header)

    @staticmethod
    def _add_organisation_brand(header, organisation: Organisation | None) -> None:
        if organisation is None:
            return
        first = _next_paragraph(header)
        if organisation.logo:
            try:
                first.add_run().add_picture(io.BytesIO(organisation.logo), height=LOGO_HEIGHT)
                first = header.add_paragraph()
            except UNREADABLE_IMAGE_ERRORS:
                pass  # a logo Word cannot show (damaged file) must not stop the document
        first.add_run(clean(organisation.name)).bold = True

    @staticmethod
    def _add_draft_mark(header) -> None:
        mark = _next_paragraph(header)
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(f"{DRAFT_MARK} — document de travail non validé")
        run.bold = True
        run.font.size = Pt(14)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    def typeset(self, text: str, typed: bool = False) -> str:
        """The tool's labels always in French typography; the typed text (``typed``) when the
        organisation keeps its setting on."""
        return french_typography(text) if not typed or self.typeset_typed_text else text

    def _add_page_number_footer(self) -> None:
        """« Page X / Y » (on even pages too when they have their own footer), unless the template's footer
        numbers its pages already."""
        section = self.document.sections[0]
        footers = [section.footer, *([section.even_page_footer] if self._start.odd_and_even_pages else [])]
        for footer in footers:
            if not footer.is_linked_to_previous and "PAGE" in field_codes(footer._element):
                continue
            line = _next_paragraph(footer)
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            line.add_run("Page ")
            add_field(line, "PAGE", "1")
            line.add_run(" / ")
            add_field(line, "NUMPAGES", "1")

    # -- content -------------------------------------------------------------------------------
    def paragraph(self, text: str = "", style: str | None = None, *, bold: bool = False,
                  italic_suffix: str = "", typed: bool = False) -> Paragraph:
        """Append a paragraph; ``style`` is a style name, resolved once per document; ``typed``
        says the text is the secretariat's (typography as the organisation chose).

        Built element by element before the final ``w:sectPr``: python-docx's ``add_paragraph``
        looks for that place among all the body's children, which grows quadratic with length.
        """
        self._close_list(style)
        p = OxmlElement("w:p")
        style_id = self._style_ids.get(style) if style is not None else None
        if style_id is not None:  # always, but for a template that lost a style since its upload
            SubElement(SubElement(p, W_PPR), W_PSTYLE).set(W_VAL, style_id)
        if text:
            append_run(p, self.typeset(text, typed), bold=bold)
        if italic_suffix:
            append_run(p, self.typeset(italic_suffix), italic=True)
        self._section_properties.addprevious(p)
        paragraph = Paragraph(p, self.document._body)
        if style in LIST_STYLES:
            self._last_list_item = paragraph
        return paragraph

    def _close_list(self, next_style: str | None) -> None:
        """A list ends where anything else than a list item comes (a paragraph, a heading, a table)."""
        if self._last_list_item is not None and next_style not in LIST_STYLES:
            self._last_list_item.paragraph_format.space_after = SPACE_AFTER_A_LIST
            self._last_list_item = None

    def title(self, text: str, *, typed: bool = False) -> Paragraph:
        return self.paragraph(text, "Title", typed=typed)

    def heading(self, text: str, level: int, *, typed: bool = False) -> Paragraph:
        """A Heading 1/2/3 paragraph: it shows in Word's navigation pane."""
        return self.paragraph(text, f"Heading {level}", typed=typed)

    def bullet(self, text: str, level: int = 1, *, italic_suffix: str = "", typed: bool = False) -> Paragraph:
        """A list item at ``level`` (1 to 3): List Bullet styles carry Word's own numbering."""
        style = BULLET_STYLES[min(max(level, 1), len(BULLET_STYLES)) - 1]
        return self.paragraph(text, style, italic_suffix=italic_suffix, typed=typed)

    def numbered(self, text: str, *, typed: bool = False) -> Paragraph:
        """An item of a numbered list (« 1. », « 2. »…: Word's own numbering, List Number)."""
        return self.paragraph(text, NUMBERED_STYLE, typed=typed)

    def text(self, text: str | None) -> None:
        """Free text: a paragraph per line, « - » lines as list items."""
        for block in text_blocks(text):
            if block.is_list:
                for item in block.items:
                    self.bullet(item, typed=True)
            else:
                self.paragraph(block.text, typed=True)

    @cached_property
    def _table_width(self):
        """The width between the margins (python-docx's ``add_table`` reads it again for every table,
        from a search of the whole body); the page set-up does not change once the writer is made."""
        return self.document._block_width

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[Cm],
              row_height: Cm | None = None) -> Table:
        """A table in the house style whose header row repeats on every page, as python-docx's ``add_table``
        makes it, but put before the final ``w:sectPr`` directly (as ``paragraph``) and copied from a
        layout made once per document (``_table_layout``): setting each cell's width through python-docx
        costs more than the rest of the table. ``widths`` shrink in proportion when they are wider than the
        text of the page (a template with wider margins)."""
        self._close_list(None)
        widths = self._fitted(tuple(widths))
        layout = self._table_layout(tuple(header), widths, row_height)
        tbl = copy.deepcopy(layout.tbl)
        for values in rows:
            # A row of fewer values than widths leaves the widths of its last cells unset, as add_table did.
            tr = copy.deepcopy(layout.laid_out_tr) if len(values) >= len(widths) else _with_widths(
                copy.deepcopy(layout.bare_tr), widths[:len(values)])
            for tc, value in zip(tr.tc_lst, values):
                if value:
                    append_run(tc.p_lst[0], self.typeset(value, typed=True))
            tbl.append(tr)
        self._section_properties.addprevious(tbl)
        return Table(tbl, self.document._body)

    def _fitted(self, widths: tuple[Cm, ...]) -> tuple[Cm, ...]:
        """``widths`` as they are if they fit between the margins, else scaled down to fill that width."""
        total = sum(widths)
        if total <= self._table_width:
            return widths
        return tuple(Emu(width * self._table_width // total) for width in widths)

    def _table_layout(self, header: tuple[str, ...], widths: tuple[Cm, ...], row_height: Cm | None) -> TableLayout:
        """A table of this document with ``header`` and no rows, and the rows to copy, made once per kind."""
        key = (header, widths, row_height)
        if key not in self._table_layouts:
            tbl = CT_Tbl.new_tbl(2, len(header), self._table_width)
            tbl.tblStyle_val = self._start.table_style_id
            table = Table(tbl, self.document._body)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            for grid_column, width in zip(tbl.tblGrid.gridCol_lst, widths):
                grid_column.w = width
            header_tr, bare_tr = tbl.tr_lst
            repeat_as_header(header_tr)
            for tc, text, width in zip(header_tr.tc_lst, header, widths):
                tc.width = width
                append_run(tc.p_lst[0], self.typeset(text), bold=True)
            tbl.remove(bare_tr)
            if row_height is not None:
                bare_tr.trHeight_val = row_height
                bare_tr.trHeight_hRule = WD_ROW_HEIGHT_RULE.AT_LEAST
            self._table_layouts[key] = TableLayout(tbl, bare_tr, _with_widths(copy.deepcopy(bare_tr), widths))
        return self._table_layouts[key]


def apply_house_style(document: Document) -> None:
    """The built-in look: Arial everywhere, black titles and headings without the template's blue
    rule, each list level with its own bullet and no extra space between a point and its sub-points."""
    styles = document.styles.element
    fonts = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(W_RFONTS)
    _use_house_font(fonts)
    for properties in styles.iter(W_RPR):  # the styles' own and their table parts' (first row…)
        _use_house_font(properties.find(W_RFONTS))
        color = properties.find(W_COLOR)
        if color is not None and color.get(qn("w:themeColor")):
            for attribute in _THEME_COLOR_ATTRIBUTES:
                color.attrib.pop(attribute, None)
            color.set(W_VAL, BLACK)
    for style in styles.findall(qn("w:style")):
        paragraph_properties = style.find(W_PPR)
        if paragraph_properties is not None and paragraph_properties.find(qn("w:pBdr")) is not None:
            paragraph_properties.remove(paragraph_properties.find(qn("w:pBdr")))
    document.styles["Normal"].font.size = Pt(11)
    document.styles["Title"].font.size = Pt(20)
    numbered = document.styles[NUMBERED_STYLE].paragraph_format
    numbered.space_before = numbered.space_after = Pt(0)
    numbering = document.part.numbering_part.element
    for style_name, (font, glyph) in zip(BULLET_STYLES, BULLET_GLYPHS):
        style = document.styles[style_name]
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
        num_id = style.element.find(W_PPR).find(qn("w:numPr")).find(qn("w:numId")).get(W_VAL)
        level = _first_list_level(numbering, num_id)
        level.find(qn("w:lvlText")).set(W_VAL, glyph)
        level_fonts = level.find(W_RPR).find(W_RFONTS)
        level_fonts.set(qn("w:ascii"), font)
        level_fonts.set(qn("w:hAnsi"), font)


def _use_house_font(fonts) -> None:
    """Arial instead of the theme's fonts (which Word would prefer to any named font)."""
    if fonts is None:
        return
    if not any(fonts.get(attribute) for attribute in _THEME_FONT_ATTRIBUTES) and fonts.get(qn("w:ascii")):
        return  # a named font chosen on purpose (the Symbol of a bullet)
    for attribute in _THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(attribute, None)
    for name in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{name}"), HOUSE_FONT)


def _first_list_level(numbering, num_id: str):
    """The ``w:lvl`` 0 of the abstract numbering behind ``num_id``."""
    num = next(num for num in numbering.findall(qn("w:num")) if num.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(W_VAL)
    abstract = next(abstract for abstract in numbering.findall(qn("w:abstractNum"))
                    if abstract.get(qn("w:abstractNumId")) == abstract_id)
    return abstract.find(qn("w:lvl"))


def make_word_native(document: Document) -> None:
    """French proofing in the defaults and in every style; the current compatibility mode; no Word 2010 copy of
    the styles (``STYLES_WITH_EFFECTS``: 440 kB of XML, compressed again in every file, a third of the time
    python-docx takes to save a draft compte rendu)."""
    drop_relationships(document.part.rels, STYLES_WITH_EFFECTS)
    styles = document.styles.element
    _set_language(_default_run_properties(styles))
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) in ("paragraph", "character", "table"):
            _set_language(style.get_or_add_rPr())
    settings = document.settings.element
    proof_state = settings.find(qn("w:proofState"))
    if proof_state is not None:  # « checked and clean »: Word would never check the spelling of the text
        settings.remove(proof_state)
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    mode = next((setting for setting in compat.findall(qn("w:compatSetting"))
                 if setting.get(qn("w:name")) == "compatibilityMode"), None)
    if mode is None:
        mode = SubElement(compat, qn("w:compatSetting"))
        mode.set(qn("w:name"), "compatibilityMode")
        mode.set(qn("w:uri"), "http://schemas.microsoft.com/office/word")
    mode.set(W_VAL, WORD_COMPATIBILITY_MODE)
    theme_language = settings.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(W_VAL, LANGUAGE)


def _default_run_properties(styles):
    """The ``w:rPr`` of the document defaults, made if a template has none."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = SubElement(run_defaults, qn("w:rPr"))
    return properties


def _set_language(run_properties) -> None:
    language = run_properties.find(W_LANG)
    if language is None:
        language = OxmlElement("w:lang")
        follower = next((child for child in run_properties if child.tag in _AFTER_LANG), None)
        if follower is None:
            run_properties.append(language)
        else:
            follower.addprevious(language)
    language.set(W_VAL, LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)


def set_core_properties(document: Document, *, title: str, subject: str, author: str,
                        now: datetime | None = None) -> None:
    """File › Informations as Word shows them: this document's title, subject and author, created
    now; nothing left from the template (its 2013 dates, « python-docx », its thumbnail)."""
    now = (now or utc_now()).replace(microsecond=0)
    properties = document.core_properties
    properties.title = clean(title)
    properties.subject = clean(subject)
    properties.author = properties.last_modified_by = clean(author)
    properties.comments = properties.keywords = properties.category = ""
    properties.language = LANGUAGE
    properties.created = properties.modified = now
    properties.revision = 1
    drop_relationships(document.part.package.rels, THUMBNAIL_RELTYPE)


def drop_relationships(relationships, reltype: str) -> None:
    """Remove every relationship of ``reltype`` (a part's or the package's): what it points to is not saved."""
    for relationship_id in [key for key, relationship in relationships.items() if relationship.reltype == reltype]:
        relationships.pop(relationship_id)


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


def field_codes(element) -> list[str]:
    """The instructions of the Word fields in ``element`` (« PAGE », « NUMPAGES »…)."""
    return [node.text.strip().split(" ")[0] for node in element.iter(qn("w:instrText")) if node.text]


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


def _with_widths(tr, widths: Sequence[Cm]):
    """``tr`` (a ``w:tr``) with the width of each of its cells set, in order (as many as ``widths``)."""
    for tc, width in zip(tr.tc_lst, widths):
        tc.width = width
    return tr


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

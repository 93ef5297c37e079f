"""Reading produced .docx files back, the way a checker would open them in Word."""
from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table

from app.documents.word import document_bytes


def reopen(document_or_bytes) -> Document:
    """A fresh Document parsed from the saved bytes (so tests check the file, not objects in memory)."""
    content = document_or_bytes if isinstance(document_or_bytes, bytes) else document_bytes(document_or_bytes)
    return docx.Document(io.BytesIO(content))


def styled_paragraphs(document: Document) -> list[tuple[str, str]]:
    return [(paragraph.style.name, paragraph.text) for paragraph in document.paragraphs]


def headings(document: Document) -> list[tuple[str, str]]:
    return [(style, text) for style, text in styled_paragraphs(document) if style.startswith("Heading")]


def table_rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def repeated_header_flags(table: Table) -> list[bool]:
    """For each row: does it carry ``w:tblHeader`` (repeat at the top of each page)?"""
    flags = []
    for tr in table._tbl.tr_lst:
        trPr = tr.trPr
        marker = trPr.find(qn("w:tblHeader")) if trPr is not None else None
        flags.append(marker is not None and marker.get(qn("w:val"), "true") in ("true", "1", "on"))
    return flags


def header_text(document: Document) -> str:
    return "\n".join(paragraph.text for paragraph in document.sections[0].header.paragraphs)


def field_codes(element) -> list[str]:
    return [node.text.strip() for node in element.iter(qn("w:instrText"))]


def body_text(document: Document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell for row in table_rows(table) for cell in row)
    return "\n".join(parts)

"""Small files of every type the dossier accepts, built in memory, and helpers of the dossier tests."""
from __future__ import annotations

import io
import zipfile

from docx import Document

from tests.images import png_bytes

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode."


def docx_bytes(text: str = "Rapport annuel") -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ooxml_bytes(main_part: str) -> bytes:
    """A minimal OOXML package whose [Content_Types].xml names ``main_part`` (xlsx, pptx)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         f'package/2006/content-types"><Override PartName="/main.xml" ContentType="{main_part}"/></Types>')
        archive.writestr("main.xml", "<x/>")
    return buffer.getvalue()


def odf_bytes(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "rien")
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# (file name, bytes, expected mimetype) of each accepted type.
GOOD_FILES = [
    ("ordre du jour.pdf", PDF, "application/pdf"),
    ("rapport.docx", docx_bytes(), DOCX),
    ("budget.xlsx", ooxml_bytes(XLSX + ".main+xml"), XLSX),
    ("diaporama.pptx", ooxml_bytes(PPTX + ".main+xml"), PPTX),
    ("note.odt", odf_bytes("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text"),
    ("tableau.ods", odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
     "application/vnd.oasis.opendocument.spreadsheet"),
    ("carte.png", png_bytes(), "image/png"),
    ("photo.jpeg", JPEG, "image/jpeg"),
]


def upload(client, meeting_id: int, content: bytes, filename: str, title: str = "Document", **fields):
    data = {"title": title, "agenda_item": fields.pop("agenda_item", ""), "file": (io.BytesIO(content), filename),
            **fields}
    return client.post(f"/meetings/{meeting_id}/dossier", data=data, content_type="multipart/form-data")

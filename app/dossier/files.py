"""What an uploaded file is, read from its bytes (never from its name), and a safe name for it."""
from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

OOXML_TYPES = {  # main part content type in [Content_Types].xml → (mimetype, extension)
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml":
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
ODF_TYPES = {  # the « mimetype » entry of an OpenDocument file → extension
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}
# Extensions a name may carry for each detected type (a « .pdf » that is a Word file is refused).
EXTENSIONS = {"jpg": {"jpg", "jpeg"}}
ACCEPTED = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument (.odt, .ods, .odp), images PNG ou JPEG"
KIND_NAMES = {"pdf": "un PDF", "png": "une image PNG", "jpg": "une image JPEG", "docx": "un document Word",
              "xlsx": "un classeur Excel", "pptx": "une présentation PowerPoint", "odt": "un texte OpenDocument",
              "ods": "un classeur OpenDocument", "odp": "une présentation OpenDocument"}


class RefusedFile(Exception):
    """A file that may not go into the dossier; the message is French, for the form."""


@dataclass(frozen=True)
class FileType:
    mimetype: str
    extension: str


def _zip_type(stream: IO[bytes]) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:  # read a little: never inflate a zip bomb whole
                    declared = entry.read(100).decode("ascii", "replace").strip()
                if declared in ODF_TYPES:
                    return FileType(declared, ODF_TYPES[declared])
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as entry:
                    content_types = entry.read(200_000).decode("utf-8", "replace")
                for main_part, (mimetype, extension) in OOXML_TYPES.items():
                    if main_part in content_types:
                        return FileType(mimetype, extension)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, NotImplementedError):
        return None
    return None


def detect_type(stream: IO[bytes]) -> FileType | None:
    """The type of a seekable file from its content; None when it is none of the accepted ones."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    for signature, (mimetype, extension) in SIGNATURES.items():
        if head.startswith(signature):
            return FileType(mimetype, extension)
    if head.startswith(b"PK\x03\x04"):
        found = _zip_type(stream)
        stream.seek(0)
        return found
    return None


def stream_size(stream: IO[bytes]) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def check_file(stream: IO[bytes], filename: str, max_bytes: int) -> FileType:
    """The file's type, or RefusedFile saying why in French: empty, too large, not an accepted type,
    or a name whose extension says another type than the content."""
    size = stream_size(stream)
    if size == 0:
        raise RefusedFile("Le fichier est vide.")
    if size > max_bytes:
        raise RefusedFile(f"Le fichier dépasse la taille autorisée ({max_bytes // (1024 * 1024)} Mo).")
    found = detect_type(stream)
    if found is None:
        raise RefusedFile(f"Ce fichier n'est pas d'un type accepté ({ACCEPTED}) : son contenu a été vérifié, "
                          "pas seulement son nom.")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension and extension not in EXTENSIONS.get(found.extension, {found.extension}):
        raise RefusedFile(f"Le nom se termine par « .{extension[:10]} » mais le contenu est {KIND_NAMES[found.extension]} "
                          f": vérifiez le fichier envoyé.")
    return found


def safe_filename(name: str, extension: str) -> str:
    """A name to store and to offer on download: no directory, no control or reserved character, not
    starting with a dot, at most 150 characters, ending with the extension of the detected type."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = re.sub(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]", " ", name)  # line breaks and tabs: spaces
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip().lstrip(".").strip()
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"\s+", " ", stem).strip(" .")[:140] or "document"
    return f"{stem}.{extension}"

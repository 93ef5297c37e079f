"""The validator's address in comptes rendus validated before 6 December 2026.

Until then, a compte rendu validated by an account linked to no person printed that account's login address in its
validation line (« Compte rendu validé le 3 juin 2020 par jean.dupont@ars.fr. »), and the frozen file reaches every
member of the body and, once made public, anyone. ``flask --app wsgi redact-validator-addresses`` lists those files;
with ``--apply`` it removes the address from that line of each frozen file, and from nothing else: every other
paragraph, table, style and part is kept as validated (the file is the validated record: the ARS decides to run it).
The change of each file is in the audit trail (its new digest), and browsers holding the old one get the new one
(its ETag is its digest).
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass

from docx import Document
from docx.text.paragraph import Paragraph
from sqlalchemy import select

from app.extensions import db
from app.models import Minutes, MinutesStatus

VALIDATION_START = "Compte rendu validé le "
# « par » and an address, ending the line (before its final stop).
ADDRESS_CLAUSE = re.compile(r" par \S+@\S+?(?=\.?$)")


@dataclass(frozen=True)
class Redaction:
    """One frozen compte rendu whose validation line names an address: the line as it is and as it will be."""

    meeting_id: int
    line: str
    redacted_line: str


def validation_paragraph(document) -> Paragraph | None:
    """The compte rendu's validation line (in its header block, once validated), or None."""
    return next((paragraph for paragraph in document.paragraphs if paragraph.text.startswith(VALIDATION_START)), None)


def without_address(line: str) -> str | None:
    """The validation line without its « par <address> », or None when it names no address."""
    redacted = ADDRESS_CLAUSE.sub("", line)
    return redacted if redacted != line else None


def redacted_document(content: bytes) -> tuple[bytes, str, str] | None:
    """``content`` with the address taken out of its validation line, with the line before and after; None when
    the line names no address. The line becomes one run with the formatting of its first (bold, as written)."""
    document = Document(io.BytesIO(content))
    paragraph = validation_paragraph(document)
    line = paragraph.text if paragraph is not None else ""
    redacted_line = without_address(line)
    if redacted_line is None:
        return None
    formatting = paragraph.runs[0]._r.rPr if paragraph.runs else None
    formatting = deepcopy(formatting) if formatting is not None else None
    paragraph.text = redacted_line  # every run and hyperlink of the line replaced: no piece of the address left
    if formatting is not None:
        paragraph.runs[0]._r.insert(0, formatting)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue(), line, redacted_line


def frozen_minutes_ids() -> list[int]:
    """The comptes rendus that hold a frozen file (validated or published)."""
    return list(db.session.scalars(select(Minutes.id).where(Minutes.status != MinutesStatus.DRAFT,
                                                            Minutes.document.is_not(None)).order_by(Minutes.id)))


def redactions(apply: bool) -> Iterator[Redaction]:
    """Each frozen compte rendu whose validation line names an address, its files read one at a time; with
    ``apply``, its file replaced by the redacted one (the caller commits)."""
    for minutes_id in frozen_minutes_ids():
        minutes = db.session.get(Minutes, minutes_id)
        redacted = redacted_document(minutes.document)
        if redacted is not None and apply:
            minutes.document = redacted[0]  # its digest and size follow (``Minutes`` keeps them with the file)
            db.session.flush()
        db.session.expunge(minutes)  # its file is not held while the next ones are read
        if redacted is not None:
            yield Redaction(minutes.meeting_id, *redacted[1:])

"""Demo data of the dossier: each meeting gets its published « Note de présentation » (a small PDF)."""
from __future__ import annotations

import io

from sqlalchemy import select

from app.dossier.domain import add_document, publish
from app.dossier.files import FileType
from app.extensions import db
from app.models import Meeting, utc_now


def simple_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing ``lines`` (Latin-1 text) in Helvetica: enough for a demo document."""
    safe = [line.replace("\\", "").replace("(", "[").replace(")", "]") for line in lines]
    text = " ".join(f"({line}) Tj 0 -18 Td" for line in safe)
    stream = f"BT /F1 12 Tf 60 780 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def add_demo_dossiers() -> None:
    """A published note for every upcoming meeting of the demo (both ARS); the seed's past meetings keep
    their compte rendu as it was. No commit."""
    db.session.flush()
    for meeting in db.session.scalars(select(Meeting).where(Meeting.starts_at > utc_now()).order_by(Meeting.starts_at)):
        content = simple_pdf(["Note de presentation", meeting.title, meeting.body.short_name])
        document = add_document(meeting, title="Note de présentation", agenda_item=None, presented_at_meeting=False,
                                stream=io.BytesIO(content), filename="note-de-presentation.pdf",
                                file_type=FileType("application/pdf", "pdf"), user=None)
        publish([document])

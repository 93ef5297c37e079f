"""The dossier in the compte rendu: its annexes list the documents sent before the meeting (with the
day each was made available) and those presented during the meeting, added afterwards."""
from __future__ import annotations

from app.documents.word import WordWriter
from app.formatting import plain_date
from app.models import Meeting
from app.models.dossier import MeetingDocument


def annex_lines(documents: list[MeetingDocument]) -> tuple[list[str], list[str]]:
    """(documents of the dossier, documents presented at the meeting) as the annexes word them."""
    sent, presented = [], []
    for document in documents:
        name = f"{document.title} ({document.current.filename})"
        if document.presented_at_meeting:
            presented.append(name)
        else:
            sent.append(f"{name}, mis à disposition le {plain_date(document.available_at)}")
    return sent, presented


def add_dossier_annexes(writer: WordWriter, meeting: Meeting, documents: list[MeetingDocument] | None = None) -> None:
    """« Annexes »: nothing when the meeting has no published document."""
    if documents is None:
        from app.dossier.domain import published_documents

        documents = published_documents(meeting)
    sent, presented = annex_lines(documents)
    if not sent and not presented:
        return
    writer.heading("Annexes", 1)
    for heading, names in (("Documents du dossier de séance", sent), ("Documents présentés en séance", presented)):
        if names:
            writer.heading(heading, 2)
            for name in names:
                writer.bullet(name)

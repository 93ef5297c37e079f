"""The votes in Word: « Relevé des avis » in the compte rendu, and the extract of one avis for the DG ARS.

Pure functions of model objects: ``add_votes_record`` reads the meeting's votes in one query."""
from __future__ import annotations

from docx.document import Document

from app.documents.word import WordWriter
from app.formatting import plain_date
from app.models import Meeting, Person, Vote
from app.votes.domain import counts_sentence, meeting_votes, outcome_sentence

VOTES_RECORD_HEADING = "Relevé des avis"
EXTRACT_TITLE = "Extrait du relevé des avis"


def add_votes_record(writer: WordWriter, meeting: Meeting) -> None:
    """« Relevé des avis »: each item decided (reopened votes left out), with its question, counts,
    outcome and the text of the avis. Nothing when no item was voted."""
    votes = [vote for vote in meeting_votes(meeting) if vote.is_current]
    if not votes:
        return
    writer.heading(VOTES_RECORD_HEADING, 1)
    for vote in votes:
        writer.heading(f"{vote.agenda_item.position}. {vote.agenda_item.title}", 2)
        _add_vote(writer, vote)


def _add_vote(writer: WordWriter, vote: Vote) -> None:
    """The lines the relevé and the extract share."""
    nature = vote.agenda_item.nature
    if nature is not None:
        writer.paragraph(f"Point {nature.label.lower()}")
    writer.paragraph("Question soumise au vote :", bold=True)
    writer.text(vote.question)
    writer.paragraph(counts_sentence(vote))
    writer.paragraph(outcome_sentence(vote), bold=True)
    if vote.avis_text.strip():
        writer.paragraph("Texte de l'avis :", bold=True)
        writer.text(vote.avis_text)


def build_avis_extract(vote: Vote, president: Person | None, *, draft: bool = False) -> Document:
    """« Extrait du relevé des avis » of one vote: body, date, quorum, counts, text, and the president's
    name for signature (``president``: the president of the body on the meeting day, if any)."""
    meeting = vote.agenda_item.meeting
    body = meeting.body
    writer = WordWriter(title=f"{EXTRACT_TITLE} — {vote.agenda_item.title}", organisation=body.organisation,
                        header_lines=[body.name], draft=draft)
    writer.title(EXTRACT_TITLE)
    writer.paragraph(body.name, bold=True)
    writer.paragraph(f"Séance du {plain_date(meeting.starts_at)}")
    writer.paragraph(f"Quorum au moment du vote : {vote.quorum_statement}.")
    writer.heading(f"{vote.agenda_item.position}. {vote.agenda_item.title}", 1)
    _add_vote(writer, vote)
    writer.paragraph("")
    writer.paragraph("Certifié conforme,")
    title = "La présidente" if president is not None and president.civility.value == "Mme" else "Le président"
    writer.paragraph(f"{title} de l'instance", bold=True)
    writer.paragraph(president.display_name if president is not None else "(présidence vacante)")
    return writer.document

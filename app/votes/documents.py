"""The votes in Word: « Relevé des avis » in the compte rendu, and the extract of one avis (a vote in
session or a written consultation) for the DG ARS.

Pure functions of model objects: ``add_votes_record`` reads the meeting's votes in one query."""
from __future__ import annotations

from collections.abc import Callable

from docx.document import Document

from app.documents.word import WordWriter
from app.formatting import long_datetime, plain_date
from app.models import Body, Meeting, Person, Vote, VoteOutcome, WrittenConsultation
from app.votes.consultations import participation_sentence
from app.votes.domain import counts_sentence, meeting_votes, outcome_sentence, result_sentence

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
        writer.heading(f"{vote.agenda_item.position}. {vote.agenda_item.title}", 2, typed=True)
        _add_vote(writer, vote)


def _add_vote(writer: WordWriter, vote: Vote) -> None:
    """The lines the relevé and the extract share."""
    nature = vote.agenda_item.nature
    if nature is not None:
        writer.paragraph(f"Point {nature.label.lower()}")
    _add_result(writer, vote.question, counts_sentence(vote), outcome_sentence(vote), vote.avis_text)


def _add_result(writer: WordWriter, question: str, counts: str, outcome: str, avis_text: str) -> None:
    writer.paragraph("Question soumise au vote :", bold=True)
    writer.text(question)
    writer.paragraph(counts)
    writer.paragraph(outcome, bold=True)
    if avis_text.strip():
        writer.paragraph("Texte de l'avis :", bold=True)
        writer.text(avis_text)


def _build_extract(body: Body, heading: str, context_lines: list[str], add_result: Callable[[WordWriter], None],
                   president: Person | None, draft: bool) -> Document:
    """The extract's layout: title, body, context (date, quorum or participation), result, signature."""
    writer = WordWriter(title=f"{EXTRACT_TITLE} — {heading}", organisation=body.organisation,
                        header_lines=[body.name], draft=draft, subject=f"{EXTRACT_TITLE} — {body.name}")
    writer.title(EXTRACT_TITLE)
    writer.paragraph(body.name, bold=True)
    for line in context_lines:
        writer.paragraph(line)
    writer.heading(heading, 1, typed=True)
    add_result(writer)
    writer.paragraph("")
    writer.paragraph("Certifié conforme,")
    title = "La présidente" if president is not None and president.civility.value == "Mme" else "Le président"
    writer.paragraph(f"{title} de l'instance", bold=True)
    writer.paragraph(president.display_name if president is not None else "(présidence vacante)")
    return writer.document


def build_avis_extract(vote: Vote, president: Person | None, *, draft: bool = False) -> Document:
    """« Extrait du relevé des avis » of one vote: body, date, quorum, counts, text, and the president's
    name for signature (``president``: the president of the body on the meeting day, if any)."""
    meeting = vote.agenda_item.meeting
    return _build_extract(meeting.body, f"{vote.agenda_item.position}. {vote.agenda_item.title}",
                          [f"Séance du {plain_date(meeting.starts_at)}",
                           f"Quorum au moment du vote : {vote.quorum_statement}."],
                          lambda writer: _add_vote(writer, vote), president, draft)


def consultation_outcome_label(consultation: WrittenConsultation) -> str:
    return "Avis favorable" if consultation.outcome is VoteOutcome.ADOPTED else "Avis défavorable"


def build_consultation_extract(consultation: WrittenConsultation, president: Person | None) -> Document:
    """The same extract for a closed written consultation: its dates and participation instead of the
    quorum, and the list of the members who answered."""

    def add_result(writer: WordWriter) -> None:
        _add_result(writer, consultation.question,
                    f"Pour : {consultation.votes_for} ; contre : {consultation.votes_against} ; "
                    f"abstentions : {consultation.abstentions}.",
                    result_sentence(consultation_outcome_label(consultation), consultation), "")
        writer.paragraph("Ont répondu :", bold=True)
        for answer in consultation.answered:
            writer.bullet(f"{answer.person.formal_name} : {answer.choice.label.lower()}")

    return _build_extract(
        consultation.body, "Consultation écrite",
        [f"Consultation écrite du {long_datetime(consultation.opened_at)} au {long_datetime(consultation.closes_at)}, "
         "les pouvoirs ne s'appliquant pas.", participation_sentence(consultation)],
        add_result, president, draft=False)

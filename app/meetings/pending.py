"""« À faire » on the meeting page (staff): plain statements of what is still pending on a meeting,
each with the link that does it. Read from what was recorded: e-mails sent, documents opened, minutes."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.models import Meeting


@dataclass(frozen=True)
class PendingTask:
    text: str
    link: str
    url: str


def counted(count: int, singular: str, several: str) -> str:
    """« 1 personne convoquée n'a », « 3 personnes convoquées ont »: the count and its agreed verb phrase."""
    return f"{count} {singular if count == 1 else several}"


def convocation_tasks(meeting: Meeting) -> list[PendingTask]:
    """Convocations (or the cancellation) not sent yet, or sent for an older version of the meeting."""
    from app.calendar.convocations import mailing_progress  # the calendar area imports meetings

    if not meeting.invitations or (meeting.has_taken_place and not meeting.is_cancelled):
        return []
    progress = mailing_progress(meeting)
    to_mails = url_for("meetings.detail", meeting_id=meeting.id, _anchor="envois")
    if progress.called_off:
        return [PendingTask(counted(progress.to_cancel, "personne convoquée n'a pas encore reçu l'annulation.",
                                   "personnes convoquées n'ont pas encore reçu l'annulation."),
                            "Envoyer l'annulation", to_mails)] if progress.to_cancel else []
    tasks = []
    if progress.never_sent:
        tasks.append(PendingTask(counted(progress.never_sent, "personne convoquée n'a pas encore reçu sa convocation.",
                                        "personnes convoquées n'ont pas encore reçu leur convocation."),
                                 "Envoyer les convocations", to_mails))
    if progress.outdated:
        tasks.append(PendingTask(counted(progress.outdated, "personne a une ancienne version de la séance "
                                        "(date, lieu ou ordre du jour changés depuis).",
                                        "personnes ont une ancienne version de la séance "
                                        "(date, lieu ou ordre du jour changés depuis)."),
                                 "Envoyer la mise à jour", to_mails))
    if progress.failed:
        tasks.append(PendingTask(counted(len(progress.failed), "envoi est en échec.", "envois sont en échec."),
                                 "Voir les envois", to_mails))
    return tasks


def dossier_tasks(meeting: Meeting) -> list[PendingTask]:
    """Before the meeting: documents still in draft, and convened people who have not opened them all."""
    from app.dossier.domain import meeting_documents
    from app.dossier.receipts import receipt_report

    if meeting.has_taken_place or meeting.is_cancelled:
        return []
    documents = meeting_documents(meeting)
    tasks = []
    drafts = sum(1 for document in documents if document.published_at is None and document.withdrawn_at is None)
    if drafts:
        tasks.append(PendingTask(counted(drafts, "document du dossier est en brouillon : les membres ne le voient pas.",
                                        "documents du dossier sont en brouillon : les membres ne les voient pas."),
                                 "Gérer le dossier", url_for("dossier.manage", meeting_id=meeting.id)))
    if any(document.is_published for document in documents):
        report = receipt_report(meeting)
        behind = sum(1 for member in report.members if member.opened < len(report.documents))
        if behind:
            tasks.append(PendingTask(counted(behind, "personne convoquée n'a pas encore ouvert tous les documents "
                                                    "du dossier.",
                                            "personnes convoquées n'ont pas encore ouvert tous les documents "
                                            "du dossier."),
                                     "Qui a consulté", url_for("dossier.receipts", meeting_id=meeting.id)))
    return tasks


def minutes_tasks(meeting: Meeting) -> list[PendingTask]:
    """Once the meeting took place: the compte rendu to validate, then to publish."""
    from app.documents.workflow import minutes_status  # documents imports meetings
    from app.models import MinutesStatus

    if not meeting.has_taken_place:
        return []
    status = minutes_status(meeting)
    if status is MinutesStatus.DRAFT:
        return [PendingTask("La séance a eu lieu : son compte rendu est à valider.", "Valider le compte rendu",
                            url_for("documents.validate_minutes", meeting_id=meeting.id))]
    if status is MinutesStatus.VALIDATED:
        return [PendingTask("Le compte rendu est validé mais pas encore publié : les membres ne le voient pas.",
                            "Publier le compte rendu", url_for("documents.publish_minutes", meeting_id=meeting.id))]
    return []


def pending_tasks(meeting: Meeting) -> list[PendingTask]:
    """Everything still to do on ``meeting``, in the order it comes up: convocations, dossier, minutes."""
    return convocation_tasks(meeting) + dossier_tasks(meeting) + minutes_tasks(meeting)

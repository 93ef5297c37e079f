"""The dossier in e-mails: the documents of a convocation (personal links, no attachment), and the
one-click notice of what was added or replaced after the convocation went out."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from app.calendar.convocations import build_for_recipients, can_email, load_meetings, meeting_mail
from app.calendar.mail import secretariat_email
from app.calendar.urls import public_url
from app.dossier.domain import (DossierLine, changed_since_convocation, dossier_lines, published_documents,
                               reads_by_convocation)
from app.dossier.links import document_url, dossier_url
from app.formatting import long_date
from app.mail.outbox import Dropped, Queued, queue
from app.models import MailKind, Meeting, OutboxMessage, Person


@dataclass
class EmailDossier:
    """What an e-mail lists for one person: (title, mark, link) of each document, and the .zip link."""

    documents: list[tuple[str, str, str]]
    zip_url: str


def email_dossier(lines: list[DossierLine], meeting: Meeting, person: Person) -> EmailDossier | None:
    if not lines:
        return None
    return EmailDossier([(line.document.title, line.mark, document_url(person.id, line.document.id)) for line in lines],
                        dossier_url(person.id, meeting.id))


def convocation_dossier(meeting: Meeting, person: Person) -> EmailDossier | None:
    """The published dossier, for the convocation (and update, reminder) e-mails of ``person``; read once
    per meeting object (an outbox batch builds many e-mails of one meeting)."""
    lines = meeting.__dict__.get("_dossier_lines")
    if lines is None:
        lines = meeting.__dict__["_dossier_lines"] = dossier_lines(published_documents(meeting), meeting)
    return email_dossier(lines, meeting, person)


def queue_dossier_notices(meeting: Meeting) -> Queued:
    """A notice to each convened person with an address, once per state of the changes (a second click
    with nothing new adds nothing: same outbox key). No commit."""
    changed = changed_since_convocation(meeting)
    if not changed or meeting.deleted_at is not None or meeting.is_cancelled:
        return Queued()
    state = f":dossier:{max(line.document.current.id for line in changed)}:{len(changed)}"
    return queue([meeting_mail(MailKind.DOSSIER_UPDATE, meeting, invitation.person_id, key_suffix=state)
                  for invitation in meeting.invitations if can_email(invitation.person)], retry_failed=True)


def dossier_notice(row: OutboxMessage, meeting: Meeting, person: Person) -> EmailMessage | Dropped:
    if meeting.deleted_at is not None or meeting.is_cancelled:
        return Dropped("séance annulée depuis")
    if not reads_by_convocation(meeting, person):
        return Dropped("plus convoqué(e), plus en fonction ou compte désactivé")
    dossier = email_dossier(changed_since_convocation(meeting), meeting, person)
    if dossier is None:
        return Dropped("plus rien de nouveau dans le dossier")
    context = {"meeting": meeting, "person": person, "dossier": dossier, "when": long_date(meeting.starts_at),
               "meeting_url": public_url("meetings.detail", meeting_id=meeting.id)}
    subject = f"Dossier de séance complété : {meeting.body.label} — {meeting.title} — {long_date(meeting.starts_at)}"
    return secretariat_email(meeting, person, subject, "dossier_update", context)


def build_dossier_emails(rows: list[OutboxMessage]) -> dict[int, EmailMessage | Dropped]:
    """Outbox builder of the notices of a completed dossier."""
    return build_for_recipients(rows, load_meetings(row.meeting_id for row in rows), lambda row: row.meeting_id,
                                dossier_notice)

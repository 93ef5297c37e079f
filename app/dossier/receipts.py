"""Proof of time: who opened which document (its current version), and whether each convened member
had the dossier in time (convocation sent and every document available within the body's delay)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from app.calendar.convocations import MeetingMail, days_before
from app.dossier.domain import DossierLine, dossier_lines, published_documents
from app.extensions import db
from app.formatting import to_paris
from app.meetings.second_convocation import convocation_delay
from app.models import MailKind, MailStatus, Meeting, Person
from app.models.dossier import DocumentReceipt


@dataclass
class DocumentReceipts:
    line: DossierLine
    opened: list[tuple[Person, datetime]] = field(default_factory=list)
    not_opened: list[Person] = field(default_factory=list)


@dataclass
class MemberReceipt:
    person: Person
    convocation_sent_on: date | None
    days_before: int | None
    opened: int
    in_time: bool


@dataclass
class ReceiptReport:
    delay_days: int
    documents: list[DocumentReceipts]
    members: list[MemberReceipt]
    late_documents: int


def receipt_report(meeting: Meeting) -> ReceiptReport:
    lines = dossier_lines(published_documents(meeting), meeting)
    people = sorted((invitation.person for invitation in meeting.invitations), key=lambda person: person.sort_key)
    version_ids = [line.document.current.id for line in lines]
    opened_at = {(version_id, person_id): at for version_id, person_id, at in db.session.execute(
        select(DocumentReceipt.version_id, DocumentReceipt.person_id, DocumentReceipt.opened_at)
        .where(DocumentReceipt.version_id.in_(version_ids)))} if version_ids else {}
    documents = []
    for line in lines:
        entry = DocumentReceipts(line)
        for person in people:
            at = opened_at.get((line.document.current.id, person.id))
            if at is None:
                entry.not_opened.append(person)
            else:
                entry.opened.append((person, at))
        documents.append(entry)
    late_documents = sum(1 for line in lines if line.late)
    mail = MeetingMail.of(meeting)
    members, delay = [], convocation_delay(meeting)
    for person in people:
        sent = [row.sent_at for row in mail.by_person.get(person.id, []) if row.kind is MailKind.CONVOCATION
                and row.status is MailStatus.SENT and row.sent_at is not None]
        sent_on = to_paris(min(sent)).date() if sent else None
        ahead = days_before(meeting, sent_on) if sent_on else None
        in_time = ahead is not None and ahead >= delay and not late_documents
        members.append(MemberReceipt(person, sent_on, ahead, sum(1 for version_id in version_ids
                                                                  if (version_id, person.id) in opened_at), in_time))
    return ReceiptReport(delay, documents, members, late_documents)

"""The rules of the dossier: adding, replacing, publishing, withdrawing documents, who sees what, the
marks of what changed after the convocation, « hors délai », and the receipts of downloads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import IO, Literal

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.calendar.convocations import days_before, first_convocation_sent
from app.dossier.files import FileType, safe_filename
from app.dossier.storage import default_storage
from app.extensions import db
from app.formatting import paris_today, plain_date, to_paris
from app.meetings.page import read_once
from app.meetings.second_convocation import convocation_delay
from app.models import AgendaItem, Capacity, Invitation, Meeting, Person, User, utc_now
from app.models.dossier import DocumentReceipt, DocumentVersion, MeetingDocument
from app.permissions import has_deactivated_account, seat_opens_meeting


# What a move did: « already there » when the document is where the posted move would put it.
MoveOutcome = Literal["moved", "unchanged", "already there", "dossier changed"]


def add_version(document: MeetingDocument, stream: IO[bytes], filename: str, file_type: FileType,
                user: User | None) -> DocumentVersion:
    """A new file for ``document`` (its first, or one replacing the current: the old one is kept).
    No commit: the caller commits the record and its bytes together."""
    storage = default_storage()
    number = (document.versions[-1].number + 1) if document.versions else 1
    version = DocumentVersion(document=document, number=number, filename=safe_filename(filename, file_type.extension),
                              mimetype=file_type.mimetype, storage=storage.name, sha256="", uploaded_at=utc_now(),
                              uploaded_by_id=user.id if user is not None else None)
    db.session.add(version)
    db.session.flush()
    storage.save(version, stream)
    return version


def add_document(meeting: Meeting, *, title: str, agenda_item: AgendaItem | None, presented_at_meeting: bool,
                 stream: IO[bytes], filename: str, file_type: FileType, user: User | None) -> MeetingDocument:
    """A new draft document, placed last in the dossier. No commit."""
    last = db.session.scalar(select(func.max(MeetingDocument.position)).where(MeetingDocument.meeting_id == meeting.id))
    document = MeetingDocument(meeting=meeting, title=title, agenda_item=agenda_item, position=(last or 0) + 1,
                               presented_at_meeting=presented_at_meeting)
    db.session.add(document)
    add_version(document, stream, filename, file_type, user)
    return document


def publish(documents: list[MeetingDocument]) -> int:
    """« Diffuser »: members see these drafts from now on. Returns how many were published."""
    now, count = utc_now(), 0
    for document in documents:
        if document.published_at is None and document.withdrawn_at is None:
            document.published_at, count = now, count + 1
    return count


def withdraw(document: MeetingDocument) -> None:
    document.withdrawn_at = document.withdrawn_at or utc_now()


def move(document: MeetingDocument, direction: str, shown_at: str | None = None) -> MoveOutcome:
    """Swap the document with its neighbour in the dossier (``up`` or ``down``). ``shown_at``: its place (from
    1) on the page whose button was posted; a document no longer there (the same button posted twice, the
    dossier reordered meanwhile, a value tampered with) is not moved. Without it (a page of before), it moves."""
    siblings = meeting_documents(document.meeting)
    index = siblings.index(document)
    step = -1 if direction == "up" else 1
    if shown_at is not None and shown_at != str(index + 1):
        # Shown one place before where it is now: this very move was made already.
        return "already there" if shown_at == str(index + 1 - step) else "dossier changed"
    other = index + step
    if not 0 <= other < len(siblings):
        return "unchanged"
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    siblings[index].position, siblings[other].position = siblings[other].position, siblings[index].position
    return "moved"


def dossier_order(document: MeetingDocument) -> tuple:
    """The meeting's documents first, then those of each agenda item in the ordre du jour's order."""
    item = document.agenda_item
    return (item is not None, item.position if item is not None else 0, document.position, document.id)


# A document's versions and item joined to it, not « select in »: a handful of rows, one statement in all.
DOCUMENT_DETAILS = (joinedload(MeetingDocument.versions), joinedload(MeetingDocument.agenda_item))
# Built once: every meeting page asks for its dossier.
MEETING_DOCUMENTS = (select(MeetingDocument).where(MeetingDocument.meeting_id == bindparam("meeting_id"))
                     .options(*DOCUMENT_DETAILS))


def meeting_documents(meeting: Meeting) -> list[MeetingDocument]:
    """Every document of the meeting (drafts and withdrawn included), with their versions, in order (read once
    per page)."""
    return read_once(meeting, "documents", lambda: sorted(
        db.session.scalars(MEETING_DOCUMENTS, {"meeting_id": meeting.id}).unique().all(), key=dossier_order))


def published_documents(meeting: Meeting) -> list[MeetingDocument]:
    """What members receive: published, not withdrawn."""
    return [document for document in meeting_documents(meeting) if document.is_published]


# Built once (its cache key with it): « Mes séances » asks it on every page, the meetings' ids its values.
PUBLISHED_OF_MEETINGS = (select(MeetingDocument)
                         .where(MeetingDocument.meeting_id.in_(bindparam("meeting_ids", expanding=True)),
                                MeetingDocument.published_at.is_not(None), MeetingDocument.withdrawn_at.is_(None))
                         .options(*DOCUMENT_DETAILS))


def published_by_meeting(meetings: list[Meeting]) -> dict[int, list[MeetingDocument]]:
    """The published documents of several meetings, by meeting id, with their versions and items, in one
    statement (« Mes séances »)."""
    found: dict[int, list[MeetingDocument]] = {}
    if not meetings:
        return found
    documents = db.session.scalars(PUBLISHED_OF_MEETINGS, {"meeting_ids": [meeting.id for meeting in meetings]}
                                   ).unique().all()
    for document in sorted(documents, key=dossier_order):
        found.setdefault(document.meeting_id, []).append(document)
    return found


def documents_for(user: User, meeting: Meeting) -> list[MeetingDocument]:
    """Staff see the whole dossier (drafts and withdrawn ones marked); members the published documents."""
    return meeting_documents(meeting) if user.is_staff else published_documents(meeting)


def convocation_sent_at(meeting: Meeting) -> datetime | None:
    first = first_convocation_sent(meeting)
    return first.sent_at if first is not None else None


def change_mark(document: MeetingDocument, sent_at: datetime | None) -> str:
    """« ajouté le … » / « nouvelle version le … » when made available after the convocation went out."""
    available = document.available_at
    if sent_at is None or available is None or available <= sent_at:
        return ""
    if document.current.number > 1 and document.published_at <= sent_at:
        return f"nouvelle version le {plain_date(available)}"
    return f"ajouté le {plain_date(available)}"


def is_late(document: MeetingDocument, meeting: Meeting) -> bool:
    """« Hors délai »: made available fewer days before the meeting than the body's convocation delay
    (documents presented at the meeting and added afterwards are not late: they are annexes; nor are
    those of a second convocation)."""
    available = document.available_at
    if available is None or document.presented_at_meeting:
        return False
    return days_before(meeting, to_paris(available).date()) < convocation_delay(meeting)


@dataclass
class DossierLine:
    """One document as a page or an e-mail shows it."""

    document: MeetingDocument
    mark: str
    late: bool


def dossier_lines(documents: list[MeetingDocument], meeting: Meeting) -> list[DossierLine]:
    if not documents:  # no e-mails to read for a meeting without documents (most meeting pages)
        return []
    sent_at = convocation_sent_at(meeting)
    return [DossierLine(document, change_mark(document, sent_at), is_late(document, meeting))
            for document in documents]


def changed_since_convocation(meeting: Meeting) -> list[DossierLine]:
    """Published documents added or replaced after the convocation went out."""
    return [line for line in dossier_lines(published_documents(meeting), meeting) if line.mark]


def is_convened(meeting: Meeting, person_id: int | None) -> bool:
    return person_id is not None and db.session.scalar(
        select(Invitation.id).where(Invitation.meeting_id == meeting.id, Invitation.person_id == person_id)) is not None


def reads_by_convocation(meeting: Meeting, person: Person) -> bool:
    """The person may read the dossier through the personal links of their e-mails: convened, not deleted, their
    account (if any) active and, convened as a member, a seat of theirs opening the meeting (``seat_opens_meeting``,
    as its page). Ending the
    mandate or deactivating the account stops the links at once, as it stops the pages and the feeds."""
    if person.deleted_at is not None or has_deactivated_account(person.id):
        return False
    capacity = db.session.scalar(select(Invitation.capacity).where(Invitation.meeting_id == meeting.id,
                                                                   Invitation.person_id == person.id))
    if capacity is None:
        return False
    return capacity is not Capacity.MEMBER or seat_opens_meeting(person.id, meeting.id, paris_today())


def record_receipts(versions: list[DocumentVersion], person_id: int | None) -> None:
    """The person's first download of each version (later ones change nothing); commits."""
    if person_id is None or not versions:
        return
    already = set(db.session.scalars(select(DocumentReceipt.version_id).where(
        DocumentReceipt.person_id == person_id, DocumentReceipt.version_id.in_([v.id for v in versions]))))
    for version in versions:
        if version.id in already:
            continue
        try:
            with db.session.begin_nested():  # two downloads at once: the second finds the first
                db.session.add(DocumentReceipt(version_id=version.id, person_id=person_id, opened_at=utc_now()))
        except IntegrityError:
            pass
    db.session.commit()

"""What Séances holds about a person (export, right of access) and anonymising a person who left.

Retention rule (``ANONYMISE_MINUTES_AFTER_YEARS``, 10 by default): the person record and their account
lose the name at once, so every page and every draft shows « Personne anonymisée n°ID ». A validated
compte rendu is an official record: its frozen .docx keeps the name while the meeting is younger than
the retention period, and is rebuilt without it once older.
"""
from __future__ import annotations

import json
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import selectinload

from app.audit import log_event, plain
from app.extensions import db
from app.models import (
    Attendance,
    AuditEvent,
    DocumentReceipt,
    DocumentVersion,
    Invitation,
    Meeting,
    MeetingDocument,
    Membership,
    Minutes,
    MinutesStatus,
    Person,
    RoundTablePoint,
    RoundTableSection,
    User,
    utc_now,
)


def row_dict(row, *, leave_out: tuple[str, ...] = ()) -> dict:
    """Every column of ``row`` as JSON values."""
    return {column.key: plain(getattr(row, column.key)) for column in row.__mapper__.column_attrs
            if column.key not in leave_out}


def meeting_ref(meeting: Meeting) -> dict:
    return {"id": meeting.id, "title": meeting.title, "starts_at": plain(meeting.starts_at),
            "body": meeting.body.name}


def export_person(person: Person) -> dict:
    """Everything about ``person``, as a JSON-ready dict (loaded in a few queries, no query per row)."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.person_id == person.id).options(selectinload(Membership.body))
    ).all()
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.person_id == person.id)
        .options(selectinload(Invitation.meeting).selectinload(Meeting.body), selectinload(Invitation.proxy_holder))
    ).all()
    attendances = db.session.scalars(
        select(Attendance).where(Attendance.person_id == person.id)
        .options(selectinload(Attendance.meeting).selectinload(Meeting.body),
                 selectinload(Attendance.represented_by))
    ).all()
    points = db.session.scalars(
        select(RoundTablePoint).where(RoundTablePoint.speaker_id == person.id)
        .options(selectinload(RoundTablePoint.section).selectinload(RoundTableSection.meeting)
                 .selectinload(Meeting.body))
    ).all()
    receipts = db.session.scalars(
        select(DocumentReceipt).where(DocumentReceipt.person_id == person.id).order_by(DocumentReceipt.opened_at)
        .options(selectinload(DocumentReceipt.version).selectinload(DocumentVersion.document)
                 .selectinload(MeetingDocument.meeting).selectinload(Meeting.body))
    ).all()
    account = db.session.scalar(select(User).where(User.person_id == person.id))
    about = [(AuditEvent.entity_type == "Person") & (AuditEvent.entity_id == person.id)]
    if account is not None:
        about.append((AuditEvent.entity_type == "User") & (AuditEvent.entity_id == account.id))
    events = db.session.scalars(select(AuditEvent).where(or_(*about)).order_by(AuditEvent.at, AuditEvent.id)).all()
    return {
        "exported_at": plain(utc_now()),
        "person": row_dict(person, leave_out=("feed_token",)),
        "memberships": [{**row_dict(m), "body": m.body.name} for m in memberships],
        "invitations": [{**row_dict(i), "meeting": meeting_ref(i.meeting),
                         "proxy_holder": i.proxy_holder.formal_name if i.proxy_holder else None} for i in invitations],
        "attendances": [{**row_dict(a), "meeting": meeting_ref(a.meeting),
                         "represented_by": a.represented_by.formal_name if a.represented_by else None}
                        for a in attendances],
        "points_spoken": [{**row_dict(p), "section": p.section.title, "meeting": meeting_ref(p.section.meeting)}
                          for p in points],
        "document_receipts": [{"opened_at": plain(r.opened_at), "document": r.version.document.title,
                               "version": r.version.number, "meeting": meeting_ref(r.version.document.meeting)}
                              for r in receipts],
        "account": row_dict(account, leave_out=("password_hash", "session_generation")) if account else None,
        "audit_events": [{"at": plain(e.at), "action": e.action, "by": e.user_email, "summary": e.summary,
                          "changes": e.changed_fields} for e in events],
    }


def years_before(moment: datetime, years: int) -> datetime:
    """The same day ``years`` earlier (28 February for a 29 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def anonymised_name(person: Person) -> str:
    return f"Personne anonymisée n°{person.id}"


def anonymise_person(person: Person, retention_years: int, now: datetime | None = None) -> list[Meeting]:
    """Replace the person's names and e-mail, detach and close their account, and rebuild the validated
    minutes older than ``retention_years`` where they appear; returns those meetings. No commit."""
    from app.documents.workflow import frozen_minutes_file, minutes_facts

    person.first_name, person.last_name = "", anonymised_name(person)
    person.email, person.affiliation, person.feed_token = None, "", None
    account = db.session.scalar(select(User).where(User.person_id == person.id))
    if account is not None:
        account.person_id = None
        account.active = False
        account.end_sessions()
        account.email = f"compte-{account.id}@anonymise.invalid"
    limit = years_before(now or utc_now(), retention_years)
    concerned = (select(Attendance.meeting_id).where(
        or_(Attendance.person_id == person.id, Attendance.represented_by_id == person.id))
        .union(select(Invitation.meeting_id).where(Invitation.person_id == person.id),
               select(RoundTableSection.meeting_id).join(RoundTablePoint)
               .where(RoundTablePoint.speaker_id == person.id)))
    old_minutes = db.session.scalars(
        select(Meeting).join(Minutes)
        .where(Meeting.id.in_(concerned), Meeting.starts_at < limit,
               Minutes.status != MinutesStatus.DRAFT, Minutes.document.is_not(None))
    ).all()
    db.session.flush()
    for meeting in old_minutes:
        meeting.minutes.document = frozen_minutes_file(meeting, minutes_facts(meeting))
    db.session.flush()
    scrub_audit_trail(person, account)
    return list(old_minutes)


def scrub_audit_trail(person: Person, account: User | None) -> None:
    """The trail keeps that the record and the account changed, not the names or addresses they held
    (including the old names the anonymisation itself just recorded)."""
    about = [and_(AuditEvent.entity_type == "Person", AuditEvent.entity_id == person.id)]
    if account is not None:
        about.append(and_(AuditEvent.entity_type == "User", AuditEvent.entity_id == account.id))
        db.session.execute(update(AuditEvent).where(AuditEvent.user_id == account.id)
                           .values(user_email=f"compte anonymisé n°{account.id}"))
    db.session.execute(update(AuditEvent).where(or_(*about))
                       .values(summary=f"{anonymised_name(person)} : donnée anonymisée", changes="{}"))


def export_json(person: Person) -> str:
    """The export, logged in the audit trail (committed by the caller)."""
    data = export_person(person)
    log_event("exported", person, f"Données de la personne n°{person.id} exportées")
    return json.dumps(data, ensure_ascii=False, indent=2)


def anonymise_and_log(person: Person) -> int:
    """Anonymise, log it; returns how many validated comptes rendus were rebuilt. No commit."""
    years = int(current_app.config["ANONYMISE_MINUTES_AFTER_YEARS"])
    rebuilt = anonymise_person(person, years)
    log_event("anonymised", person, f"Personne n°{person.id} anonymisée ; {len(rebuilt)} compte(s) rendu(s) "
              f"validé(s) de plus de {years} ans reconstruit(s)", {"rebuilt_meetings": [m.id for m in rebuilt]})
    return len(rebuilt)

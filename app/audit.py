"""The audit trail, recorded in one place: SQLAlchemy events on the audited models.

Every insert, update and delete of an audited model made through the ORM becomes an ``AuditEvent``,
with the user of the current request (« ligne de commande » outside requests). Soft deletes and
restores (``deleted_at`` set or cleared) and the minutes workflow (status validated, published, back
to draft) get their own action names. Rows of a flush are written at its end in one INSERT.
Bulk Core inserts (the load generator) are not audited.

Each event also records the organisation (ARS) it is about — each ARS's admins read their own trail —
and the client's address. Sign-in events (logins, logouts, passwords, deactivations, feed links) are
written by ``log_security_event``.
"""
from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import g, has_app_context, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import event, inspect, insert, select
from sqlalchemy.orm import object_session

from app.extensions import db

from app.models.audit import ACTION_LABELS
from app.models import (
    AgendaItem,
    Attendance,
    AuditEvent,
    Body,
    ConvocationSending,
    Deadline,
    Invitation,
    MailStatus,
    Meeting,
    Membership,
    MembershipRole,
    Minutes,
    MinutesStatus,
    OutboxMessage,
    Person,
    RoundTablePoint,
    RoundTableSection,
    User,
    utc_now,
)

COMMAND_LINE = "ligne de commande"
ANONYMOUS = "anonyme (lien reçu par e-mail)"
# Never copied into the trail: secrets, and bulky or derived columns.
HIDDEN_FIELDS = {"password_hash", "feed_token", "document", "updated_at", "created_at", "version",
                 "attendance_version", "ical_uid", "last_login_at", "session_generation"}
PENDING = "audit_pending"
ACTOR = "audit_actor"
ORGANISATIONS = "audit_organisations"  # (table, id) → organisation id, read once per session
JOB_ACTOR = "job_actor"  # in ``g``: who asked for the background job being run (app/jobs.py)


@dataclass(frozen=True)
class Audited:
    label: str  # French, with its article: « la séance »
    name: Callable[[object], str]  # a short name from the row's own columns (no query during a flush)
    feminine: bool = False  # « créée » or « créé »


AUDITED: dict[type, Audited] = {
    Meeting: Audited("la séance", lambda row: row.title, feminine=True),
    AgendaItem: Audited("le point de l'ordre du jour", lambda row: row.title),
    Attendance: Audited("la présence", lambda row: f"personne n°{row.person_id}", feminine=True),
    Invitation: Audited("la convocation", lambda row: f"personne n°{row.person_id}", feminine=True),
    RoundTableSection: Audited("la section du tour de table", lambda row: row.title, feminine=True),
    RoundTablePoint: Audited("le point du tour de table", lambda row: shortened(row.text)),
    Deadline: Audited("l'échéance", lambda row: row.title, feminine=True),
    Person: Audited("la personne", lambda row: f"{row.last_name.upper()} {row.first_name}".strip(), feminine=True),
    Membership: Audited("le mandat", lambda row: f"personne n°{row.person_id}, instance n°{row.body_id}"),
    MembershipRole: Audited("le rôle", lambda row: f"{row.kind.label}, mandat n°{row.membership_id}"),
    Body: Audited("l'instance", lambda row: row.name, feminine=True),
    Minutes: Audited("le compte rendu", lambda row: f"séance n°{row.meeting_id}"),
    User: Audited("le compte", lambda row: row.email),
    OutboxMessage: Audited("le courriel", lambda row: f"{row.kind.label}, personne n°{row.person_id}"),
    ConvocationSending: Audited("l'envoi des convocations", lambda row: f"version {row.sequence}"),
}

ACTION_VERBS = {"created": "créé", "updated": "modifié", "deleted": "supprimé", "restored": "restauré",
                "validated": "validé", "published": "publié", "reopened": "rouvert", "sent": "envoyé",
                "deactivated": "désactivé", "reactivated": "réactivé"}


def shortened(text: str | None, length: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def plain(value):
    """A JSON-friendly copy of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    return value


def current_actor() -> tuple[int | None, str]:
    """The logged-in user of this request (as Flask-Login cached it: no query here), or of the
    request that queued the background job being run."""
    job_actor = g.get(JOB_ACTOR) if has_app_context() else None
    if job_actor is not None:
        return job_actor[0], job_actor[1]
    if not has_request_context():
        return None, COMMAND_LINE
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ANONYMOUS
    return user.id, user.email


def actor_organisation_id() -> int | None:
    """The ARS of the logged-in user (what they change is their ARS's), None otherwise."""
    user = g.get("_login_user") if has_request_context() else None
    return getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None


def remote_address() -> str:
    """The client's address (behind ``TRUSTED_PROXIES`` proxies, the one they saw); empty outside requests."""
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def organisation_id_of(row, meeting_id: int | None, session, connection) -> int | None:
    """The ARS a row belongs to: its own column, else the organisation of its body or meeting, read
    once per session (a flush of a hundred attendances costs one query, and none in a request)."""
    if isinstance(row, (Body, Person, User)):
        return row.organisation_id
    if isinstance(row, Membership):
        key, query = ("body", row.body_id), select(Body.organisation_id).where(Body.id == row.body_id)
    elif meeting_id is not None:
        key = ("meeting", meeting_id)
        query = select(Body.organisation_id).join(Meeting, Meeting.body_id == Body.id).where(Meeting.id == meeting_id)
    else:
        return None
    known = session.info.setdefault(ORGANISATIONS, {})
    if key not in known:
        known[key] = connection.scalar(query)
    return known[key]


def column_changes(row, creating: bool) -> dict:
    """{field: value} for a new or deleted row; {field: [before, after]} for an update."""
    state = inspect(row)
    changes = {}
    for column in state.mapper.column_attrs:
        if column.key in HIDDEN_FIELDS:
            continue
        if creating:
            value = state.dict.get(column.key)  # loaded values only: no query during the flush
            if value is not None:
                changes[column.key] = plain(value)
            continue
        history = state.attrs[column.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[column.key] = [plain(before), plain(after)]
    return changes


def update_action(row, changes: dict) -> str:
    if "deleted_at" in changes:
        return "restored" if changes["deleted_at"][1] is None else "deleted"
    if isinstance(row, Minutes) and "status" in changes:
        return {MinutesStatus.VALIDATED.value: "validated", MinutesStatus.PUBLISHED.value: "published",
                MinutesStatus.DRAFT.value: "reopened"}[changes["status"][1]]
    if isinstance(row, OutboxMessage) and changes.get("status", [None, None])[1] == MailStatus.SENT.value:
        return "sent"
    if isinstance(row, User) and "active" in changes:
        return "reactivated" if changes["active"][1] else "deactivated"
    return "updated"


def meeting_id_of(row, connection) -> int | None:
    """The meeting a row belongs to, read from its own columns (one small query for points and deliveries)."""
    if isinstance(row, Meeting):
        return row.id
    if isinstance(row, RoundTablePoint):
        section = inspect(row).dict.get("section")  # usually loaded by the editor: no query then
        if section is not None:
            return section.meeting_id
        return connection.scalar(select(RoundTableSection.meeting_id).where(RoundTableSection.id == row.section_id))
    return getattr(row, "meeting_id", None)


def record(row, action: str, changes: dict, connection) -> None:
    """Queue one event; ``write_pending`` inserts the queue at the end of the flush."""
    session = object_session(row)
    if session is None:
        return
    audited = AUDITED[type(row)]
    user_id, email, organisation_id = session.info.get(ACTOR) or (*current_actor(), actor_organisation_id())
    verb = ACTION_VERBS.get(action, action) + ("e" if audited.feminine and action in ACTION_VERBS else "")
    meeting_id = meeting_id_of(row, connection)
    if organisation_id is None or isinstance(row, User):
        organisation_id = organisation_id_of(row, meeting_id, session, connection)
    session.info.setdefault(PENDING, []).append({
        "at": utc_now(), "user_id": user_id, "user_email": email, "action": action,
        "entity_type": type(row).__name__, "entity_id": row.id, "meeting_id": meeting_id,
        "organisation_id": organisation_id, "remote_address": remote_address(),
        "summary": shortened(f"{audited.label.capitalize()} « {audited.name(row)} » : {verb}", 500),
        "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
    })


def after_insert(mapper, connection, row) -> None:
    if isinstance(row, OutboxMessage):
        return  # queued e-mails are listed on the meeting page; the trail keeps what was sent
    action = "created"
    if isinstance(row, Minutes) and row.status is not MinutesStatus.DRAFT:
        action = row.status.value  # minutes validated at once: « validated »
    record(row, action, column_changes(row, creating=True), connection)


def after_update(mapper, connection, row) -> None:
    changes = column_changes(row, creating=False)
    if not changes:
        return
    action = update_action(row, changes)
    if isinstance(row, OutboxMessage) and (action != "sent" or row.meeting_id is None):
        return  # the trail keeps e-mails sent about meetings
    record(row, action, changes, connection)


def after_delete(mapper, connection, row) -> None:
    record(row, "deleted", column_changes(row, creating=True), connection)


def remember_actor(session, flush_context, instances) -> None:
    """Resolve the user before the flush starts (reading an expired user is a query)."""
    session.info[ACTOR] = (*current_actor(), actor_organisation_id())


def write_pending(session, flush_context) -> None:
    events = session.info.pop(PENDING, None)
    if events:
        session.connection().execute(insert(AuditEvent), events)


def forget_pending(session, *args) -> None:
    """Events of a rolled-back flush are dropped with it."""
    session.info.pop(PENDING, None)


def forget_organisations(session, *args) -> None:
    """What was read about bodies and meetings holds for one transaction."""
    session.info.pop(ORGANISATIONS, None)


def log_event(action: str, row, summary: str, changes: dict | None = None) -> None:
    """An explicit event that no column change shows (an export of personal data, for instance);
    written with the next commit."""
    user_id, email = current_actor()
    meeting_id = row.id if isinstance(row, Meeting) else getattr(row, "meeting_id", None)
    organisation_id = row.organisation_id if isinstance(row, (Body, Person, User)) else actor_organisation_id()
    db.session.add(AuditEvent(user_id=user_id, user_email=email, action=action, entity_type=type(row).__name__,
                              entity_id=row.id, meeting_id=meeting_id, organisation_id=organisation_id,
                              remote_address=remote_address(), summary=shortened(summary, 500),
                              changes=json.dumps(changes or {}, ensure_ascii=False, sort_keys=True)))


def log_security_event(action: str, account: User | None, detail: str = "") -> None:
    """A sign-in event about ``account`` (None: a login attempt for an address that has no account),
    with the time and the client's address; written with the next commit."""
    label = ACTION_LABELS[action]
    subject = account.email if account is not None else "adresse sans compte"
    db.session.add(AuditEvent(
        user_id=account.id if account is not None else None, user_email=account.email if account else "",
        action=action, entity_type="User", entity_id=account.id if account is not None else None,
        organisation_id=account.organisation_id if account is not None else None,
        remote_address=remote_address(),
        summary=shortened(f"{label} : {subject}" + (f" ({detail})" if detail else ""), 500),
        changes="{}"))


def register_audit_listeners() -> None:
    """Called once at import: the listeners apply to every app and session."""
    for model in AUDITED:
        event.listen(model, "after_insert", after_insert)
        event.listen(model, "after_update", after_update)
        event.listen(model, "after_delete", after_delete)
    event.listen(Session, "before_flush", remember_actor)
    event.listen(Session, "after_flush", write_pending)
    event.listen(Session, "after_rollback", forget_pending)
    event.listen(Session, "after_commit", forget_organisations)
    event.listen(Session, "after_rollback", forget_organisations)


register_audit_listeners()

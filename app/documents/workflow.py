"""The minutes workflow: draft → validated → published, and the explicit reopen.

Validation freezes the compte rendu: the .docx is built once, stored in ``Minutes.document`` and
served as it was from then on, whatever happens to the meeting afterwards. These functions change
the session; the caller commits.
"""
from __future__ import annotations

from app.documents.minutes import build_minutes
from app.documents.word import document_bytes
from app.extensions import db
from app.meetings.quorum import quorum_status
from app.models import Meeting, Minutes, MinutesAction, MinutesEvent, MinutesStatus, User, utc_now


class MinutesWorkflowError(Exception):
    """A step asked at the wrong moment; the message is French, for the user."""


def minutes_status(meeting: Meeting) -> MinutesStatus:
    """A meeting without a ``Minutes`` row has a draft compte rendu."""
    return meeting.minutes.status if meeting.minutes is not None else MinutesStatus.DRAFT


def minutes_are_frozen(meeting: Meeting) -> bool:
    """True once validated: the meeting's content should not change until the minutes are reopened."""
    return minutes_status(meeting) is not MinutesStatus.DRAFT


def minutes_visible_to(user: User, meeting: Meeting) -> bool:
    """Staff read every compte rendu; members only published ones."""
    return user.is_staff or minutes_status(meeting) is MinutesStatus.PUBLISHED


def quorum_statement(meeting: Meeting) -> str:
    """The quorum sentence of the compte rendu: as frozen at validation, else as the attendance
    recorded reads now; empty while no attendance is recorded."""
    if meeting.minutes is not None and minutes_are_frozen(meeting) and meeting.minutes.quorum_statement is not None:
        return meeting.minutes.quorum_statement
    if not meeting.attendances:
        return ""
    return quorum_status(meeting).sentence


def minutes_file(meeting: Meeting) -> bytes:
    """The compte rendu as served: the frozen file once validated, else a fresh draft."""
    if meeting.minutes is not None and meeting.minutes.document is not None and minutes_are_frozen(meeting):
        return meeting.minutes.document
    return document_bytes(build_minutes(meeting, draft=True, quorum_statement=quorum_statement(meeting)))


def _minutes_of(meeting: Meeting) -> Minutes:
    if meeting.minutes is None:
        meeting.minutes = Minutes(status=MinutesStatus.DRAFT)
        db.session.add(meeting.minutes)
    return meeting.minutes


def _record(minutes: Minutes, action: MinutesAction, user: User, comment: str = "") -> None:
    minutes.events.append(MinutesEvent(action=action, user_id=user.id, at=utc_now(), comment=comment))


NOT_YET_HELD = ("La séance n'a pas encore eu lieu : son compte rendu ne peut être validé ni publié qu'une fois la "
                "séance tenue.")


def validate_minutes(meeting: Meeting, user: User) -> Minutes:
    """Freeze the compte rendu as it reads now (without the « PROJET » mark); only once the meeting took place."""
    if minutes_are_frozen(meeting):
        raise MinutesWorkflowError("Ce compte rendu est déjà validé.")
    if not meeting.has_taken_place:
        raise MinutesWorkflowError(NOT_YET_HELD)
    statement = quorum_statement(meeting)  # read before the minutes change: its queries would flush them
    minutes = _minutes_of(meeting)
    minutes.quorum_statement = statement
    minutes.document = document_bytes(build_minutes(meeting, draft=False, quorum_statement=minutes.quorum_statement))
    minutes.status = MinutesStatus.VALIDATED
    minutes.validated_at, minutes.validated_by_id = utc_now(), user.id
    _record(minutes, MinutesAction.VALIDATED, user)
    return minutes


def publish_minutes(meeting: Meeting, user: User) -> Minutes:
    """Make the validated compte rendu available to the members."""
    if not meeting.has_taken_place:
        raise MinutesWorkflowError(NOT_YET_HELD)
    minutes = _minutes_of(meeting)
    if minutes.status is MinutesStatus.DRAFT:
        raise MinutesWorkflowError("Validez le compte rendu avant de le publier.")
    if minutes.status is MinutesStatus.PUBLISHED:
        raise MinutesWorkflowError("Ce compte rendu est déjà publié.")
    minutes.status = MinutesStatus.PUBLISHED
    minutes.published_at, minutes.published_by_id = utc_now(), user.id
    _record(minutes, MinutesAction.PUBLISHED, user)
    return minutes


def reopen_minutes(meeting: Meeting, user: User, reason: str = "") -> Minutes:
    """Back to draft: the frozen file is dropped (the events keep who validated and published)."""
    minutes = _minutes_of(meeting)
    if minutes.status is MinutesStatus.DRAFT:
        raise MinutesWorkflowError("Ce compte rendu est déjà en projet.")
    minutes.status = MinutesStatus.DRAFT
    minutes.document = minutes.quorum_statement = None
    minutes.validated_at = minutes.validated_by_id = None
    minutes.published_at = minutes.published_by_id = None
    _record(minutes, MinutesAction.REOPENED, user, reason.strip())
    return minutes

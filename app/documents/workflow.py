"""The minutes workflow: draft → validated → published, and the explicit reopen.

Validation freezes the compte rendu: the .docx is built once, stored in ``Minutes.document`` and
served as it was from then on, whatever happens to the meeting afterwards. These functions change
the session; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.bodies.roles import presiding_holders
from app.documents.minutes import build_minutes
from app.documents.queries import MinutesMeeting, minutes_view
from app.documents.word import document_bytes
from app.extensions import db
from app.formatting import plain_date, to_paris
from app.meetings.quorum import quorum_status
from app.models import (AttendanceStatus, Meeting, Membership, Minutes, MinutesAction, MinutesEvent, MinutesStatus,
                        RoleKind, User, utc_now)
from app.models.bodies import ROLE_TITLES


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
    return status_visible_to(user, minutes_status(meeting))


def status_visible_to(user: User, status: MinutesStatus | None) -> bool:
    """``minutes_visible_to`` from the status alone (None: no compte rendu yet, a draft)."""
    return user.is_staff or status is MinutesStatus.PUBLISHED


def quorum_statement(meeting: Meeting) -> str:
    """The quorum sentence of the compte rendu: as frozen at validation, else as the attendance
    recorded reads now; empty while no attendance is recorded."""
    if meeting.minutes is not None and minutes_are_frozen(meeting) and meeting.minutes.quorum_statement is not None:
        return meeting.minutes.quorum_statement
    if not meeting.attendances:
        return ""
    return quorum_status(meeting).sentence


def presiding_line(meeting: Meeting) -> str:
    """« M. Laurent MARCHAND, Président » from the roles on the meeting day: the president, or a
    vice-president present when the attendance shows the president was not there; '' if vacant."""
    day = to_paris(meeting.starts_at).date()
    present = {attendance.person_id for attendance in meeting.attendances
               if attendance.status is AttendanceStatus.PRESENT}
    president, vice_presidents = presiding_holders(meeting.body, day)
    candidates: list[tuple[Membership, RoleKind]] = []
    if president is not None:
        candidates.append((president, RoleKind.PRESIDENT))
    if meeting.attendances and (president is None or president.person_id not in present):
        deputies = [(membership, RoleKind.VICE_PRESIDENT) for membership in vice_presidents
                    if membership.person_id in present]
        candidates = deputies[:1] or candidates
    if not candidates:
        return ""
    membership, kind = candidates[0]
    person = membership.person
    return f"{person.display_name}, {ROLE_TITLES[kind][person.civility.value]}"


def validation_line(minutes: Minutes) -> str:
    """« Compte rendu validé le 3 juin 2020 par Mme Claire DUPONT »; an account without a person is not named:
    its address is a login, and the published file reaches every member and the public page."""
    user = minutes.validated_by
    who = user.person.display_name if user is not None and user.person is not None else ""
    return f"Compte rendu validé le {plain_date(minutes.validated_at)}" + (f" par {who}" if who else "") + "."


@dataclass
class MinutesFacts:
    """What the compte rendu states besides the meeting itself, frozen at validation."""

    quorum_statement: str
    presiding: str
    convocations: str = ""  # « Convocations envoyées le 20 mai 2020 (J-8) », once sent


def minutes_facts(meeting: Meeting) -> MinutesFacts:
    from app.calendar.convocations import convocation_record  # calendar imports the documents area

    record = convocation_record(meeting)
    return MinutesFacts(quorum_statement(meeting), presiding_line(meeting), record.sentence + "." if record else "")


def minutes_file(meeting: Meeting | MinutesMeeting) -> bytes:
    """The compte rendu as served: the frozen file once validated, else a fresh draft."""
    if meeting.minutes is not None and meeting.minutes.document is not None and minutes_are_frozen(meeting):
        return meeting.minutes.document
    view = minutes_view(meeting)
    facts = minutes_facts(view)
    return document_bytes(build_minutes(view, draft=True, quorum_statement=facts.quorum_statement,
                                        presiding=facts.presiding, convocations=facts.convocations))


def frozen_minutes_file(meeting: Meeting, facts: MinutesFacts) -> bytes:
    """The validated compte rendu: no « PROJET », the frozen quorum sentence, the validation line."""
    minutes = meeting.minutes
    return document_bytes(build_minutes(meeting, draft=False, quorum_statement=minutes.quorum_statement or "",
                                        presiding=facts.presiding, convocations=facts.convocations,
                                        validation=validation_line(minutes)))


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
    facts = minutes_facts(meeting)  # read before the minutes change: its queries would flush them
    minutes = _minutes_of(meeting)
    minutes.quorum_statement = facts.quorum_statement
    minutes.validated_at, minutes.validated_by_id, minutes.validated_by = utc_now(), user.id, user
    minutes.document = frozen_minutes_file(meeting, facts)
    minutes.status = MinutesStatus.VALIDATED
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

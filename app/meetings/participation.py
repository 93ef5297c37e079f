"""How a present person took part in a meeting: on site (« sur place ») or by visio (« en visioconférence »).

A meeting held one way gives its mode to everyone (``meeting_mode``); at a meeting held both on site and by
visio (``offers_both_modes``) the attendance sheet records each present person's own (``Attendance.mode``).
``participation_mode`` is the one rule the attestation de présence and the accountant's CSV read. Pure
functions of the meeting and its attendances: mapped objects or the plain rows of ``app.meetings.page``."""
from __future__ import annotations

from app.models import Attendance, Meeting, ParticipationMode


def meeting_mode(meeting: Meeting) -> ParticipationMode:
    """« en visioconférence » when the meeting has no place but a visio (or its place says so),
    else « sur place »."""
    place = meeting.place.strip().lower()
    if "visio" in place or (not place and meeting.visio_url.strip()):
        return ParticipationMode.REMOTE
    return ParticipationMode.ON_SITE


def offers_both_modes(meeting: Meeting) -> bool:
    """Held at a place and by visio: the sheet asks each present person's mode. A place that says « visio »
    is not a place to travel to (as in the minutes' « Lieu : … et en visioconférence »)."""
    return bool(meeting.visio_url.strip()) and meeting_mode(meeting) is ParticipationMode.ON_SITE


def participation_mode(attendance: Attendance, meeting: Meeting) -> ParticipationMode:
    """The mode recorded for ``attendance``, else its meeting's (rows recorded before modes were, and every
    meeting held one way only)."""
    return attendance.mode or meeting_mode(meeting)

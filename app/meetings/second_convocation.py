"""Second convocation (D.1432-50): a meeting whose quorum was not reached is convened again within the
body's delay (8 days), with the same agenda and convened list; it then deliberates whatever the
number present."""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from app.bodies.rules import within
from app.formatting import long_date
from app.meetings.roster import meeting_day
from app.meetings.scheduling import MeetingDetails, Occurrence, occurrence_of, schedule_meeting
from app.models import Meeting

if TYPE_CHECKING:
    from app.meetings.quorum import QuorumStatus


def second_convocation_notice(meeting: Meeting) -> str:
    """The line a second convocation carries on its page, in its e-mails and in its compte rendu."""
    first = meeting.first_convocation
    if first is not None and not sits_without_quorum(meeting):
        return (f"Seconde convocation de la séance du {long_date(first.starts_at)}, mais hors des conditions de "
                f"l'article D.1432-50 ({within(first.body.second_convocation_days)}, sur le même ordre du "
                "jour, après une séance sans quorum) : le quorum est de nouveau requis.")
    notice = "Seconde convocation : la séance se tient quel que soit le nombre de présents"
    if first is None:
        return notice + "."
    return f"{notice} (le quorum n'avait pas été atteint à la séance du {long_date(first.starts_at)})."


def convocation_delay(meeting: Meeting) -> int:
    """Days ahead of the sitting its convocations and documents are due: the body's delay; none for a second
    convocation, which sits within days of the sitting without quorum (D.1432-50)."""
    return 0 if meeting.is_second_convocation else meeting.body.convocation_days


def sits_without_quorum(meeting: Meeting) -> bool:
    """A second convocation deliberates whatever the number present only as D.1432-50 convenes it: after a
    sitting without quorum and within the body's delay, on the same agenda. Edited out of that (« Modifier
    la séance »), or its first sitting's attendance corrected to a quorum, it needs its quorum again."""
    from app.meetings.quorum import quorum_status  # that module counts with this rule

    if not meeting.is_second_convocation:
        return False
    first = meeting.first_convocation
    if first is None:  # the first sitting deleted for good: nothing to compare with, as convened
        return True
    return (occurrence_refusal(first, occurrence_of(meeting)) is None
            and [item.title for item in meeting.agenda_items] == [item.title for item in first.agenda_items]
            and not quorum_status(first).reached)


def latest_day(meeting: Meeting) -> date:
    """The last day on which the second convocation of ``meeting`` may sit."""
    return meeting_day(meeting) + timedelta(days=meeting.body.second_convocation_days)


def live_second_convocations(meeting: Meeting) -> list[Meeting]:
    return [other for other in meeting.second_convocations if other.deleted_at is None and not other.is_cancelled]


def reconvening_refusal(meeting: Meeting, quorum: QuorumStatus) -> str | None:
    """Why ``meeting`` cannot be convened a second time, or None when « Reconvoquer » applies."""
    if meeting.is_cancelled:
        return "Cette séance est annulée : il n'y a pas de seconde convocation."
    if meeting.is_second_convocation:
        return "Cette séance est déjà une seconde convocation : elle se tient quel que soit le nombre de présents."
    if not meeting.attendances:
        return ("Enregistrez d'abord la feuille de présence : on reconvoque une séance où le quorum n'a pas "
                "été atteint.")
    if quorum.reached:
        return "Le quorum a été atteint à cette séance : elle n'a pas à être reconvoquée."
    existing = live_second_convocations(meeting)
    if existing:
        return f"Cette séance est déjà reconvoquée le {long_date(existing[0].starts_at)}."
    return None


def occurrence_refusal(meeting: Meeting, occurrence: Occurrence) -> str | None:
    """Why the second convocation cannot sit then, or None."""
    if occurrence.starts_at <= meeting.starts_at:
        return f"La seconde convocation se tient après la séance du {long_date(meeting.starts_at)}."
    if occurrence.day > latest_day(meeting):
        days = meeting.body.second_convocation_days
        return (f"La seconde convocation se tient dans les {days} jours qui suivent la séance sans quorum : "
                f"au plus tard le {long_date(latest_day(meeting))}.")
    return None


def schedule_second_convocation(meeting: Meeting, occurrence: Occurrence, place: str, visio_url: str) -> Meeting:
    """The meeting convened again: same agenda, texts and convened list, linked to ``meeting``.
    Added to the session; the caller commits."""
    suffix = " (seconde convocation)"
    details = MeetingDetails(
        title=meeting.title[:300 - len(suffix)] + suffix, place=place, visio_url=visio_url,
        context=meeting.context, working_method=meeting.working_method,
        agenda_titles=tuple(item.title for item in meeting.agenda_items),
    )
    second = schedule_meeting(meeting.body, occurrence, details, convened_as=meeting)
    for item, original in zip(second.agenda_items, meeting.agenda_items):
        item.description = original.description
    second.first_convocation = meeting
    return second

"""E-mails that follow an answer: the suppléant told that they sit in their titulaire's place (with
the invitation), the member told whose pouvoir they hold, and the members whose pouvoir lapses because
its holder will not sit (with their answer links, to give it to someone else). Which answers and holders
are allowed is decided by the answer page (app/calendar/answers.py); this module only tells the people
concerned."""
from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.calendar.answers import answer_links, pouvoirs_given_to
from app.calendar.builders import Attendee, meeting_calendar, meeting_location
from app.calendar.convocations import build_for_recipients, can_email, load_meetings, meeting_mail, times_taken_off
from app.calendar.mail import secretariat_email
from app.calendar.urls import public_url
from app.extensions import db
from app.formatting import long_date, paris_today, time_range
from app.mail.outbox import Dropped, Queued, deliver_soon, queue
from app.meetings.proxies import DECLINING
from app.meetings.roster import meeting_day
from app.meetings.scheduling import convene
from app.models import Invitation, InvitationResponse, MailKind, Membership, OutboxMessage, Seat, utc_now


def sits_on_the_day(substitute: Membership, meeting, today: date) -> bool:
    """The suppléant's mandate has not ended (ending it, even today, ends it at once: ``mandate_not_ended``)
    and runs on the meeting day: they may sit in their titulaire's place."""
    return (substitute.end_date is None or substitute.end_date > today) and substitute.is_current(meeting_day(meeting))


def sitting_substitutes(invitation: Invitation, today: date) -> list[Membership]:
    """The memberships of the suppléants of the titulaire seat(s) the person holds in the body who may sit
    on the meeting day (``sits_on_the_day``)."""
    seats = db.session.scalars(
        select(Membership).where(Membership.body_id == invitation.meeting.body_id,
                                 Membership.person_id == invitation.person_id, Membership.seat == Seat.TITULAIRE)
        .options(selectinload(Membership.substitutes).selectinload(Membership.person))
    )
    return [substitute for seat in seats if seat.is_current(today) for substitute in seat.substitutes
            if sits_on_the_day(substitute, invitation.meeting, today) and substitute.person.deleted_at is None]


def queue_answer_notices(invitation: Invitation, today: date) -> Queued:
    """After an answer: « mon suppléant me remplace » tells the suppléants (convened if they were
    not), « je donne pouvoir » tells the holder; any answer by which the person will not sit tells those
    who gave them their pouvoir that it lapses. Once per meeting version and pair (a lapse: once per
    pouvoir given); no commit."""
    meeting = invitation.meeting
    giver = invitation.person_id
    messages = []
    if invitation.response is InvitationResponse.SUBSTITUTE:
        substitutes = sitting_substitutes(invitation, today)
        convene(meeting, substitutes)
        messages += [meeting_mail(MailKind.SUBSTITUTE_NOTICE, meeting, substitute.person_id, about_person_id=giver,
                                  key_suffix=f":for:{giver}")
                     for substitute in substitutes if can_email(substitute.person)]
    holder = invitation.proxy_holder
    if invitation.response is InvitationResponse.PROXY and holder is not None and can_email(holder):
        messages.append(meeting_mail(MailKind.PROXY_NOTICE, meeting, holder.id, about_person_id=giver,
                                     key_suffix=f":from:{giver}"))
    if invitation.response in DECLINING:
        messages += [meeting_mail(MailKind.PROXY_LAPSED, meeting, given.person_id, about_person_id=giver,
                                  key_suffix=f":holder:{giver}:{pouvoir_stamp(given)}")
                     for given in pouvoirs_given_to(invitation) if can_email(given.person)]
    return queue(messages, retry_failed=False)


def pouvoir_stamp(given: Invitation) -> int:
    """Tells apart the pouvoirs a member gave to the same holder by successive answers: each one that
    lapses is told once."""
    return int(given.responded_at.timestamp()) if given.responded_at is not None else 0


def tell_people_concerned(invitation: Invitation, today: date) -> None:
    """After an answer is recorded: queue the notices it calls for, commit, deliver."""
    queued = queue_answer_notices(invitation, today)
    db.session.commit()
    deliver_soon(queued.ids)


def notice_message(row: OutboxMessage, meeting, person, about, invitation: Invitation | None,
                   sequence: int | None = None) -> EmailMessage:
    """The suppléant's notice carries the invitation (naming them alone, at their ``sequence``) and their answer
    links; the notice of a lapsed pouvoir carries the giver's answer links, to give it to someone else."""
    substitute = row.kind is MailKind.SUBSTITUTE_NOTICE
    with_links = row.kind in (MailKind.SUBSTITUTE_NOTICE, MailKind.PROXY_LAPSED) and invitation is not None
    context = {
        "kind": row.kind.value, "meeting": meeting, "person": person, "about": about,
        "when": f"{long_date(meeting.starts_at).capitalize()}, {time_range(meeting.starts_at, meeting.ends_at)}",
        "location": meeting_location(meeting),
        "meeting_url": public_url("meetings.detail", meeting_id=meeting.id),
        "links": answer_links(invitation) if with_links else [],
    }
    what = {MailKind.SUBSTITUTE_NOTICE: f"Vous siégez à la place de {about.display_name}",
            MailKind.PROXY_NOTICE: f"Pouvoir de {about.display_name}",
            MailKind.PROXY_LAPSED: "Pouvoir caduc"}[row.kind]
    subject = f"{what} : {meeting.body.label} — {meeting.title} — {long_date(meeting.starts_at)}"
    calendar = None
    if substitute:
        answer = invitation.response if invitation is not None else None
        calendar = meeting_calendar(meeting, method="REQUEST", stamp=utc_now(), attendees=[Attendee(person, answer)],
                                    sequence=sequence)
    return secretariat_email(meeting, person, subject, "notice", context, calendar=calendar)


def notice_email(row: OutboxMessage, meeting, person, sequence: int, sits: bool) -> EmailMessage | Dropped:
    """Dropped if the answer that called for it changed before it left, or the suppléant may no longer sit."""
    invitations = {invitation.person_id: invitation for invitation in meeting.invitations}
    about, own = invitations.get(row.about_person_id), invitations.get(person.id)
    reason = why_notice_not_due(row, meeting, person, about, own, sits)
    return Dropped(reason) if reason else notice_message(row, meeting, person, about.person, own, sequence)


def why_notice_not_due(row: OutboxMessage, meeting, person, about: Invitation | None,
                       own: Invitation | None, sits: bool = True) -> str | None:
    """Why a notice is no longer to send (``about``: the answer of the person it is about, ``own``: the
    recipient's, ``sits``: the recipient holds a suppléant's mandate that ``sits_on_the_day``), or None."""
    if about is None or meeting.is_cancelled or meeting.deleted_at is not None:
        return "réponse modifiée depuis"
    if row.kind is MailKind.PROXY_LAPSED:
        if own is None or own.response is not InvitationResponse.PROXY or own.proxy_holder_id != about.person_id:
            return "réponse modifiée depuis"
        return None if about.response in DECLINING else "le pouvoir compte de nouveau"
    expected = InvitationResponse.SUBSTITUTE if row.kind is MailKind.SUBSTITUTE_NOTICE else InvitationResponse.PROXY
    if about.response is not expected:
        return "réponse modifiée depuis"
    if expected is InvitationResponse.SUBSTITUTE and own is None:  # taken off the list: no invitation to give
        return "plus convoqué(e)"
    if expected is InvitationResponse.SUBSTITUTE and not sits:
        return "mandat terminé"
    if expected is InvitationResponse.PROXY and about.proxy_holder_id != person.id:
        return "pouvoir donné à quelqu'un d'autre depuis"
    return None


def build_notice_emails(rows: list[OutboxMessage]) -> dict[int, EmailMessage | Dropped]:
    """Outbox builder of suppléance, pouvoir and lapsed pouvoir notices."""
    meetings = load_meetings(row.meeting_id for row in rows)
    raised, today = times_taken_off(rows), paris_today()
    substitute_seats = db.session.scalars(select(Membership).where(
        Membership.seat == Seat.SUPPLEANT, Membership.person_id.in_({row.person_id for row in rows}),
        Membership.body_id.in_({meeting.body_id for meeting in meetings.values()}))).all()

    def build(row: OutboxMessage, meeting, person) -> EmailMessage | Dropped:
        sits = any(seat.body_id == meeting.body_id and seat.person_id == person.id
                   and sits_on_the_day(seat, meeting, today) for seat in substitute_seats)
        return notice_email(row, meeting, person, meeting.ical_sequence + raised[row.id], sits)

    return build_for_recipients(rows, meetings, lambda row: row.meeting_id, build)

"""E-mails that follow an answer: the suppléant told that they sit in their titulaire's place (with
the invitation), the member told whose pouvoir they hold. Which answers and holders are allowed is
decided by the answer page (app/calendar/answers.py); this module only tells the people concerned."""
from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.calendar.answers import answer_links
from app.calendar.builders import Attendee, meeting_calendar, meeting_location
from app.calendar.convocations import build_for_recipients, can_email, load_meetings, meeting_mail
from app.calendar.mail import secretariat_email
from app.calendar.urls import public_url
from app.extensions import db
from app.formatting import long_date, time_range
from app.mail.outbox import Dropped, Queued, deliver_soon, queue
from app.meetings.scheduling import convene
from app.models import Invitation, InvitationResponse, MailKind, Membership, OutboxMessage, Seat, utc_now


def sitting_substitutes(invitation: Invitation, today: date) -> list[Membership]:
    """The current suppléants' memberships of the titulaire seat(s) the person holds in the body."""
    seats = db.session.scalars(
        select(Membership).where(Membership.body_id == invitation.meeting.body_id,
                                 Membership.person_id == invitation.person_id, Membership.seat == Seat.TITULAIRE)
        .options(selectinload(Membership.substitutes).selectinload(Membership.person))
    )
    return [substitute for seat in seats if seat.is_current(today) for substitute in seat.substitutes
            if substitute.is_current(today) and substitute.person.deleted_at is None]


def queue_answer_notices(invitation: Invitation, today: date) -> Queued:
    """After an answer: « mon suppléant me remplace » tells the suppléants (convened if they were
    not), « je donne pouvoir » tells the holder. Once per meeting version and pair; no commit."""
    meeting = invitation.meeting
    giver = invitation.person_id
    if invitation.response is InvitationResponse.SUBSTITUTE:
        substitutes = sitting_substitutes(invitation, today)
        convene(meeting, substitutes)
        return queue([meeting_mail(MailKind.SUBSTITUTE_NOTICE, meeting, substitute.person_id, about_person_id=giver,
                                   key_suffix=f":for:{giver}")
                      for substitute in substitutes if can_email(substitute.person)], retry_failed=False)
    holder = invitation.proxy_holder
    if invitation.response is InvitationResponse.PROXY and holder is not None and can_email(holder):
        return queue([meeting_mail(MailKind.PROXY_NOTICE, meeting, holder.id, about_person_id=giver,
                                   key_suffix=f":from:{giver}")], retry_failed=False)
    return Queued()


def tell_people_concerned(invitation: Invitation, today: date) -> None:
    """After an answer is recorded: queue the notices it calls for, commit, deliver."""
    queued = queue_answer_notices(invitation, today)
    db.session.commit()
    deliver_soon(queued.ids)


def notice_message(row: OutboxMessage, meeting, person, about, invitation: Invitation | None) -> EmailMessage:
    """The suppléant's notice carries the invitation (naming them alone) and their answer links."""
    substitute = row.kind is MailKind.SUBSTITUTE_NOTICE
    context = {
        "substitute": substitute, "meeting": meeting, "person": person, "about": about,
        "when": f"{long_date(meeting.starts_at).capitalize()}, {time_range(meeting.starts_at, meeting.ends_at)}",
        "location": meeting_location(meeting),
        "meeting_url": public_url("meetings.detail", meeting_id=meeting.id),
        "links": answer_links(invitation) if substitute and invitation is not None else [],
    }
    what = f"Vous siégez à la place de {about.display_name}" if substitute else f"Pouvoir de {about.display_name}"
    subject = f"{what} : {meeting.body.label} — {meeting.title} — {long_date(meeting.starts_at)}"
    calendar = None
    if substitute:
        answer = invitation.response if invitation is not None else None
        calendar = meeting_calendar(meeting, method="REQUEST", stamp=utc_now(), attendees=[Attendee(person, answer)])
    return secretariat_email(meeting, person, subject, "notice", context, calendar=calendar)


def notice_email(row: OutboxMessage, meeting, person) -> EmailMessage | Dropped:
    """Dropped if the answer that called for it changed before it left."""
    invitations = {invitation.person_id: invitation for invitation in meeting.invitations}
    given = invitations.get(row.about_person_id)
    expected = InvitationResponse.SUBSTITUTE if row.kind is MailKind.SUBSTITUTE_NOTICE else InvitationResponse.PROXY
    if given is None or given.response is not expected or meeting.is_cancelled or meeting.deleted_at is not None:
        return Dropped("réponse modifiée depuis")
    if expected is InvitationResponse.PROXY and given.proxy_holder_id != person.id:
        return Dropped("pouvoir donné à quelqu'un d'autre depuis")
    return notice_message(row, meeting, person, given.person, invitations.get(person.id))


def build_notice_emails(rows: list[OutboxMessage]) -> dict[int, EmailMessage | Dropped]:
    """Outbox builder of suppléance and pouvoir notices."""
    return build_for_recipients(rows, load_meetings(row.meeting_id for row in rows), lambda row: row.meeting_id,
                                notice_email)

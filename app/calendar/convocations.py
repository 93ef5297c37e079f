"""Convocation, update, cancellation and reminder e-mails for a meeting's convened people."""
from __future__ import annotations

from email.message import EmailMessage

from sqlalchemy import select

from app.calendar.answers import answer_links
from app.calendar.builders import meeting_calendar, meeting_location
from app.calendar.deliveries import Outgoing, SendReport, can_email, deliver_all, prepared
from app.calendar.mail import secretariat_email
from app.calendar.urls import public_url
from app.extensions import db
from app.formatting import long_date, time_range
from app.models import (
    ConvocationDelivery,
    DeliveryKind,
    DeliveryStatus,
    Invitation,
    Meeting,
    utc_now,
)

SUBJECT_PREFIX = {
    "convocation": "Convocation",
    "update": "Modification",
    "cancellation": "Annulation",
    "reminder": "Rappel",
}


def meeting_message(invitation: Invitation, wording: str) -> EmailMessage:
    """The e-mail to one convened person: text and HTML in French, the meeting as .ics
    (METHOD:REQUEST, or CANCEL when cancelled) and, unless cancelled, the answer links."""
    meeting = invitation.meeting
    person = invitation.person
    cancelled = meeting.is_cancelled
    context = {
        "wording": wording,
        "meeting": meeting,
        "person": person,
        "when": f"{long_date(meeting.starts_at).capitalize()}, {time_range(meeting.starts_at, meeting.ends_at)}",
        "location": meeting_location(meeting),
        "meeting_url": public_url("meetings.detail", meeting_id=meeting.id),
        "links": [] if cancelled else answer_links(invitation),
        "current_answer": invitation.response,
    }
    subject = f"{SUBJECT_PREFIX[wording]} : {meeting.body.label} — {meeting.title} — {long_date(meeting.starts_at)}"
    message = secretariat_email(meeting, person, subject, "meeting", context)
    method = "CANCEL" if cancelled else "REQUEST"
    calendar = meeting_calendar(meeting, method=method, stamp=utc_now())
    message.add_attachment(calendar.to_ical(), maintype="text", subtype="calendar", filename="seance.ics",
                           params={"method": method, "charset": "utf-8"})
    return message


def _convocations_sent(meeting: Meeting) -> dict[int, int]:
    """Invitation id → lowest SEQUENCE of a convocation it received."""
    rows = db.session.execute(
        select(ConvocationDelivery.invitation_id, ConvocationDelivery.sequence).join(Invitation)
        .where(Invitation.meeting_id == meeting.id, ConvocationDelivery.kind == DeliveryKind.CONVOCATION,
               ConvocationDelivery.status == DeliveryStatus.SENT)
    )
    first_sent: dict[int, int] = {}
    for invitation_id, sequence in rows:
        first_sent[invitation_id] = min(sequence, first_sent.get(invitation_id, sequence))
    return first_sent


def prepare_meeting_emails(meeting: Meeting, invitations: list[Invitation], kind: DeliveryKind,
                           wording_for, report: SendReport) -> list[Outgoing]:
    """One message per convened person with an address (the others are listed in ``report``)."""
    outgoing = []
    for invitation in invitations:
        person = invitation.person
        if not can_email(person, report):
            continue
        key = {"invitation_id": invitation.id, "sequence": meeting.ical_sequence, "kind": kind}
        item = prepared(person.display_name, key, lambda: meeting_message(invitation, wording_for(invitation)), report)
        if item is not None:
            outgoing.append(item)
    return outgoing


def send_meeting_emails(meeting: Meeting, invitations: list[Invitation], kind: DeliveryKind,
                        wording_for) -> SendReport:
    report = SendReport()
    outgoing = prepare_meeting_emails(meeting, invitations, kind, wording_for, report)
    return deliver_all(ConvocationDelivery, outgoing, report)


def send_convocations(meeting: Meeting) -> SendReport:
    """Convocation to every convened person; an update (same UID, higher SEQUENCE) to those
    convened to an earlier version; a cancellation to those convened, once cancelled.
    Idempotent per person and version; failed deliveries are retried."""
    first_sent = _convocations_sent(meeting)
    if meeting.is_cancelled:
        invitations = [invitation for invitation in meeting.invitations if invitation.id in first_sent]
        return send_meeting_emails(meeting, invitations, DeliveryKind.CANCELLATION, lambda _: "cancellation")

    def wording(invitation: Invitation) -> str:
        earlier = first_sent.get(invitation.id, meeting.ical_sequence) < meeting.ical_sequence
        return "update" if earlier else "convocation"

    return send_meeting_emails(meeting, list(meeting.invitations), DeliveryKind.CONVOCATION, wording)


def delivery_summary(meeting: Meeting) -> dict:
    """For the meeting page: counts of the current version's deliveries and the failed ones by name."""
    rows = db.session.execute(
        select(ConvocationDelivery, Invitation)
        .join(Invitation, ConvocationDelivery.invitation_id == Invitation.id)
        .where(Invitation.meeting_id == meeting.id, ConvocationDelivery.sequence == meeting.ical_sequence,
               ConvocationDelivery.kind != DeliveryKind.REMINDER)
    ).all()
    people = {invitation.id: invitation.person for invitation in meeting.invitations}
    return {
        "sent": sum(1 for delivery, _ in rows if delivery.status is DeliveryStatus.SENT),
        "failed": [(people[invitation.id].display_name, delivery.error)
                   for delivery, invitation in rows if delivery.status is DeliveryStatus.FAILED],
        "convened": len(meeting.invitations),
    }

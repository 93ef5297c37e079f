"""Convocation, update, cancellation and reminder e-mails of a meeting, through the outbox.

What each convened person holds is read from the outbox rows of the meeting (one query): the
version (SEQUENCE) of the last invitation sent to them, and whether a cancellation followed. From
it: who gets a convocation, an update or a cancellation when the secretariat sends, who holds an old
version (shown on the meeting page), and the date the convocations went out (J-n, issue 13: the
convocation delay, with the urgency reason when late).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from typing import NamedTuple

from sqlalchemy import bindparam, select, update

from app.bodies.composition import Composition, body_composition
from app.calendar.answers import answer_links
from app.calendar.builders import Attendee, is_called_off, meeting_calendar, meeting_location
from app.calendar.mail import secretariat_email
from app.calendar.queries import load_meeting_for_calendar, meeting_options
from app.calendar.urls import public_url
from app.extensions import db
from app.formatting import day_offset, long_date, paris_today, plain_date, time_range, to_paris
from app.jobs import background_enabled
from app.mail.outbox import Delivered, Dropped, Queued, deliver_soon, queue
from app.meetings.page import read_once
from app.meetings.roster import meeting_day
from app.meetings.second_convocation import convocation_delay
from app.permissions import people_in_office, still_convened
from app.models import (
    CANCEL_KINDS,
    REQUEST_KINDS,
    Capacity,
    ConvocationSending,
    Invitation,
    MailKind,
    MailStatus,
    Meeting,
    OutboxMessage,
    Person,
    is_retrying,
    utc_now,
)

SUBJECT_PREFIX = {
    MailKind.CONVOCATION: "Convocation",
    MailKind.UPDATE: "Modification",
    MailKind.CANCELLATION: "Annulation",
    MailKind.WITHDRAWAL: "Annulation",
    MailKind.REMINDER: "Rappel",
}
# Outbox key of each kind: one invitation, one cancellation, one reminder per person and version.
KEY_FAMILY = {MailKind.CONVOCATION: "request", MailKind.UPDATE: "request", MailKind.CANCELLATION: "cancel",
              MailKind.WITHDRAWAL: "cancel", MailKind.REMINDER: "reminder"}


def mail_key(kind: MailKind, meeting_id: int, person_id: int, sequence: int, suffix: str = "") -> str:
    return f"meeting:{meeting_id}:person:{person_id}:v{sequence}:{KEY_FAMILY.get(kind, kind.value)}{suffix}"


def meeting_mail(kind: MailKind, meeting: Meeting, person_id: int, **values) -> dict:
    """The outbox row of a ``kind`` e-mail about the current version of ``meeting`` to a person."""
    return {"key": mail_key(kind, meeting.id, person_id, meeting.ical_sequence, values.pop("key_suffix", "")),
            "kind": kind, "meeting_id": meeting.id, "person_id": person_id, "sequence": meeting.ical_sequence,
            **values}


def can_email(person: Person) -> bool:
    return bool(person.email) and person.deleted_at is None


def days_before(meeting: Meeting, day: date) -> int:
    """Paris days from ``day`` to the meeting (J-n)."""
    return (to_paris(meeting.starts_at).date() - day).days


class MailRow(NamedTuple):
    """What ``MeetingMail`` reads of an outbox row: a plain row, not a mapped object (a meeting convened 60 people
    has 60 rows at least, read on each of its pages by staff)."""

    person_id: int | None
    kind: MailKind
    status: MailStatus
    sequence: int | None
    sent_at: datetime | None
    detail: str
    next_attempt_at: datetime | None
    urgency_reason: str | None  # of the sending a convocation belongs to (``convocation_record``)
    delay_days: int | None

    @property
    def retrying(self) -> bool:
        return is_retrying(self.status, self.next_attempt_at)


MEETING_MAIL = (select(OutboxMessage.person_id, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.sequence,
                       OutboxMessage.sent_at, OutboxMessage.detail, OutboxMessage.next_attempt_at,
                       ConvocationSending.urgency_reason, ConvocationSending.delay_days)
                .outerjoin(ConvocationSending, ConvocationSending.id == OutboxMessage.sending_id)
                .where(OutboxMessage.meeting_id == bindparam("meeting_id")).order_by(OutboxMessage.id))


@dataclass
class MeetingMail:
    """The outbox rows of a meeting, read per person."""

    meeting: Meeting
    rows: list[MailRow]
    by_person: dict[int, list[MailRow]] = field(init=False)  # each person's rows, in the order of ``rows``

    def __post_init__(self) -> None:
        # Grouped once: the meeting page asks about every convened person (a scan of all rows for each was
        # quadratic: 3,600 rows looked at for 60 people convened once).
        self.by_person = {}
        for row in self.rows:
            self.by_person.setdefault(row.person_id, []).append(row)

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingMail:
        """The rows as workers left them (read now, not as this session may hold them; once per meeting page)."""
        return read_once(meeting, "mail", lambda: cls(meeting, [
            MailRow(*row) for row in db.session.execute(MEETING_MAIL, {"meeting_id": meeting.id})]))

    def _since_taken_off(self, person_id: int) -> list[MailRow]:
        """The person's rows since they were last taken off the convened list (a withdrawal ends what their
        calendar held: convened again, they start afresh). A withdrawal dropped before it left (convened again
        meanwhile) took nothing off their calendar: what they held before it still counts."""
        rows = self.by_person.get(person_id, [])
        withdrawals = [index for index, row in enumerate(rows)
                       if row.kind is MailKind.WITHDRAWAL and row.status is not MailStatus.DROPPED]
        return rows[withdrawals[-1] + 1:] if withdrawals else rows

    def held_version(self, person_id: int) -> int | None:
        """The version of the last invitation sent to the person, or leaving now (claimed by a worker, which
        built it then: it leaves whatever changed since); None: never sent, or withdrawn since."""
        versions = [row.sequence for row in self._since_taken_off(person_id)
                    if row.kind in REQUEST_KINDS and row.status in (MailStatus.SENT, MailStatus.SENDING)]
        return max(versions, default=None)

    def needs_cancellation(self, person_id: int) -> bool:
        """Holds an invitation, and no cancellation of it is sent or on its way."""
        held = self.held_version(person_id)
        if held is None:
            return False
        return not any(row.kind in CANCEL_KINDS and row.sequence >= held
                       and row.status in (MailStatus.SENT, MailStatus.PENDING, MailStatus.SENDING)
                       for row in self._since_taken_off(person_id))

    def round_suffix(self, person_id: int) -> str:
        """What tells apart the keys of a person's invitations and withdrawal after they were taken off the list
        and convened again at the same version of the meeting (else taken for ones already sent)."""
        rounds = sum(1 for row in self.by_person.get(person_id, []) if row.kind is MailKind.WITHDRAWAL)
        return f":round{rounds}" if rounds else ""

    def current(self, person_id: int, kinds) -> MailRow | None:
        """The person's row of ``kinds`` for the meeting's current version: a sent one, else the latest."""
        found = [row for row in self.by_person.get(person_id, []) if row.kind in kinds
                 and row.sequence == self.meeting.ical_sequence and row.status is not MailStatus.DROPPED]
        sent = [row for row in found if row.status is MailStatus.SENT]
        return (sent or found or [None])[-1]

    def first_convocation(self) -> MailRow | None:
        """The first convocation sent, as ``FIRST_CONVOCATION`` reads it (the earliest, then the first written)."""
        sent = [row for row in self.rows
                if row.kind is MailKind.CONVOCATION and row.status is MailStatus.SENT and row.sent_at is not None]
        return min(sent, key=lambda row: row.sent_at, default=None)


@dataclass
class SendingPlan:
    """What « Envoyer les convocations » would send now."""

    meeting: Meeting
    messages: list[dict]
    kinds: Counter
    without_email: list[str]
    days_before: int
    late: bool  # first convocations of members, fewer days ahead than the body's delay
    mandate_ended: list[str] = field(default_factory=list)  # convened as members, their mandate ended since
    today: date | None = None  # planned on: a called-off meeting's plan is made again when sending

    @property
    def delay_days(self) -> int:
        return convocation_delay(self.meeting)


def plan_sending(meeting: Meeting, today: date, mail: MeetingMail | None = None,
                 in_office: set[int] | None = None) -> SendingPlan:
    """A convocation to every convened person with an address (``still_convened``), an update (same UID,
    higher SEQUENCE) to those holding an earlier version; once called off, a cancellation to those holding
    an invitation. Messages already sent or on their way are left out by the outbox (same key)."""
    mail = mail or MeetingMail.of(meeting)
    messages, without_email, mandate_ended, late = [], [], [], False
    ahead = days_before(meeting, today)
    if in_office is None and not is_called_off(meeting):
        in_office = people_in_office(meeting.body_id, today)
    for invitation in sorted(meeting.invitations, key=lambda invitation: invitation.person.sort_key):
        person = invitation.person
        if is_called_off(meeting):
            if mail.needs_cancellation(person.id) and can_email(person):
                messages.append(meeting_mail(MailKind.CANCELLATION, meeting, person.id))
            continue
        if not can_email(person):
            without_email.append(person.display_name)
            continue
        if not still_convened(invitation, in_office):
            mandate_ended.append(person.display_name)
            continue
        held = mail.held_version(person.id)
        if held is not None and held >= meeting.ical_sequence:
            continue
        kind = MailKind.CONVOCATION if held is None else MailKind.UPDATE
        messages.append(meeting_mail(kind, meeting, person.id, key_suffix=mail.round_suffix(person.id)))
        if kind is MailKind.CONVOCATION and invitation.capacity is Capacity.MEMBER:
            late = late or ahead < convocation_delay(meeting)
    kinds = Counter(message["kind"] for message in messages)
    late = late and ahead >= 0
    return SendingPlan(meeting, messages, kinds, without_email, ahead, late, mandate_ended, today)


MANDATE_ENDED = ("Mandat terminé (plus convoqués par courriel ; retirez-les de la liste des convoqués pour leur "
                 "envoyer l'annulation) : ")


@dataclass
class SendOutcome:
    """What a sending did: rows recorded, and their delivery when it happened at once (no queue)."""

    queued: Queued
    delivered: Delivered | None
    without_email: list[str] = field(default_factory=list)
    mandate_ended: list[str] = field(default_factory=list)

    def messages(self) -> list[tuple[str, str]]:
        """(French text, category) to flash: what left, what waits, what failed — never more."""
        messages = []
        to_send = len(self.queued.ids)
        if self.delivered is None and to_send:
            messages.append((f"{to_send} courriel(s) en cours d'envoi : la progression s'affiche ci-dessous.", "success"))
        elif self.delivered is not None:
            if self.delivered.postponed:
                messages.append((f"Le service d'envoi est momentanément injoignable : {len(self.delivered.postponed)} "
                                 "courriel(s) enregistré(s), ils partiront dès son retour.", "warning"))
            if self.delivered.sent:
                messages.append((f"Courriel envoyé à {len(self.delivered.sent)} personne(s).", "success"))
            failures = len(self.delivered.failed) + len(self.delivered.retrying)
            if failures:
                messages.append((f"Échec de l'envoi pour {failures} personne(s) : voir ci-dessous. "
                                 "Vous pouvez réessayer.", "error"))
        if self.without_email:
            messages.append(("Sans adresse électronique (non convoqués par courriel) : "
                             + ", ".join(self.without_email), "warning"))
        if self.mandate_ended:
            messages.append((MANDATE_ENDED + ", ".join(self.mandate_ended), "warning"))
        if not to_send:
            messages.append(("Aucun courriel à envoyer : chaque personne a déjà reçu cette version de la séance "
                             "ou la recevra sous peu.", "info"))
        return messages


def send_planned(plan: SendingPlan, requested_by_id: int | None, urgency_reason: str = "") -> SendOutcome:
    """Record the sending and its messages, commit, and hand them to the worker. Once the meeting is called
    off, the invitations still waiting are recalled first, and the cancellations planned again from there."""
    meeting = plan.meeting
    if is_called_off(meeting):
        recall_invitations(meeting, "séance annulée depuis")
        plan = plan_sending(meeting, plan.today)
    if not plan.messages:
        db.session.commit()
        return SendOutcome(Queued(), None, plan.without_email, plan.mandate_ended)
    sending = ConvocationSending(meeting_id=meeting.id, sequence=meeting.ical_sequence,
                                 requested_by_id=requested_by_id, days_before=plan.days_before, late=plan.late,
                                 delay_days=convocation_delay(meeting),
                                 urgency_reason=urgency_reason.strip() if plan.late else "")
    db.session.add(sending)
    db.session.flush()
    queued = queue([{**message, "sending_id": sending.id} for message in plan.messages])
    db.session.commit()
    return SendOutcome(queued, deliver_soon(queued.ids), plan.without_email, plan.mandate_ended)


def last_urgency_reason(meeting: Meeting) -> str:
    """The reason given at the meeting's last late sending, to offer again (a retry, an update)."""
    return db.session.scalar(
        select(ConvocationSending.urgency_reason).where(ConvocationSending.meeting_id == meeting.id,
                                                        ConvocationSending.urgency_reason != "")
        .order_by(ConvocationSending.id.desc()).limit(1)
    ) or ""


def recall_invitations(meeting: Meeting, reason: str, person_id: int | None = None) -> None:
    """Drop the invitations (convocations, updates, reminders, suppléance notices) to ``meeting`` still
    waiting in the outbox — to ``person_id`` only, if given. A worker may have built them before the meeting
    was called off or the person taken off the list, and would send them after: dropped, they cannot be claimed.
    Those already claimed (« sending ») are leaving: ``held_version`` counts them, and they get the
    cancellation. Call before reading what each person holds; no commit."""
    waiting = [OutboxMessage.meeting_id == meeting.id, OutboxMessage.kind.in_(REQUEST_KINDS),
               OutboxMessage.status == MailStatus.PENDING]
    if person_id is not None:
        waiting.append(OutboxMessage.person_id == person_id)
    db.session.execute(update(OutboxMessage).where(*waiting).values(
        status=MailStatus.DROPPED, detail=reason, next_attempt_at=None, updated_at=utc_now()
    ).execution_options(synchronize_session=False))


def queue_withdrawal(invitation: Invitation) -> Queued:
    """A person taken off the convened list gets a cancellation (METHOD:CANCEL) of the invitation
    they hold (sent, or leaving now); those still waiting are recalled. Call before deleting the
    invitation; no commit."""
    meeting = invitation.meeting
    recall_invitations(meeting, "plus convoqué(e)", invitation.person_id)
    mail = MeetingMail.of(meeting)
    if not can_email(invitation.person) or not mail.needs_cancellation(invitation.person_id):
        return Queued()
    return queue([meeting_mail(MailKind.WITHDRAWAL, meeting, invitation.person_id,
                               key_suffix=mail.round_suffix(invitation.person_id))])


def cancellation_recipients(meeting: Meeting) -> int:
    """How many convened people hold an invitation that deleting the meeting will cancel."""
    meeting = load_meeting_for_calendar(meeting.id)
    mail = MeetingMail.of(meeting)
    return sum(1 for invitation in meeting.invitations
               if can_email(invitation.person) and mail.needs_cancellation(invitation.person_id))


def queue_cancellations(meeting: Meeting, today: date) -> Queued:
    """Cancellations of a meeting just called off (cancelled or deleted to the bin), carrying its new
    SEQUENCE (raised by the flush), once the invitations still waiting are recalled; no commit."""
    db.session.flush()
    recall_invitations(meeting, "séance annulée depuis")
    return queue(plan_sending(load_meeting_for_calendar(meeting.id), today).messages)


# --- The messages, built by the worker -------------------------------------------------------------

def meeting_message(meeting: Meeting, person: Person, invitation: Invitation | None, kind: MailKind,
                    sequence: int | None = None, composition: Composition | None = None) -> EmailMessage:
    """The e-mail to one person: text and HTML in French, the meeting as an invitation naming that
    person alone (METHOD:REQUEST, or CANCEL when called off or withdrawn) and, unless cancelled,
    the answer links and the dossier's personal links. ``sequence``: the person's own (``times_taken_off``);
    ``composition``: the body's on the meeting day, when read already for the batch (``answer_rules``)."""
    from app.dossier.notices import convocation_dossier  # the dossier imports this module

    cancelling = kind in CANCEL_KINDS
    context = {
        "wording": kind.value,
        "meeting": meeting,
        "person": person,
        "when": f"{long_date(meeting.starts_at).capitalize()}, {time_range(meeting.starts_at, meeting.ends_at)}",
        "location": meeting_location(meeting),
        "meeting_url": public_url("meetings.detail", meeting_id=meeting.id),
        "links": [] if cancelling or invitation is None else answer_links(invitation, composition),
        "current_answer": invitation.response if invitation is not None else None,
        "dossier": None if cancelling else convocation_dossier(meeting, person),
    }
    subject = f"{SUBJECT_PREFIX[kind]} : {meeting.body.label} — {meeting.title} — {long_date(meeting.starts_at)}"
    calendar = meeting_calendar(meeting, method="CANCEL" if cancelling else "REQUEST", stamp=utc_now(),
                                attendees=[Attendee(person, context["current_answer"])], sequence=sequence)
    return secretariat_email(meeting, person, subject, "meeting", context, calendar=calendar)


def times_taken_off(rows: list[OutboxMessage]) -> dict[int, int]:
    """How many times each row's recipient had been taken off the meeting's convened list when the row was
    recorded (one query): the SEQUENCE of their event goes that much above the meeting's. Their withdrawal's
    CANCEL carried the meeting's SEQUENCE: convened again at the same version, an invitation at that SEQUENCE
    would be no newer than the cancelled event their calendar holds, and Outlook or Google would ignore it
    (RFC 5546), leaving the meeting cancelled there."""
    withdrawals = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.meeting_id, OutboxMessage.person_id)
        .where(OutboxMessage.kind == MailKind.WITHDRAWAL,
               OutboxMessage.meeting_id.in_({row.meeting_id for row in rows}))
    ).all()
    return {row.id: sum(1 for withdrawal in withdrawals if withdrawal.id < row.id
                        and (withdrawal.meeting_id, withdrawal.person_id) == (row.meeting_id, row.person_id))
            for row in rows}


def why_not_due(row: OutboxMessage, meeting: Meeting, invitation: Invitation | None,
                in_office: set[int]) -> str | None:
    """Why a meeting e-mail is no longer to send, or None."""
    if row.kind is MailKind.WITHDRAWAL:  # convened again before it left: their calendar must keep the meeting
        return None if invitation is None else "convoqué(e) de nouveau"
    if row.kind is MailKind.CANCELLATION:
        return None if is_called_off(meeting) else "séance rétablie depuis"
    if is_called_off(meeting):
        return "séance annulée depuis"
    if row.sequence != meeting.ical_sequence:
        return "remplacé par une version plus récente de la séance"
    if invitation is None:
        return "plus convoqué(e)"
    if not still_convened(invitation, in_office):
        return "mandat terminé"
    if row.kind is MailKind.REMINDER and meeting.starts_at <= utc_now():
        return "séance déjà commencée"  # its answer links no longer answer (a retry, a late worker)
    if row.kind is MailKind.REMINDER and invitation.response is not None:
        return "a répondu entre-temps"
    return None


def load_meetings(meeting_ids) -> dict[int, Meeting]:
    """Meetings with what their e-mails show (deleted ones too: their cancellation is due)."""
    return {meeting.id: meeting for meeting in db.session.scalars(
        select(Meeting).where(Meeting.id.in_(set(meeting_ids))).options(*meeting_options()))}


def load_people(person_ids) -> dict[int, Person]:
    return {person.id: person for person in db.session.scalars(select(Person).where(Person.id.in_(set(person_ids))))}


def build_for_recipients(rows: list[OutboxMessage], subjects: dict, subject_of, build) -> dict[int, EmailMessage | Dropped]:
    """The shared part of the outbox builders: each row's subject (``subjects[subject_of(row)]``: a
    meeting, a deadline) and recipient, loaded in one query; ``build(row, subject, person)`` makes the
    message, and a row whose subject is gone or whose recipient has no address any more is dropped."""
    people = load_people(row.person_id for row in rows)
    messages: dict[int, EmailMessage | Dropped] = {}
    for row in rows:
        subject, person = subjects.get(subject_of(row)), people.get(row.person_id)
        if subject is None or person is None or not can_email(person):
            messages[row.id] = Dropped("sans adresse électronique")
        else:
            messages[row.id] = build(row, subject, person)
    return messages


def meeting_email(row: OutboxMessage, meeting: Meeting, person: Person, in_office: set[int],
                  sequence: int, composition: Composition | None) -> EmailMessage | Dropped:
    invitation = next((i for i in meeting.invitations if i.person_id == person.id), None)
    reason = why_not_due(row, meeting, invitation, in_office)
    if reason is not None:
        return Dropped(reason)
    return meeting_message(meeting, person, None if row.kind is MailKind.WITHDRAWAL else invitation, row.kind,
                           sequence=sequence, composition=composition)


def build_meeting_emails(rows: list[OutboxMessage]) -> dict[int, EmailMessage | Dropped]:
    """Outbox builder of convocations, updates, cancellations, withdrawals and reminders."""
    meetings = load_meetings(row.meeting_id for row in rows)
    today = paris_today()
    in_office = {meeting.id: people_in_office(meeting.body_id, today) for meeting in meetings.values()}
    # The answers each e-mail offers depend on the body's composition: read once per meeting, not once per person.
    compositions = {meeting.id: body_composition(meeting.body, meeting_day(meeting))
                    for meeting in meetings.values() if not is_called_off(meeting)}
    raised = times_taken_off(rows)
    return build_for_recipients(rows, meetings, lambda row: row.meeting_id, lambda row, meeting, person: meeting_email(
        row, meeting, person, in_office[meeting.id], meeting.ical_sequence + raised[row.id],
        compositions.get(meeting.id)))


# --- What the meeting page shows -------------------------------------------------------------------

@dataclass
class ConvocationRecord:
    """When the convocations went out, as the compte rendu and the meeting page state it."""

    sent_on: date
    days_before: int
    delay_days: int
    urgency_reason: str = ""

    @property
    def late(self) -> bool:
        return self.days_before < self.delay_days

    @property
    def sentence(self) -> str:
        """« Convocations envoyées le 20 mai 2020 (J-14) », and when late the delay and the urgency."""
        text = f"Convocations envoyées le {plain_date(self.sent_on)} ({day_offset(self.days_before)})"
        if self.late:
            text += f", en deçà du délai de {self.delay_days} jours"
            if self.urgency_reason:
                text += f" ; motif d'urgence : {self.urgency_reason}"
        return text


# The first convocation e-mail sent for a meeting, with the sending it belongs to (built once: every meeting
# page and compte rendu asks for it; reading all the meeting's e-mails for it cost 3 ms with 60 convened).
FIRST_CONVOCATION = (
    select(OutboxMessage.sent_at, ConvocationSending.urgency_reason, ConvocationSending.delay_days)
    .outerjoin(ConvocationSending, ConvocationSending.id == OutboxMessage.sending_id)
    .where(OutboxMessage.meeting_id == bindparam("meeting_id"), OutboxMessage.kind == MailKind.CONVOCATION,
           OutboxMessage.status == MailStatus.SENT)
    .order_by(OutboxMessage.sent_at, OutboxMessage.id)
    .limit(1)
)


def first_convocation_sent(meeting: Meeting, mail: MeetingMail | None = None):
    """The row (``sent_at``, ``urgency_reason``, ``delay_days``) of the first convocation sent, None before any;
    found in ``mail`` when the meeting's e-mails are read already (staff's page), else read. A meeting page
    (``MeetingPage.kept_rows``) keeps it for its second use: its account of the convocations and its dossier's
    marks both ask."""
    def read():
        if mail is not None:
            return mail.first_convocation()
        return db.session.execute(FIRST_CONVOCATION, {"meeting_id": meeting.id}).first()

    return read_once(meeting, "first_convocation", read)


def convocation_record(meeting: Meeting, mail: MeetingMail | None = None) -> ConvocationRecord | None:
    """From the deliveries recorded: the day the first convocation was sent, J-n, and the urgency
    reason given if that sending was late. None before any convocation was sent."""
    first = first_convocation_sent(meeting, mail)
    if first is None:
        return None
    sent_on = to_paris(first.sent_at).date()
    # The delay in force when they were sent: the body's rule changed since does not apply to them.
    delay = convocation_delay(meeting) if first.delay_days is None else first.delay_days
    return ConvocationRecord(sent_on, days_before(meeting, sent_on), delay, first.urgency_reason or "")


@dataclass
class MailingProgress:
    """The meeting page's account of its e-mails: only what really happened counts as sent."""

    version: int
    convened: int
    called_off: bool
    sent: int = 0
    waiting: int = 0
    retrying: list[tuple[str, str, datetime]] = field(default_factory=list)  # name, error, next try
    failed: list[tuple[str, str]] = field(default_factory=list)
    outdated: int = 0  # hold an older version, nothing newer sent or on its way
    never_sent: int = 0  # with an address, never sent an invitation
    to_cancel: int = 0
    without_email: list[str] = field(default_factory=list)
    mandate_ended: list[str] = field(default_factory=list)  # ``still_convened``: no e-mail any more
    record: ConvocationRecord | None = None
    background: bool = False
    asks_urgency: bool = False  # sending now would be late: the button leads to the urgency form


def mailing_progress(meeting: Meeting) -> MailingProgress:
    """Sent, waiting and failed e-mails of the meeting's current version, and who is behind (read once per page)."""
    return read_once(meeting, "mailing_progress", lambda: _read_mailing_progress(meeting))


def _read_mailing_progress(meeting: Meeting) -> MailingProgress:
    mail = MeetingMail.of(meeting)
    called_off = is_called_off(meeting)
    today = paris_today()
    # Sending is never late once the meeting day has passed: no plan to build for a past meeting, nor mandates
    # to read (who is still e-mailed matters before it).
    upcoming = days_before(meeting, today) >= 0
    in_office = people_in_office(meeting.body_id, today) if upcoming and not called_off else None
    asks_urgency = upcoming and plan_sending(meeting, today, mail, in_office).late
    progress = MailingProgress(meeting.ical_sequence, len(meeting.invitations), called_off,
                               record=convocation_record(meeting, mail),
                               background=background_enabled(),
                               asks_urgency=asks_urgency)
    kinds = CANCEL_KINDS if called_off else REQUEST_KINDS
    for invitation in sorted(meeting.invitations, key=lambda invitation: invitation.person.sort_key):
        person = invitation.person
        if not can_email(person):
            progress.without_email.append(person.display_name)
            continue
        if in_office is not None and not still_convened(invitation, in_office):
            progress.mandate_ended.append(person.display_name)
            continue
        row = mail.current(person.id, kinds)
        if called_off and row is None:
            progress.to_cancel += mail.needs_cancellation(person.id)
        elif row is None:
            held = mail.held_version(person.id)
            progress.never_sent += held is None
            progress.outdated += held is not None and held < meeting.ical_sequence
        elif row.status is MailStatus.SENT:
            progress.sent += 1
        elif row.status is MailStatus.FAILED:
            progress.failed.append((person.display_name, row.detail))
        elif row.retrying:
            progress.retrying.append((person.display_name, row.detail, row.next_attempt_at))
        else:
            progress.waiting += 1
    return progress


def queue_reminders(meetings: list[Meeting], today: date) -> list[dict]:
    """Reminder rows of these meetings for the convened people who have not answered (``still_convened``)."""
    rows = []
    for meeting in meetings:
        in_office = people_in_office(meeting.body_id, today)
        rows += [meeting_mail(MailKind.REMINDER, meeting, invitation.person_id) for invitation in meeting.invitations
                 if invitation.response is None and can_email(invitation.person) and still_convened(invitation, in_office)]
    return rows


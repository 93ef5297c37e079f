"""Written consultation in extreme urgency (D.1432-47: members consulted by any means that identifies
them): each voting titulaire in office receives a signed personal link, answers once, until the closing
date; pouvoirs do not apply. The answers are the list of voters; at the closing the counts and the
outcome are recorded by the same rule as a vote in session (``app.votes.outcome.decide``).

Links are signed like the convocation answer links (``app.calendar.answers``): tied to one person's
answer row, expiring, usable once (the answer is recorded), refused after the closing.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bodies.composition import body_composition
from app.bodies.roles import president_of
from app.calendar.urls import public_url
from app.extensions import db
from app.formatting import long_datetime, paris_today, to_paris
from app.mail.outbox import Dropped, Queued, queue
from app.mail.smtp import new_message
from app.models import (
    Body,
    ConsultationAnswer,
    MailKind,
    Membership,
    OutboxMessage,
    Person,
    Seat,
    User,
    VoteChoice,
    WrittenConsultation,
    utc_now,
)
from app.permissions import mandate_gives_access
from app.votes.outcome import VoteCounts, decide

SALT = "seances-consultation-answer"
# Answers offered: no « ne prend pas part » (a member with an interest simply abstains from answering).
ANSWER_CHOICES = (VoteChoice.FOR, VoteChoice.AGAINST, VoteChoice.ABSTENTION)
# A link stops working at the closing; this bounds its signature's life whatever the closing date.
MAX_LINK_DAYS = 60


class ConsultationLinkError(Exception):
    """A link that cannot answer: the French message is shown to the person, with ``status``."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def consultation_refusals(closes_at: datetime | None, now: datetime) -> dict[str, str]:
    """French messages by field name for a consultation that cannot be opened."""
    if closes_at is not None and closes_at <= now:
        return {"closes_on": "La date de clôture doit être à venir."}
    if closes_at is not None and closes_at > now + timedelta(days=MAX_LINK_DAYS):
        return {"closes_on": f"Une consultation écrite se clôt dans les {MAX_LINK_DAYS} jours."}
    return {}


def open_consultation(body: Body, question: str, closes_at: datetime,
                      user: User | None) -> tuple[WrittenConsultation, Queued]:
    """The consultation and one answer row per voting titulaire in office today, their e-mails queued.
    The caller commits, then hands the queued ids to ``deliver_soon``."""
    composition = body_composition(body, to_paris(utc_now()).date())
    # One answer per person (``by_person``: a person with two mandates meeting on a day is one member).
    people = sorted((membership.person for membership in composition.by_person.values() if membership.holds_voting_seat),
                    key=lambda person: person.sort_key)
    consultation = WrittenConsultation(body=body, question=question, closes_at=closes_at, opened_at=utc_now(),
                                       opened_by_id=user.id if user else None,
                                       abstentions_in_base=body.abstentions_in_base,
                                       president_casting_vote=body.president_casting_vote,
                                       answers=[ConsultationAnswer(person=person, position=position)
                                                for position, person in enumerate(people, start=1)])
    db.session.add(consultation)
    db.session.flush()
    return consultation, queue_links(consultation.answers, MailKind.CONSULTATION)


def queue_links(answers: list[ConsultationAnswer], kind: MailKind, sending: str | None = None) -> Queued:
    """One e-mail per member; its key is unique per ``sending`` (by default a new one: a new message each time)."""
    sending = sending or uuid.uuid4().hex[:12]
    return queue([{"key": f"{kind.value}:{answer.id}:{sending}", "kind": kind, "person_id": answer.person_id,
                   "consultation_answer_id": answer.id} for answer in answers])


def remind(consultation: WrittenConsultation) -> Queued:
    """Queue a reminder to each member who has not answered yet and still may (none once closed). At most one
    a day (Paris) to each member: « Relancer » tapped twice, or by two people of the secretariat, mails once
    (the second time ``Queued.already`` counts them)."""
    if not is_open(consultation):
        return Queued()
    voting = still_voting_people(consultation)
    waiting = [answer for answer in consultation.answers if answer.choice is None and answer.person_id in voting]
    return queue_links(waiting, MailKind.CONSULTATION_REMINDER, sending=paris_today().isoformat())


def is_open(consultation: WrittenConsultation, now: datetime | None = None) -> bool:
    """Open until the end of the minute shown (« jusqu'au … à 23h59 »: an answer at 23:59:30 counts)."""
    return consultation.closed_at is None and (now or utc_now()) < consultation.closes_at + timedelta(minutes=1)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_link_token(answer: ConsultationAnswer) -> str:
    return _serializer().dumps({"answer": answer.id, "person": answer.person_id})


def read_link_token(token: str) -> ConsultationAnswer:
    """The answer row a link is for; ConsultationLinkError when tampered, expired, used or closed."""
    try:
        payload = _serializer().loads(token, max_age=MAX_LINK_DAYS * 86400)
    except SignatureExpired as error:
        raise ConsultationLinkError("Ce lien a expiré.", 410) from error
    except BadSignature as error:
        raise ConsultationLinkError("Ce lien n'est pas valide : utilisez le lien reçu par courriel.", 404) from error
    answer = db.session.get(ConsultationAnswer, payload.get("answer")) if isinstance(payload, dict) else None
    if answer is None or answer.person_id != payload.get("person"):
        raise ConsultationLinkError("Ce lien n'est pas valide : utilisez le lien reçu par courriel.", 404)
    if not is_open(answer.consultation):
        raise ConsultationLinkError(
            f"La consultation est close depuis le {long_datetime(answer.consultation.closes_at)} : "
            "votre réponse ne peut plus être enregistrée.", 410)
    if answer.choice is not None:
        raise ConsultationLinkError(
            f"Vous avez répondu le {long_datetime(answer.answered_at)} : un lien ne sert qu'une fois.", 409)
    if not still_voting(answer):
        raise ConsultationLinkError("Votre mandat de membre titulaire de cette instance a pris fin : votre réponse "
                                    "ne peut plus être enregistrée.", 410)
    return answer


def still_voting(answer: ConsultationAnswer) -> bool:
    """The person still holds a voting titulaire seat of the body today (a mandate ended during the
    consultation ends the right to answer), and is not in the bin."""
    return answer.person_id in still_voting_people(answer.consultation)


def still_voting_people(consultation: WrittenConsultation) -> set[int]:
    """Ids of the people who may still answer the consultation (``still_voting``), in one query: not in the
    bin, and holding a voting titulaire seat of its body today."""
    return set(db.session.scalars(
        select(Membership.person_id).join(Person, Person.id == Membership.person_id)
        .where(Membership.body_id == consultation.body_id, mandate_gives_access(to_paris(utc_now()).date()),
               Membership.seat == Seat.TITULAIRE, Membership.voting.is_(True), Person.deleted_at.is_(None))))


def record_answer(answer: ConsultationAnswer, choice: VoteChoice) -> None:
    answer.choice, answer.answered_at = choice, utc_now()


def counts_of(consultation: WrittenConsultation) -> VoteCounts:
    choices = [answer.choice for answer in consultation.answers]
    return VoteCounts(choices.count(VoteChoice.FOR), choices.count(VoteChoice.AGAINST),
                      choices.count(VoteChoice.ABSTENTION), 0)


def close_refusal(consultation: WrittenConsultation, now: datetime | None = None) -> str | None:
    if consultation.closed_at is not None:
        return "Le résultat de cette consultation est déjà enregistré."
    if is_open(consultation, now) and len(consultation.answered) < len(consultation.answers):
        return (f"La consultation reste ouverte jusqu'au {long_datetime(consultation.closes_at)} : tous les membres "
                "n'ont pas répondu.")
    return None


def close_consultation(consultation: WrittenConsultation) -> None:
    """Record the counts and the outcome (the president's answer decides a tie where the body's rules, as at
    the opening, give them the casting vote)."""
    counts = counts_of(consultation)
    president = president_of(consultation.body, to_paris(consultation.opened_at).date())
    president_choice = next((answer.choice for answer in consultation.answers
                             if president is not None and answer.person_id == president.person_id), None)
    decision = decide(counts, abstentions_in_base=consultation.abstentions_in_base,
                      president_casting_vote=consultation.president_casting_vote, president_choice=president_choice)
    consultation.votes_for, consultation.votes_against, consultation.abstentions = (
        counts.votes_for, counts.votes_against, counts.abstentions)
    consultation.outcome, consultation.decided_by_casting_vote = decision.outcome, decision.decided_by_casting_vote
    consultation.closed_at = utc_now()


def participation_sentence(consultation: WrittenConsultation) -> str:
    """« Participation : 8 membres sur 10 ont répondu. »"""
    answered, consulted = len(consultation.answered), len(consultation.answers)
    return (f"Participation : {answered} membre{'s' if answered > 1 else ''} sur {consulted} "
            f"{'ont' if answered > 1 else 'a'} répondu.")


def build_consultation_emails(rows: list[OutboxMessage]) -> dict[int, EmailMessage | Dropped]:
    """Outbox builder of consultation links and reminders: dropped once the member answered, once the
    consultation is closed, once the person may no longer answer (deleted, mandate ended), or without an
    address."""
    answers = {answer.id: answer for answer in db.session.scalars(
        select(ConsultationAnswer).where(ConsultationAnswer.id.in_({row.consultation_answer_id for row in rows}))
        .options(selectinload(ConsultationAnswer.person),
                 selectinload(ConsultationAnswer.consultation).selectinload(WrittenConsultation.body)
                 .selectinload(Body.organisation)))}
    voting: dict[int, set[int]] = {}  # by consultation, read once per batch

    def voting_in(consultation: WrittenConsultation) -> set[int]:
        if consultation.id not in voting:
            voting[consultation.id] = still_voting_people(consultation)
        return voting[consultation.id]

    messages: dict[int, EmailMessage | Dropped] = {}
    for row in rows:
        answer = answers.get(row.consultation_answer_id)
        if answer is None or not is_open(answer.consultation):
            messages[row.id] = Dropped("consultation close")
        elif answer.choice is not None:
            messages[row.id] = Dropped("réponse déjà enregistrée")
        elif answer.person_id not in voting_in(answer.consultation):
            messages[row.id] = Dropped("plus membre titulaire en fonction")
        elif not answer.person.email:
            messages[row.id] = Dropped("pas d'adresse")
        else:
            messages[row.id] = consultation_message(answer, reminder=row.kind is MailKind.CONSULTATION_REMINDER)
    return messages


def consultation_message(answer: ConsultationAnswer, *, reminder: bool) -> EmailMessage:
    consultation = answer.consultation
    organisation = consultation.body.organisation
    subject = f"{'Rappel : ' if reminder else ''}consultation écrite de {consultation.body.label}"
    message = new_message(subject=subject,
                          sender=organisation.secretariat_email or current_app.config["SECRETARIAT_EMAIL"],
                          sender_name=organisation.short_name or organisation.name,
                          recipient=answer.person.email, recipient_name=answer.person.display_name)
    message.set_content(render_template(
        "votes/email/consultation.txt", answer=answer, consultation=consultation, reminder=reminder,
        link=public_url("votes.consultation_answer", token=make_link_token(answer))))
    return message

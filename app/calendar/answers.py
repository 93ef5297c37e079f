"""Answer links of convocation e-mails: signed, expiring, usable once, no login needed.

One token per e-mail and invitation (the four links differ only by the answer they preselect);
its random nonce is recorded when an answer is saved, so the same e-mail cannot answer twice.
A newer e-mail (update, reminder) carries a new nonce.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.calendar.urls import public_url
from app.extensions import db
from app.models import (
    Invitation,
    InvitationResponse,
    Meeting,
    Membership,
    Person,
    Seat,
    UsedAnswerLink,
    utc_now,
)

SALT = "seances-invitation-answer"

# The four answers offered in e-mails, in this order.
ANSWER_LABELS = {
    InvitationResponse.PRESENT: "Je serai présent(e)",
    InvitationResponse.EXCUSED: "Je serai excusé(e)",
    InvitationResponse.SUBSTITUTE: "Mon suppléant me remplace",
    InvitationResponse.PROXY: "Je donne pouvoir à…",
}


class AnswerLinkError(Exception):
    """A link that cannot answer: the French message is shown to the person, with ``status``."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class AnswerLink:
    invitation: Invitation
    nonce: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_answer_token(invitation: Invitation) -> str:
    return _serializer().dumps({"invitation": invitation.id, "nonce": secrets.token_urlsafe(16)})


def answer_links(invitation: Invitation) -> list[tuple[str, str]]:
    """(label, absolute URL) of the four answers, sharing one fresh token."""
    token = make_answer_token(invitation)
    return [
        (label, public_url("calendar.answer", token=token, reponse=response.value))
        for response, label in ANSWER_LABELS.items()
    ]


def read_answer_token(token: str) -> AnswerLink:
    """The invitation a link answers for; AnswerLinkError when tampered, expired or used."""
    max_age = int(current_app.config["ANSWER_LINK_MAX_AGE_DAYS"]) * 24 * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise AnswerLinkError("Ce lien de réponse a expiré. Répondez au secrétariat par retour de courriel.", 410)
    except BadSignature:
        raise AnswerLinkError("Ce lien de réponse n'est pas valide. Vérifiez qu'il a été copié en entier.", 404)
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.id == payload.get("invitation"))
        .options(selectinload(Invitation.person),
                 selectinload(Invitation.meeting).selectinload(Meeting.body))
    )
    if invitation is None or invitation.meeting.deleted_at is not None:
        raise AnswerLinkError("Cette convocation n'existe plus.", 404)
    if invitation.meeting.is_cancelled:
        raise AnswerLinkError("Cette séance est annulée : aucune réponse n'est attendue.", 410)
    if invitation.meeting.starts_at <= utc_now():
        raise AnswerLinkError("Cette séance a déjà commencé ou a eu lieu : il n'est plus possible de répondre en ligne.", 410)
    if db.session.get(UsedAnswerLink, payload["nonce"]) is not None:
        raise AnswerLinkError("Ce lien de réponse a déjà été utilisé. Pour changer votre réponse, "
                              "utilisez le dernier courriel reçu ou contactez le secrétariat.", 410)
    return AnswerLink(invitation, payload["nonce"])


@dataclass
class AnswerOptions:
    """What a convened person may answer: the answers offered and who may receive a pouvoir."""

    responses: list[InvitationResponse]
    proxy_candidates: list[Person]


def answer_options(invitation: Invitation, today: date) -> AnswerOptions:
    """The suppléant answer only with a current suppléant, the proxy only with someone to give it to."""
    candidates = proxy_candidates(invitation, today)
    responses = [
        response for response in ANSWER_LABELS
        if (response is not InvitationResponse.SUBSTITUTE or has_substitute(invitation, today))
        and (response is not InvitationResponse.PROXY or candidates)
    ]
    return AnswerOptions(responses, candidates)


def proxy_candidates(invitation: Invitation, today: date) -> list[Person]:
    """The other current voting members of the body, who may receive the pouvoir."""
    meeting = invitation.meeting
    if not meeting.body.proxies_allowed:
        return []
    memberships = db.session.scalars(
        select(Membership).where(Membership.body_id == meeting.body_id, Membership.voting.is_(True),
                                 Membership.person_id != invitation.person_id)
        .options(selectinload(Membership.person))
    )
    people = {m.person.id: m.person for m in memberships if m.is_current(today) and m.person.deleted_at is None}
    return sorted(people.values(), key=lambda person: person.sort_key)


def has_substitute(invitation: Invitation, today: date) -> bool:
    """True when the person holds a titulaire seat with a current suppléant in the body."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.body_id == invitation.meeting.body_id,
                                 Membership.person_id == invitation.person_id, Membership.seat == Seat.TITULAIRE)
        .options(selectinload(Membership.substitutes))
    )
    return any(m.is_current(today) and any(s.is_current(today) for s in m.substitutes) for m in memberships)


def record_answer(link: AnswerLink, response: InvitationResponse, proxy_holder: Person | None) -> bool:
    """Save the answer and burn the link in one commit; False if the link was used meanwhile."""
    invitation = link.invitation
    invitation.response = response
    invitation.proxy_holder = proxy_holder if response is InvitationResponse.PROXY else None
    invitation.responded_at = utc_now()
    db.session.add(UsedAnswerLink(nonce=link.nonce, invitation_id=invitation.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def proxy_limit_reached(invitation: Invitation, holder: Person) -> bool:
    """True when ``holder`` already holds the body's maximum of pouvoirs for this meeting."""
    held = db.session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.meeting_id == invitation.meeting_id, Invitation.id != invitation.id,
            Invitation.response == InvitationResponse.PROXY, Invitation.proxy_holder_id == holder.id,
        )
    )
    return held >= invitation.meeting.body.max_proxies_per_holder

"""Answer links of convocation e-mails: signed, expiring, usable once, no login needed.

One token per e-mail and invitation (the four links differ only by the answer they preselect);
its random nonce is recorded when an answer is saved, so the same e-mail cannot answer twice.
A newer e-mail (update, reminder) carries a new nonce.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.bodies.composition import Composition, body_composition
from app.calendar.urls import public_url
from app.extensions import db
from app.formatting import paris_today
from app.meetings.proxies import DECLINING, ProxyRules, answered_pouvoirs
from app.meetings.roster import meeting_day
from app.permissions import people_in_office, still_convened
from app.models import (
    Capacity,
    Invitation,
    InvitationResponse,
    Meeting,
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
    # The person and the meeting too: an id freed by a removal may name someone else's invitation later
    # (SQLite reuses the highest id), and the link must then answer for nobody.
    return _serializer().dumps({"invitation": invitation.id, "person": invitation.person_id,
                                "meeting": invitation.meeting_id, "nonce": secrets.token_urlsafe(16)})


def answer_links(invitation: Invitation, composition: Composition | None = None) -> list[tuple[str, str]]:
    """(label, absolute URL) of the answers this person may give (``answer_options``), sharing one
    fresh token: a suppléant or ARS staff member is never offered a pouvoir in an e-mail."""
    token = make_answer_token(invitation)
    return [
        (ANSWER_LABELS[response], public_url("calendar.answer", token=token, reponse=response.value))
        for response in answer_options(invitation, composition).responses
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
    if (invitation is None or invitation.meeting.deleted_at is not None or invitation.person.deleted_at is not None
            or payload.get("person", invitation.person_id) != invitation.person_id
            or payload.get("meeting", invitation.meeting_id) != invitation.meeting_id):  # links of before both
        raise AnswerLinkError("Cette convocation n'existe plus.", 404)
    if invitation.meeting.is_cancelled:
        raise AnswerLinkError("Cette séance est annulée : aucune réponse n'est attendue.", 410)
    if invitation.meeting.starts_at <= utc_now():
        raise AnswerLinkError("Cette séance a déjà commencé ou a eu lieu : il n'est plus possible de répondre en ligne.", 410)
    if not still_convened(invitation, people_in_office(invitation.meeting.body_id, paris_today())):
        raise AnswerLinkError("Votre mandat dans cette instance a pris fin : il n'est plus possible de répondre à "
                              "cette convocation.", 410)
    if db.session.get(UsedAnswerLink, payload["nonce"]) is not None:
        raise AnswerLinkError("Ce lien de réponse a déjà été utilisé. Pour changer votre réponse, "
                              "utilisez le dernier courriel reçu ou contactez le secrétariat.", 410)
    return AnswerLink(invitation, payload["nonce"])


@dataclass
class AnswerOptions:
    """What a convened person may answer: the answers offered, who may receive their pouvoir, and the
    rules that decided it (to explain a refusal)."""

    person_id: int
    responses: list[InvitationResponse]
    proxy_candidates: list[Person]
    rules: ProxyRules
    givers: list[Person] = field(default_factory=list)  # whose pouvoir the person holds

    @property
    def lapse_warning(self) -> str | None:
        """To a member who holds pouvoirs: whose pouvoirs will no longer count if they do not sit."""
        if not self.givers:
            return None
        who = enumeration([giver.display_name for giver in self.givers])
        answers = enumeration([f"« {ANSWER_LABELS[response]} »" for response in self.responses
                               if response in DECLINING], "ou")
        if len(self.givers) == 1:
            return (f"{who} vous a donné pouvoir. Ce pouvoir ne compte que si vous siégez et ne peut pas être "
                    f"transmis : si vous répondez {answers}, il ne comptera plus{self._who_is_told(' et ', future=True)}.")
        return (f"{who} vous ont donné pouvoir. Ces pouvoirs ne comptent que si vous siégez et ne peuvent pas être "
                f"transmis : si vous répondez {answers}, ils ne compteront plus{self._who_is_told(' et ', future=True)}.")

    def lapse_confirmation(self, response: InvitationResponse) -> str | None:
        """Once the answer is saved: whose pouvoirs it made lapse, if any."""
        if response not in DECLINING or not self.givers:
            return None
        who = enumeration([giver.display_name for giver in self.givers])
        if len(self.givers) == 1:
            return f"Le pouvoir de {who} ne compte plus{self._who_is_told(' : ', future=False)}."
        return f"Les pouvoirs de {who} ne comptent plus{self._who_is_told(' : ', future=False)}."

    def _who_is_told(self, joining: str, future: bool) -> str:
        """« et Mme X en sera prévenu(e) par courriel… », of the givers with an address; those without one are
        said not to be told (the secretariat sees the lapsed pouvoir on the attendance sheet)."""
        told = [giver.display_name for giver in self.givers if giver.email and giver.deleted_at is None]
        untold = [giver.display_name for giver in self.givers if giver.display_name not in told]

        def is_told(names: list[str], negation: str = "") -> str:
            plural = len(names) > 1
            verb = ("seront" if plural else "sera") if future else ("sont" if plural else "est")
            return f"{enumeration(names)} {negation or 'en'} {verb}{' pas' if negation else ''} prévenu(e){'s' * plural}"

        parts = []
        if told:
            purpose = f" pour {'les' if len(told) > 1 else 'le'} donner à un autre membre" if future else ""
            parts.append(f"{is_told(told)} par courriel{purpose}")
        if untold:
            parts.append(is_told(untold, "n'en") + " par courriel (aucune adresse électronique)")
        return joining + " ; ".join(parts)

    @property
    def proxy_refusal(self) -> str:
        """Why « je donne pouvoir » is not offered, in a sentence naming the rule."""
        return self.rules.giver_refusal(self.person_id) or (
            "Aucun membre titulaire ne peut recevoir votre pouvoir pour cette séance : un pouvoir est donné "
            "à un autre titulaire présent, dans la limite de pouvoirs fixée par l'instance.")

    def holder_refusal(self, holder_id: int | None) -> str:
        """Why the person chosen may not receive the pouvoir."""
        holder = self.rules.composition.person(holder_id) if holder_id else None
        if holder is None:
            return "Choisissez le membre qui recevra votre pouvoir."
        return self.rules.holder_refusal(self.person_id, holder) or "Choisissez un des membres proposés."


def answer_rules(invitation: Invitation, composition: Composition | None = None) -> ProxyRules:
    """The pouvoir rules as the others' answers stand (``answered_pouvoirs``, as the forecast and the attendance
    sheet weigh them): titulaires who have not declined may sit, a suppléant sits once they answered « présent »,
    pouvoirs already given count against their holder's limit unless they do not count (a suppléant sits in the
    giver's place, the holder will not sit, or the body's rules refuse them). ``composition``: the body's on the
    meeting day when read already (an outbox batch reads it once per meeting), else it is read here."""
    meeting = invitation.meeting
    if composition is None:
        composition = body_composition(meeting.body, meeting_day(meeting))
    others = [other for other in meeting.invitations if other.id != invitation.id and other.capacity is Capacity.MEMBER]
    return answered_pouvoirs(composition, others, to_member=True).rules


def answer_options(invitation: Invitation, composition: Composition | None = None) -> AnswerOptions:
    """Only what the person may choose: ARS staff, guests and suppléants answer présent or excusé; a
    titulaire may also be replaced by their suppléant (if they have one), or give a pouvoir under
    the rules of ``app.meetings.proxies`` to one of the titulaires listed."""
    rules = answer_rules(invitation, composition)
    membership = rules.composition.membership_of(invitation.person_id)
    allowed = {InvitationResponse.PRESENT, InvitationResponse.EXCUSED}
    candidates: list[Person] = []
    if invitation.capacity is Capacity.MEMBER and membership is not None and membership.seat is Seat.TITULAIRE:
        if rules.composition.substitutes(invitation.person_id):
            allowed.add(InvitationResponse.SUBSTITUTE)
        candidates = rules.possible_holders(invitation.person_id)
        if candidates:
            allowed.add(InvitationResponse.PROXY)
    responses = [response for response in ANSWER_LABELS if response in allowed]
    givers = [given.person for given in pouvoirs_given_to(invitation)]
    return AnswerOptions(invitation.person_id, responses, candidates, rules, givers)


def pouvoirs_given_to(invitation: Invitation) -> list[Invitation]:
    """The answers of the members who gave their pouvoir to the person of ``invitation``, by name: from the
    meeting's invitations (loaded with it in an outbox batch, else read in one statement)."""
    given = [other for other in invitation.meeting.invitations
             if other.response is InvitationResponse.PROXY and other.proxy_holder_id == invitation.person_id]
    return sorted(given, key=lambda answer: answer.person.sort_key)


def enumeration(items: list[str], last: str = "et") -> str:
    """« A », « A et B », « A, B et C » (``last``: « ou »…)."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


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

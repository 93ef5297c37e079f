"""Pouvoirs (proxies) as the law allows them, one set of rules for the attendance sheet and for the
answer page of convocation links (D.1432-50 for the CRSA; each body's settings).

A titulaire may give a pouvoir only when their own suppléant does not sit, only to another titulaire
who sits, within the body's limit per holder (3 at most), and never from or to the president of the
body. Every refusal is a French sentence naming the rule, addressed to the member (« votre
suppléant ») on the answer page or to the secretariat (« son suppléant ») on the sheet.

Before the sitting, the pouvoirs given by convocation answers are weighed by the same rules, as they stand
today (``answered_pouvoirs``): the forecast, the attendance sheet forecast from the answers and the answer page
count only those the sheet could record. A pouvoir whose holder does not sit counts for nothing (no chain of
pouvoirs); one whose giver's suppléant sits has no object (the suppléant fills the seat).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.bodies.composition import Composition
from app.models import Capacity, Invitation, InvitationResponse, Person, Seat

# Answers by which a member says they will not sit: they then hold no pouvoir.
DECLINING = {InvitationResponse.EXCUSED, InvitationResponse.SUBSTITUTE, InvitationResponse.PROXY}


@dataclass
class ProxyRules:
    """The body's rules applied to one meeting.

    ``sitting``: person ids of members known to sit (present on the sheet; on the answer page, those
    who have not declined). ``held``: pouvoirs already held per holder's person id. ``to_member``:
    messages say « vous » to the person answering, else speak of them to the secretariat."""

    composition: Composition
    sitting: set[int]
    held: Counter[int] = field(default_factory=Counter)
    to_member: bool = False

    @property
    def body(self):
        return self.composition.body

    def president_excluded(self, person_id: int) -> bool:
        return self.body.proxies_exclude_presidents and self.composition.is_president(person_id)

    def may_give(self, giver_id: int) -> bool:
        """Whether the person may give a pouvoir at all, whoever sits (the sheet's list of holders)."""
        return (self.body.proxies_allowed and self.composition.voting_titulaire(giver_id) is not None
                and not self.president_excluded(giver_id))

    def may_receive(self, holder_id: int) -> bool:
        """Whether the person may hold a pouvoir at all, whoever sits (the sheet's list of holders)."""
        return self.composition.voting_titulaire(holder_id) is not None and not self.president_excluded(holder_id)

    def giver_refusal(self, giver_id: int) -> str | None:
        """Why this person may not give a pouvoir to anyone, or None."""
        if self.composition.voting_titulaire(giver_id) is None:
            return "Seul un membre titulaire avec voix délibérative peut donner pouvoir."
        if not self.body.proxies_allowed:
            return "Cette instance n'admet pas les pouvoirs : seul " + (
                "votre suppléant peut vous remplacer." if self.to_member else "son suppléant peut représenter ce membre.")
        if self.president_excluded(giver_id):
            return "Le président de l'instance ne peut ni donner ni recevoir de pouvoir."
        substitute = self.sitting_substitute(giver_id)
        if substitute is not None:
            if self.to_member:
                return ("Un pouvoir ne peut être donné que si votre suppléant ne peut pas siéger : "
                        f"{substitute.display_name} a indiqué être présent(e).")
            return ("Un pouvoir ne peut être donné que si son suppléant ne peut pas siéger : "
                    f"{substitute.formal_name} est présent(e).")
        return None

    def sitting_substitute(self, giver_id: int) -> Person | None:
        """The titulaire's suppléant who sits in their place (D.1432-30), if any: a pouvoir then has no object."""
        return next((substitute for substitute in self.composition.substitutes(giver_id)
                     if substitute.id in self.sitting), None)

    def holder_refusal(self, giver_id: int, holder: Person) -> str | None:
        """Why ``holder`` may not receive the pouvoir of ``giver_id`` (the giver aside), or None."""
        name = holder.display_name if self.to_member else holder.formal_name
        if holder.id == giver_id:
            return "Un pouvoir est donné à un autre membre titulaire."
        if self.composition.voting_titulaire(holder.id) is None:
            return (f"Un pouvoir ne peut être donné qu'à un autre membre titulaire avec voix délibérative : "
                    f"{name} ne l'est pas.")
        if self.president_excluded(holder.id):
            return "Le président de l'instance ne peut ni donner ni recevoir de pouvoir."
        if holder.id not in self.sitting:
            if self.to_member:
                return (f"Un pouvoir ne peut être donné qu'à un membre titulaire présent : {name} a indiqué "
                        "ne pas pouvoir siéger.")
            return f"Un pouvoir ne peut être donné qu'à un membre titulaire présent : {name} n'est pas présent(e)."
        limit = self.body.max_proxies_per_holder
        if self.held[holder.id] >= limit:
            return (f"{name} détient déjà {limit} pouvoir{'s' if limit > 1 else ''} : "
                    "c'est le maximum dans cette instance.")
        return None

    def refusal(self, giver_id: int, holder: Person) -> str | None:
        """Why this pouvoir is refused, or None when the law allows it."""
        return self.giver_refusal(giver_id) or self.holder_refusal(giver_id, holder)

    def record(self, holder_id: int) -> None:
        """Count an accepted pouvoir against its holder's limit."""
        self.held[holder_id] += 1

    def possible_holders(self, giver_id: int) -> list[Person]:
        """Who may receive the giver's pouvoir now, by name: empty when the giver may give none."""
        if self.giver_refusal(giver_id) is not None:
            return []
        people = [membership.person for membership in self.composition.memberships
                  if membership.holds_voting_seat]
        return sorted((person for person in people if self.holder_refusal(giver_id, person) is None),
                      key=lambda person: person.sort_key)


@dataclass(frozen=True)
class SetAside:
    """A pouvoir given by a convocation answer that does not count, and why, said to the secretariat."""

    holder_id: int
    reason: str
    lapsed: bool = False  # its holder will not sit: « pouvoir caduc »
    stand_in: Person | None = None  # the giver's suppléant, who sits in the giver's place


@dataclass
class AnsweredPouvoirs:
    """The pouvoirs given by convocation answers, weighed: ``rules`` with who sits as the answers stand and the
    pouvoirs that count held; ``set_aside`` the others, by the giver's person id."""

    rules: ProxyRules
    set_aside: dict[int, SetAside]


def answered_pouvoirs(composition: Composition, invitations: Iterable[Invitation],
                      to_member: bool = False) -> AnsweredPouvoirs:
    """Weigh the pouvoirs of ``invitations``' answers by the body's rules as they stand (``ProxyRules``, as the
    attendance sheet checks them): a titulaire who has not declined may sit, a suppléant sits once they
    answered « présent »; pouvoirs count in the order they were answered, so a limit lowered since sets aside
    the last ones. What the forecast, the sheet forecast from the answers and the answer page all count."""
    invitations = [invitation for invitation in invitations if invitation.capacity is Capacity.MEMBER]
    sitting: set[int] = set()
    for invitation in invitations:
        membership = composition.membership_of(invitation.person_id)
        if membership is None:
            continue
        if membership.seat is Seat.SUPPLEANT:
            if invitation.response is InvitationResponse.PRESENT:
                sitting.add(invitation.person_id)
        elif invitation.response not in DECLINING:
            sitting.add(invitation.person_id)
    rules = ProxyRules(composition, sitting=sitting, to_member=to_member)
    given = sorted((invitation for invitation in invitations
                    if invitation.response is InvitationResponse.PROXY and invitation.proxy_holder_id is not None),
                   key=lambda invitation: (invitation.responded_at is None,
                                           invitation.responded_at.timestamp() if invitation.responded_at else 0,
                                           invitation.id))
    set_aside: dict[int, SetAside] = {}
    for invitation in given:
        giver_id, holder_id = invitation.person_id, invitation.proxy_holder_id
        # A holder whose mandate ended is no longer in the composition: named from their convocation.
        holder = composition.person(holder_id) or next(
            (other.person for other in invitations if other.person_id == holder_id), None)
        stand_in = rules.sitting_substitute(giver_id)
        if stand_in is not None:
            set_aside[giver_id] = SetAside(holder_id, f"Pouvoir écarté. {stand_in.formal_name}, suppléant(e), siège à "
                                                      "sa place : le pouvoir n'a pas d'objet.", stand_in=stand_in)
            continue
        refusal = rules.giver_refusal(giver_id)
        if refusal is None and holder is not None and rules.may_receive(holder_id) and holder_id not in sitting:
            set_aside[giver_id] = SetAside(holder_id, f"pouvoir caduc : {holder.formal_name} ne siège pas", lapsed=True)
            continue
        if refusal is None:
            refusal = (rules.holder_refusal(giver_id, holder) if holder is not None
                       else "Un pouvoir ne peut être donné qu'à un membre titulaire présent.")
        if refusal is None:
            rules.record(holder_id)
        else:
            set_aside[giver_id] = SetAside(holder_id, f"Pouvoir écarté. {refusal}")
    return AnsweredPouvoirs(rules, set_aside)

"""The outcome of a vote: one pure function of the counts and of the body's rule.

The avis is adopted by the majority of the votes cast by the members present or represented
(D.1432-47). Members who do not take part (a declared interest…) are never in the base; abstentions are
in it only where the body's rule says so (``Body.abstentions_in_base``; the CRSA preset leaves them
out). When the votes « pour » make exactly half of the base, the president's vote decides where the body
gives it that casting vote (``Body.president_casting_vote``, the CRSA preset); elsewhere a tie is no majority.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.models import VoteChoice, VoteOutcome


@dataclass(frozen=True)
class VoteCounts:
    votes_for: int
    votes_against: int
    abstentions: int
    not_voting: int

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions + self.not_voting

    def base(self, abstentions_in_base: bool) -> int:
        """The votes cast: the base of the majority."""
        return self.votes_for + self.votes_against + (self.abstentions if abstentions_in_base else 0)

    def is_tie(self, abstentions_in_base: bool) -> bool:
        base = self.base(abstentions_in_base)
        return base > 0 and 2 * self.votes_for == base


@dataclass(frozen=True)
class Decision:
    outcome: VoteOutcome
    base: int
    decided_by_casting_vote: bool = False


def decide(counts: VoteCounts, *, abstentions_in_base: bool, president_casting_vote: bool,
           president_choice: VoteChoice | None) -> Decision:
    """Adopted when « pour » exceeds half of the base; on a tie, as the president voted (pour or
    contre) when their vote is prépondérante (``president_casting_vote``); without a majority (or nobody
    voting), rejected."""
    base = counts.base(abstentions_in_base)
    if base > 0 and 2 * counts.votes_for > base:
        return Decision(VoteOutcome.ADOPTED, base)
    if (president_casting_vote and counts.is_tie(abstentions_in_base)
            and president_choice in (VoteChoice.FOR, VoteChoice.AGAINST)):
        outcome = VoteOutcome.ADOPTED if president_choice is VoteChoice.FOR else VoteOutcome.REJECTED
        return Decision(outcome, base, decided_by_casting_vote=True)
    return Decision(VoteOutcome.REJECTED, base)

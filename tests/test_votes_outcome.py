"""The outcome of a vote from its counts and the body's rule (app/votes/outcome.py): a pure function."""
from __future__ import annotations

import pytest

from app.models import VoteChoice, VoteOutcome
from app.votes.outcome import VoteCounts, decide

ADOPTED, REJECTED = VoteOutcome.ADOPTED, VoteOutcome.REJECTED
FOR, AGAINST, ABSTENTION, NOT_VOTING = VoteChoice.FOR, VoteChoice.AGAINST, VoteChoice.ABSTENTION, VoteChoice.NOT_VOTING


@pytest.mark.parametrize("counts, in_base, outcome, base", [
    ((7, 3, 0, 0), False, ADOPTED, 10),
    ((3, 7, 0, 0), False, REJECTED, 10),
    # The CRSA preset leaves abstentions out: 5 pour against 4 contre adopts, whatever the 6 abstentions.
    ((5, 4, 6, 0), False, ADOPTED, 9),
    # A body that counts them needs more than half of pour + contre + abstentions.
    ((5, 4, 6, 0), True, REJECTED, 15),
    ((8, 4, 3, 0), True, ADOPTED, 15),
    # Members who do not take part (a declared interest) are never in the base.
    ((3, 2, 0, 9), False, ADOPTED, 5),
    ((3, 2, 0, 9), True, ADOPTED, 5),
    # Nobody voting pour or contre: no majority.
    ((0, 0, 4, 1), False, REJECTED, 0),
])
def test_majority_of_the_votes_cast(counts, in_base, outcome, base):
    decision = decide(VoteCounts(*counts), abstentions_in_base=in_base, president_casting_vote=True,
                      president_choice=None)
    assert (decision.outcome, decision.base, decision.decided_by_casting_vote) == (outcome, base, False)


@pytest.mark.parametrize("president, outcome, casting", [
    (FOR, ADOPTED, True),
    (AGAINST, REJECTED, True),
    (ABSTENTION, REJECTED, False),  # the president abstained: no majority, nothing to decide
    (None, REJECTED, False),        # no president sitting: a tie is no majority
])
def test_the_presidents_vote_decides_a_tie(president, outcome, casting):
    decision = decide(VoteCounts(4, 4, 1, 0), abstentions_in_base=False, president_casting_vote=True,
                      president_choice=president)
    assert (decision.outcome, decision.decided_by_casting_vote) == (outcome, casting)


def test_the_presidents_vote_decides_nothing_without_a_tie():
    decision = decide(VoteCounts(5, 4, 0, 0), abstentions_in_base=False, president_casting_vote=True,
                      president_choice=AGAINST)
    assert (decision.outcome, decision.decided_by_casting_vote) == (ADOPTED, False)


def test_a_tie_with_abstentions_in_the_base_is_half_of_all_votes_cast():
    """5 pour, 3 contre, 2 abstentions where abstentions count: exactly half, the president decides."""
    decision = decide(VoteCounts(5, 3, 2, 0), abstentions_in_base=True, president_casting_vote=True,
                      president_choice=FOR)
    assert (decision.outcome, decision.decided_by_casting_vote) == (ADOPTED, True)
    assert decide(VoteCounts(5, 3, 2, 0), abstentions_in_base=False, president_casting_vote=True,
                  president_choice=AGAINST).outcome is ADOPTED


@pytest.mark.parametrize("president", [FOR, AGAINST, ABSTENTION, None])
def test_without_a_casting_vote_a_tie_is_no_majority(president):
    """A body whose règlement gives the president no casting vote: 4 pour, 4 contre is not adopted, whatever
    the president voted."""
    decision = decide(VoteCounts(4, 4, 1, 0), abstentions_in_base=False, president_casting_vote=False,
                      president_choice=president)
    assert (decision.outcome, decision.base, decision.decided_by_casting_vote) == (REJECTED, 8, False)


def test_without_a_casting_vote_a_majority_still_decides():
    decision = decide(VoteCounts(5, 4, 0, 0), abstentions_in_base=False, president_casting_vote=False,
                      president_choice=AGAINST)
    assert (decision.outcome, decision.decided_by_casting_vote) == (ADOPTED, False)
    assert decide(VoteCounts(5, 3, 2, 0), abstentions_in_base=True, president_casting_vote=False,
                  president_choice=FOR).outcome is REJECTED  # half of 10 where abstentions count: a tie

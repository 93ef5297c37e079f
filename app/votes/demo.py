"""Demo data of the votes area: the avis of the CRSA plenary of 3 June 2020 on the Ségur concertation."""
from __future__ import annotations

from datetime import date

from app.formatting import paris_datetime
from app.models import AgendaItemNature, Body, utc_now
from app.votes.domain import VoteInput, record_vote, voting_context
from app.votes.outcome import VoteCounts

DEMO_AVIS = ("La CRSA émet un avis favorable aux propositions régionales pour la concertation du Ségur de la "
             "Santé, sous réserve d'associer les usagers à chaque groupe de travail territorial.")


def add_demo_votes(crsa: Body) -> None:
    """Put the plenary's second item to the vote « pour avis », record and publish the avis."""
    meeting = next(meeting for meeting in crsa.meetings if meeting.starts_at == paris_datetime(date(2020, 6, 3), 14, 0))
    item = meeting.agenda_items[1]
    item.nature, item.submitted_text = AgendaItemNature.FOR_OPINION, DEMO_AVIS
    context = voting_context(meeting)
    vote = record_vote(context, VoteInput(item=item, question=DEMO_AVIS, interests=set(),
                                          counts=VoteCounts(41, 6, 5, 0)), None)
    vote.published_at = utc_now()

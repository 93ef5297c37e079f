"""Loading votes and agenda items with the permission checks of their meeting."""
from __future__ import annotations


from app.extensions import db
from app.models import AgendaItem, Vote
from app.permissions import get_editable_meeting_or_404, get_meeting_or_404


def get_vote_or_404(vote_id: int, *, editable: bool = False) -> Vote:
    """A vote of a meeting the current user may see (404 for another ARS's); with ``editable``, of a
    meeting they may change (409 while its compte rendu is validated)."""
    vote = db.get_or_404(Vote, vote_id)
    (get_editable_meeting_or_404 if editable else get_meeting_or_404)(vote.agenda_item.meeting_id)
    return vote


def get_editable_item_or_404(item_id: int) -> AgendaItem:
    """An agenda item of a meeting the current (staff) user may change."""
    item = db.get_or_404(AgendaItem, item_id)
    get_editable_meeting_or_404(item.meeting_id)
    return item

"""The vote of a body on an agenda item: who may vote, what input is refused, what is recorded.

Voters are the voting seats present or represented on the attendance sheet: a member present (a
suppléant sitting for their titulaire included) votes once, and once more for each pouvoir they hold
(the represented member's line). Refusals are French sentences by form field name, as
``app.bodies.roles.role_errors`` gives them; nothing is written unless there are none.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from app.bodies.roles import president_of
from app.extensions import db
from app.formatting import short_date
from app.meetings.quorum import QuorumStatus, quorum_status
from app.meetings.roster import build_roster, meeting_day
from app.models import (
    AgendaItem,
    AgendaItemNature,
    AttendanceStatus,
    Meeting,
    Person,
    User,
    Vote,
    VoteBallot,
    VoteChoice,
    WrittenConsultation,
    utc_now,
)
from app.votes.outcome import VoteCounts, decide

# Form field names the refusals are attached to (the vote form's fields).
ITEM_FIELD, QUORUM_FIELD, ROLL_CALL_FIELD = "agenda_item_id", "quorum", "roll_call"
COUNT_FIELDS = ("votes_for", "votes_against", "abstentions", "not_voting")


@dataclass(frozen=True)
class Voter:
    """A voting seat taking part: the member whose vote it is, and who casts it when they are represented."""

    person: Person
    cast_by: Person | None = None

    @property
    def label(self) -> str:
        if self.cast_by is None:
            return self.person.formal_name
        return f"{self.person.formal_name}, représenté(e) par {self.cast_by.formal_name}"


@dataclass
class VotingContext:
    """What a vote in ``meeting`` is checked against, read once: voters, quorum now, the president."""

    meeting: Meeting
    voters: list[Voter]
    quorum: QuorumStatus
    attendance_recorded: bool
    # The president of the body, when they are among the voters and their vote decides a tie (the body's
    # ``president_casting_vote``): only then is their choice asked for.
    president: Person | None
    voter_ids: set[int] = field(init=False)

    def __post_init__(self):
        self.voter_ids = {voter.person.id for voter in self.voters}

    @property
    def roll_call(self) -> bool:
        return self.meeting.body.roll_call_votes


def voters_of(meeting: Meeting) -> list[Voter]:
    """The voting seats present or represented, in the order of the attendance sheet (one line each).

    A seat's vote is its titulaire's when they are present, even if their suppléant came too and is
    listed first: a suppléant sits only in place of an absent titulaire (D.1432-30)."""
    roster = build_roster(meeting)
    by_seat: dict[int, Voter] = {}
    for entry in roster:
        if entry.seat_id is None:
            continue
        chosen = by_seat.get(entry.seat_id)
        seat_filled = chosen is not None and chosen.cast_by is None  # by someone present
        if entry.status is AttendanceStatus.PRESENT:
            if not seat_filled or entry.is_seat_holder:
                by_seat[entry.seat_id] = Voter(entry.person)
        elif seat_filled:
            continue
        elif entry.status is AttendanceStatus.REPRESENTED and entry.is_seat_holder and entry.represented_by_id:
            substitute = next((p for p in entry.substitutes if p.id == entry.represented_by_id), None)
            if substitute is not None:  # their suppléant sits: a member present
                by_seat[entry.seat_id] = Voter(substitute)
            else:
                holder = (entry.attendance.represented_by if entry.attendance else None) \
                    or db.session.get(Person, entry.represented_by_id)
                by_seat.setdefault(entry.seat_id, Voter(entry.person, cast_by=holder))
    return list(by_seat.values())


def voting_context(meeting: Meeting) -> VotingContext:
    voters = voters_of(meeting)
    president = president_of(meeting.body, meeting_day(meeting)) if meeting.body.president_casting_vote else None
    president_voting = president is not None and any(voter.person.id == president.person_id and voter.cast_by is None
                                                     for voter in voters)
    return VotingContext(meeting=meeting, voters=voters, quorum=quorum_status(meeting),
                         attendance_recorded=bool(meeting.attendances),
                         president=president.person if president_voting else None)


def current_vote(item: AgendaItem) -> Vote | None:
    """The vote that decided the item, unless it was reopened."""
    return next((vote for vote in item.votes if vote.is_current), None)


def item_refusal(item: AgendaItem) -> str | None:
    """Why this item cannot be put to the vote now, or None."""
    if item.nature is None:
        return "Indiquez d'abord si ce point est soumis pour avis ou pour délibération."
    if not item.nature.is_voted:
        return "Ce point est inscrit pour information : il ne donne pas lieu à un vote."
    decided = current_vote(item)
    if decided is not None:
        return (f"Ce point a déjà été voté ({outcome_label(decided).lower()} le {short_date(decided.recorded_at)}) : "
                "rouvrez ce vote avant de voter à nouveau.")
    return None


def nature_refusal(item: AgendaItem, nature: AgendaItemNature | None) -> str | None:
    """Why the item's nature cannot become ``nature``: what a vote decided (an avis, a délibération) stays
    what it was until that vote is reopened."""
    if nature is item.nature or current_vote(item) is None:
        return None
    return f"Ce point a été mis au vote {item.nature.label.lower()} : rouvrez ce vote avant de changer sa nature."


def quorum_refusal(context: VotingContext) -> str | None:
    """A vote needs a sitting: the meeting begun and not cancelled, the attendance recorded and the quorum
    reached now (a second convocation needs none)."""
    if context.meeting.is_cancelled:
        return "La séance est annulée : aucun vote ne peut y être enregistré."
    if not context.meeting.has_taken_place:
        return "La séance n'a pas encore commencé : le vote a lieu en séance."
    if not context.attendance_recorded:
        return ("Enregistrez d'abord les présences : le vote se compte sur les membres présents ou représentés "
                "de la feuille d'émargement.")
    if not context.quorum.reached:
        return (f"{context.quorum.label}. Le vote ne peut avoir lieu que si le quorum est atteint, ou sur seconde "
                "convocation.")
    return None


@dataclass
class VoteInput:
    """What the vote form says, before it is checked. ``choices``: person id → choice, for a roll call
    (ids as posted, some perhaps not voters); ``counts`` for a vote by show of hands."""

    item: AgendaItem
    question: str
    interests: set[int]
    counts: VoteCounts | None = None
    choices: dict[int, VoteChoice | None] | None = None
    president_choice: VoteChoice | None = None


def counts_of(choices: dict[int, VoteChoice]) -> VoteCounts:
    values = list(choices.values())
    return VoteCounts(values.count(VoteChoice.FOR), values.count(VoteChoice.AGAINST),
                      values.count(VoteChoice.ABSTENTION), values.count(VoteChoice.NOT_VOTING))


def choice_field(person_id: int) -> str:
    return f"choice_{person_id}"


def vote_refusals(context: VotingContext, entry: VoteInput) -> dict[str, str]:
    """French messages by form field name for a vote that cannot be recorded; empty when it can."""
    errors: dict[str, str] = {}
    refusal = item_refusal(entry.item)
    if refusal:
        errors[ITEM_FIELD] = refusal
    refusal = quorum_refusal(context)
    if refusal:
        errors[QUORUM_FIELD] = refusal
    if entry.interests - context.voter_ids:
        errors["interests"] = ("Seul un membre présent ou représenté peut déclarer un intérêt : "
                               "choisissez dans la liste.")
    if entry.choices is not None:
        errors.update(_roll_call_refusals(context, entry))
    else:
        errors.update(_count_refusals(context, entry))
    return errors


def _roll_call_refusals(context: VotingContext, entry: VoteInput) -> dict[str, str]:
    errors = {}
    strangers = set(entry.choices) - context.voter_ids
    if strangers:
        names = [person.formal_name for person in
                 db.session.scalars(select(Person).where(Person.id.in_(strangers),
                                                         Person.organisation_id == context.meeting.body.organisation_id))]
        who = ", ".join(sorted(names)) or "une personne inconnue"
        errors[ROLL_CALL_FIELD] = (f"L'appel nominal nomme {who}, qui n'est pas sur la feuille d'émargement parmi "
                                   "les membres présents ou représentés : rien n'a été enregistré.")
    for voter in context.voters:
        choice = entry.choices.get(voter.person.id)
        if choice is None:
            errors[choice_field(voter.person.id)] = "Indiquez le vote de ce membre."
        elif voter.person.id in entry.interests and choice is not VoteChoice.NOT_VOTING:
            errors[choice_field(voter.person.id)] = ("Ce membre a déclaré un intérêt sur ce point : il ne prend pas "
                                                      "part au vote.")
    return errors


def _count_refusals(context: VotingContext, entry: VoteInput) -> dict[str, str]:
    errors = {}
    counts = entry.counts
    voters = len(context.voters)
    if counts.total > voters:
        errors["votes_for"] = (f"Les décomptes totalisent {counts.total} voix pour {voters} membre"
                               f"{'s' if voters > 1 else ''} présent{'s' if voters > 1 else ''} ou représenté"
                               f"{'s' if voters > 1 else ''} (pouvoirs compris) : corrigez-les.")
    if counts.not_voting < len(entry.interests):
        errors["not_voting"] = (f"{len(entry.interests)} membre(s) ont déclaré un intérêt et ne prennent pas part au "
                                f"vote : comptez-les ici (au moins {len(entry.interests)}).")
    choice = entry.president_choice
    if context.president is None:
        if choice is not None:
            errors["president_choice"] = "Le président de l'instance ne siège pas parmi les votants."
    elif choice is None and counts.is_tie(context.meeting.body.abstentions_in_base):
        errors["president_choice"] = "Égalité des voix : indiquez le vote du président, qui départage."
    elif choice is not None and _count_of(counts, choice) == 0:
        errors["president_choice"] = (f"Le président a voté « {choice.label.lower()} » : les décomptes doivent "
                                      "compter sa voix.")
    elif context.president.id in entry.interests and choice not in (None, VoteChoice.NOT_VOTING):
        errors["president_choice"] = "Le président a déclaré un intérêt sur ce point : il ne prend pas part au vote."
    return errors


def _count_of(counts: VoteCounts, choice: VoteChoice) -> int:
    return {VoteChoice.FOR: counts.votes_for, VoteChoice.AGAINST: counts.votes_against,
            VoteChoice.ABSTENTION: counts.abstentions, VoteChoice.NOT_VOTING: counts.not_voting}[choice]


def record_vote(context: VotingContext, entry: VoteInput, user: User | None) -> Vote:
    """Record a vote whose input ``vote_refusals`` accepted: the outcome, the quorum now, the ballots.
    Adds to the session; the caller commits."""
    body = context.meeting.body
    ballots = []
    if entry.choices is not None:
        choices = {voter.person.id: entry.choices[voter.person.id] for voter in context.voters}
        counts = counts_of(choices)
        president_choice = choices.get(context.president.id) if context.president else None
        for position, voter in enumerate(context.voters, start=1):
            ballots.append(VoteBallot(person=voter.person, cast_by=voter.cast_by, choice=choices[voter.person.id],
                                      declared_interest=voter.person.id in entry.interests, position=position))
    else:
        counts, president_choice = entry.counts, entry.president_choice
        for position, voter in enumerate(context.voters, start=1):
            if voter.person.id in entry.interests:
                ballots.append(VoteBallot(person=voter.person, cast_by=voter.cast_by, choice=VoteChoice.NOT_VOTING,
                                          declared_interest=True, position=position))
    decision = decide(counts, abstentions_in_base=body.abstentions_in_base,
                      president_casting_vote=body.president_casting_vote, president_choice=president_choice)
    quorum = context.quorum
    vote = Vote(agenda_item=entry.item, question=entry.question, roll_call=entry.choices is not None,
                votes_for=counts.votes_for, votes_against=counts.votes_against, abstentions=counts.abstentions,
                not_voting=counts.not_voting, abstentions_in_base=body.abstentions_in_base,
                president_casting_vote=body.president_casting_vote, president_choice=president_choice,
                outcome=decision.outcome, decided_by_casting_vote=decision.decided_by_casting_vote,
                quorum_statement=quorum.label, quorum_counted=quorum.counted, quorum_base=quorum.voting_members,
                quorum_required=quorum.required,
                avis_text=entry.question, recorded_at=utc_now(), recorded_by_id=user.id if user else None, ballots=ballots)
    db.session.add(vote)
    return vote


def reopen_vote(vote: Vote) -> None:
    """The item may be voted again; this vote stays, marked reopened."""
    vote.reopened_at = utc_now()
    vote.published_at = None


def outcome_label(vote: Vote) -> str:
    """« Avis favorable » / « Avis défavorable » for an item pour avis; « Adoptée » / « Rejetée » otherwise."""
    adopted = vote.outcome.value == "adopted"
    if vote.agenda_item.nature is AgendaItemNature.FOR_OPINION:
        return "Avis favorable" if adopted else "Avis défavorable"
    return "Délibération adoptée" if adopted else "Délibération rejetée"


def counts_sentence(vote: Vote) -> str:
    """« Pour : 12 ; contre : 3 ; abstentions : 2 ; ne prennent pas part au vote : 1. »"""
    return (f"Pour : {vote.votes_for} ; contre : {vote.votes_against} ; abstentions : {vote.abstentions} ; "
            f"ne prennent pas part au vote : {vote.not_voting}.")


def outcome_sentence(vote: Vote) -> str:
    """The outcome with how it was reached (the base, the president's casting vote)."""
    return result_sentence(outcome_label(vote), vote)


def result_sentence(label: str, result: Vote | WrittenConsultation) -> str:
    """« Avis favorable (8 suffrages exprimés, abstentions non comptées). », for a vote or a consultation."""
    base = result.votes_for + result.votes_against + (result.abstentions if result.abstentions_in_base else 0)
    rule = "abstentions comprises" if result.abstentions_in_base else "abstentions non comptées"
    sentence = f"{label} ({base} suffrage{'s' if base > 1 else ''} exprimé{'s' if base > 1 else ''}, {rule})"
    if result.decided_by_casting_vote:
        sentence += ", la voix du président étant prépondérante en cas de partage égal des voix"
    return sentence + "."


# Built once: every meeting page asks for its votes. Their ballots are not read with them: neither the page nor
# the compte rendu shows them (a statement a page for nothing).
MEETING_VOTES = (
    select(Vote).join(Vote.agenda_item).where(AgendaItem.meeting_id == bindparam("meeting_id"))
    .options(contains_eager(Vote.agenda_item))
    .order_by(AgendaItem.position, Vote.recorded_at, Vote.id)
)


def meeting_votes(meeting: Meeting) -> list[Vote]:
    """Every vote of ``meeting``, in agenda order then time, with its item (same query)."""
    return list(db.session.scalars(MEETING_VOTES, {"meeting_id": meeting.id}))


def votes_of_loaded_items(meeting: Meeting) -> list[Vote]:
    """``meeting_votes`` of a meeting whose agenda items were read with their votes (the meeting page's): no
    statement of its own (each item would read its votes otherwise)."""
    return [vote for item in meeting.agenda_items
            for vote in sorted(item.votes, key=lambda vote: (vote.recorded_at, vote.id))]

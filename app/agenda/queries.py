"""Queries of the members' side: their meetings, and the search among visible meetings."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Select, bindparam, exists, func, select, union
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import contains_eager, joinedload

from app.agenda.fulltext import SEARCH_WORDS, Excerpt, highlight, page_of_matches, ranked_matches, search_words
from app.extensions import db
from app.formatting import paris_datetime
from app.models import Attendance, Body, Capacity, Invitation, Meeting, Person, User, utc_now
from app.permissions import (TODAY, AccountParameters, account_parameters, in_organisation, member_meeting_ids,
                             record_readable, visible_meetings)

# What a meeting card shows: its body and minutes joined to the meeting (one row each), its agenda by id.
CARD_DETAILS = (joinedload(Meeting.minutes), joinedload(Meeting.agenda_items))
AGENDA_LOADING = (joinedload(Meeting.body, innerjoin=True), *CARD_DETAILS)


def my_meetings(user: AccountParameters, on) -> Select:
    """Meetings the user's seats open ``on`` (today: those of the bodies where the person sits, and those a seat
    still to start runs on), and those they are convened to or attended as ARS staff or guest: convened or
    present as a member, a meeting shows through the seat, so that ending the mandate takes the body's
    meetings off at once, as it does from the pages and the personal feed. Built once, for an
    ``AccountParameters`` (``MY_MEETINGS``): an account without a person then matches nothing (``= NULL``,
    where a plain ``None`` would compare ``IS NULL``)."""
    # The person in the bin has left every agenda (her seats already open nothing: ``seats_of``).
    present = exists(select(Person.id).where(Person.id == user.person_id, Person.deleted_at.is_(None)))
    convened = select(Invitation.meeting_id).where(Invitation.person_id == user.person_id,
                                                   Invitation.capacity != Capacity.MEMBER, present)
    attended = select(Attendance.meeting_id).where(Attendance.person_id == user.person_id,
                                                   Attendance.capacity != Capacity.MEMBER, present)
    return (
        select(Meeting)
        # The ARS is checked on the body joined for the card, not by a subquery of the ARS's bodies: one
        # relation fewer for PostgreSQL to plan (each run of these statements is planned for its values:
        # 1.3 → 0.5 ms of planning, the same reading).
        .join(Meeting.body)
        .where(
            Meeting.deleted_at.is_(None),
            in_organisation(user, Body.organisation_id),
            # one UNION of ids, each part read by its own index (an OR of the three is read row by row)
            Meeting.id.in_(union(*member_meeting_ids(user, on), convened, attended)),
        )
        .options(contains_eager(Meeting.body), *CARD_DETAILS)
    )


class MyMeetings(NamedTuple):
    """The statements of « Mes séances », built once for every account: building them and their cache keys
    cost 1.4 ms a page (of 7). The account and ``today`` are bind parameters (``account_parameters``), and
    ``now``: the upcoming meetings (not over), and the past ones, the latest first."""

    upcoming: Select
    past: Select


def _my_meetings_statements() -> MyMeetings:
    query = my_meetings(AccountParameters(staff=False), TODAY)
    now = bindparam("now")
    return MyMeetings(upcoming=query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at),
                      past=query.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc()))


MY_MEETINGS = _my_meetings_statements()


def my_meetings_parameters(user: User) -> dict:
    return {**account_parameters(user), "now": utc_now()}


def search_filters(*, body_id: int | None = None, start: date | None = None, end: date | None = None) -> dict:
    """The values of the search's filters (``search_meetings``): a body, a Paris date range (both ends
    included) as the bounds of ``starts_at``; None for a filter not given."""
    return {"body_id": body_id,
            "starts_from": None if start is None else paris_datetime(start, 0),
            "starts_before": None if end is None else paris_datetime(end + timedelta(days=1), 0)}


def search_meetings(user: User | AccountParameters, on=None, *, body_id=None, starts_from=None,
                    starts_before=None) -> Select:
    """Visible meetings filtered by ``search_filters`` (values, or bind parameters of those names)."""
    query = visible_meetings(user, on)
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    if starts_from is not None:
        query = query.where(Meeting.starts_at >= starts_from)
    if starts_before is not None:
        query = query.where(Meeting.starts_at < starts_before)
    return query


@lru_cache(maxsize=None)
def ranked_search(dialect: str, staff: bool, filtered: frozenset[str]) -> tuple[Select, Select]:
    """The statements of ``search_page`` for an account of a kind and the filters named in ``filtered``:
    a page of results (``page_of_matches``) and their number; built once (building them and their cache
    key cost 2 ms, a fifth of a search): the account, the filters, the words and the page are bind
    parameters (``account_parameters``, ``search_filters``, ``SEARCH_WORDS``, ``limit``, ``offset``).
    ``dialect`` keys the cache: the index differs by database."""
    account = AccountParameters(staff)
    query = search_meetings(account, TODAY, **{name: bindparam(name) for name in filtered})
    scope = query.with_only_columns(Meeting.id, Meeting.starts_at, record_readable(account).label("readable"))
    ranked = ranked_matches(scope, many_meetings=staff)  # staff search their whole ARS
    return page_of_matches(ranked), select(func.count()).select_from(ranked.subquery())


# The meetings of a page of search results, with what their cards show: built once, the page's ids its values.
RESULT_MEETINGS = select(Meeting).where(Meeting.id.in_(bindparam("ids", expanding=True))).options(*AGENDA_LOADING)


class RankedPage(Pagination):
    """A page of search results: the page's ids, in order, the number of results and the text of each
    meeting's best matching point came from one ranked query (``ranked_matches``); only the page's
    meetings are loaded."""

    def __init__(self, *, best_points: dict[int, str], **kwargs):
        self.best_points = best_points  # {meeting id: text of its best matching point}
        super().__init__(**kwargs)

    def _query_items(self) -> list[Meeting]:
        ids = self._query_args["ids"]
        if not ids:
            return []
        loaded = {meeting.id: meeting for meeting in db.session.scalars(RESULT_MEETINGS, {"ids": ids}).unique()}
        return [loaded[meeting_id] for meeting_id in ids]

    def _query_count(self) -> int:
        return self._query_args["total"]


def search_page(user: User, *, text: str, page: int, per_page: int, **filters) -> Pagination:
    """One page of the visible meetings (``search_meetings``, ``filters`` of ``search_filters``): newest first
    without words; with words, those that hold them (full-text index) in the title, the context or a point
    of the tour de table the user may read (no draft minutes for members), best match first."""
    values = search_filters(**filters)
    if not text:
        query = search_meetings(user, **values).options(*AGENDA_LOADING)
        return db.paginate(query.order_by(Meeting.starts_at.desc(), Meeting.id.desc()),
                           page=page, per_page=per_page, error_out=False)
    words = search_words(text)
    if words is None:
        return RankedPage(page=page, per_page=per_page, error_out=False, ids=[], total=0, best_points={})
    filtered = {name: value for name, value in values.items() if value is not None}
    page_statement, count_statement = ranked_search(db.engine.dialect.name, user.is_staff, frozenset(filtered))
    parameters = {**account_parameters(user), **filtered, SEARCH_WORDS.key: words}
    page = max(page, 1)
    rows = db.session.execute(page_statement, {**parameters, "limit": per_page, "offset": (page - 1) * per_page}).all()
    if rows or page == 1:
        total = rows[0].total if rows else 0
    else:  # beyond the last page: the pagination still says how many there are
        total = db.session.scalar(count_statement, parameters)
    return RankedPage(page=page, per_page=per_page, error_out=False, ids=[row.meeting_id for row in rows],
                      total=total, best_points={row.meeting_id: row.point_text for row in rows if row.point_text})


def excerpts_for(results: Pagination, text: str) -> dict[int, Excerpt]:
    """One excerpt per meeting of ``results`` (a ``search_page``), its words of the question marked: from
    its best matching point of the tour de table the user may read, else from the context."""
    if not text:
        return {}
    points = getattr(results, "best_points", {})
    found: dict[int, Excerpt] = {}
    for meeting in results.items:
        passage = (meeting.id in points and highlight(points[meeting.id], text)) or highlight(meeting.context, text)
        if passage:
            found[meeting.id] = passage
    return found

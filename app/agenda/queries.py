"""Queries of the members' side: their meetings, and the search among visible meetings."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, false, func, select, union
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from app.agenda.fulltext import Excerpt, highlight, page_of_matches, ranked_matches
from app.extensions import db
from app.formatting import paris_datetime
from app.models import Attendance, Invitation, Meeting, User, utc_now
from app.permissions import member_body_ids, organisation_body_ids, record_readable, visible_meetings

# What a meeting card shows: its body and minutes joined to the meeting (one row each), its agenda by id.
AGENDA_LOADING = (joinedload(Meeting.body, innerjoin=True), joinedload(Meeting.minutes),
                  selectinload(Meeting.agenda_items))


def my_meetings(user: User) -> Select:
    """Meetings of the bodies where the user's person sits today, and those they are convened to or attended."""
    if user.person_id is None:
        return select(Meeting).where(false())
    convened = select(Invitation.meeting_id).where(Invitation.person_id == user.person_id)
    attended = select(Attendance.meeting_id).where(Attendance.person_id == user.person_id)
    return (
        select(Meeting)
        .where(
            Meeting.deleted_at.is_(None),
            Meeting.body_id.in_(organisation_body_ids(user)),
            # one UNION of ids, each part read by its own index (an OR of the three is read row by row)
            Meeting.id.in_(union(select(Meeting.id).where(Meeting.body_id.in_(member_body_ids(user))),
                                 convened, attended)),
        )
        .options(*AGENDA_LOADING)
    )


def upcoming(query: Select) -> list[Meeting]:
    return list(db.session.scalars(query.where(Meeting.ends_at >= utc_now()).order_by(Meeting.starts_at)))


def past(query: Select) -> Select:
    return query.where(Meeting.ends_at < utc_now()).order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def search_meetings(user: User, *, body_id: int | None = None, start: date | None = None,
                    end: date | None = None) -> Select:
    """Visible meetings filtered by body and Paris date range (both ends included)."""
    query = visible_meetings(user)
    if body_id is not None:
        query = query.where(Meeting.body_id == body_id)
    if start is not None:
        query = query.where(Meeting.starts_at >= paris_datetime(start, 0))
    if end is not None:
        query = query.where(Meeting.starts_at < paris_datetime(end + timedelta(days=1), 0))
    return query


class RankedPage(Pagination):
    """A page of search results: the page's ids, in order, the number of results and the text of each
    meeting's best matching point came from one ranked query (``ranked_matches``); only the page's
    meetings are loaded."""

    def __init__(self, *, best_points: dict[int, str], **kwargs):
        self.best_points = best_points  # {meeting id: text of its best matching point}
        super().__init__(**kwargs)

    def _query_items(self) -> list[Meeting]:
        ids = self._query_args["ids"]
        loaded = {meeting.id: meeting for meeting in
                  db.session.scalars(select(Meeting).where(Meeting.id.in_(ids)).options(*AGENDA_LOADING))}
        return [loaded[meeting_id] for meeting_id in ids]

    def _query_count(self) -> int:
        return self._query_args["total"]


def search_page(user: User, *, text: str, page: int, per_page: int, **filters) -> Pagination:
    """One page of the visible meetings (``search_meetings``): newest first without words; with words,
    those that hold them (full-text index) in the title, the context or a point of the tour de table the
    user may read (no draft minutes for members), best match first."""
    query = search_meetings(user, **filters)
    if not text:
        return db.paginate(query.options(*AGENDA_LOADING).order_by(Meeting.starts_at.desc(), Meeting.id.desc()),
                           page=page, per_page=per_page, error_out=False)
    scope = query.with_only_columns(Meeting.id, Meeting.starts_at, record_readable(user).label("readable"))
    ranked = ranked_matches(text, scope, many_meetings=user.is_staff)  # staff search their whole ARS
    if ranked is None:
        return RankedPage(page=page, per_page=per_page, error_out=False, ids=[], total=0, best_points={})
    page = max(page, 1)
    rows = db.session.execute(page_of_matches(ranked, per_page, (page - 1) * per_page)).all()
    if rows or page == 1:
        total = rows[0].total if rows else 0
    else:  # beyond the last page: the pagination still says how many there are
        total = db.session.scalar(select(func.count()).select_from(ranked.subquery()))
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

"""A page of a list and the number of all its rows, read by one statement.

``db.paginate`` runs two: the page's rows, then ``count(*)`` over the same filters, which on PostgreSQL
costs as much again (the upcoming échéances a user may see: 2.4 ms for the count beside 3.7 for the page,
national dataset). A window ``count(*) OVER ()`` beside each row gives the number with the page. It
computes every filtered row before the page is cut: use it where the list is sorted in full anyway and
stays small (a person's meetings, a body's, the upcoming échéances), not for the audit trail or the
directory of people, which an index reads in order and stops early.
"""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, func

from app.extensions import db


class CountedPagination(SelectPagination):
    """``SelectPagination`` whose rows carry the number of all rows. A page past the last one has no row
    to carry it: that page counts as ``db.paginate`` does."""

    def _query_items(self) -> list:
        select = self._query_args["select"].add_columns(func.count().over().label("rows_in_all"))
        rows = db.session.execute(select.limit(self.per_page).offset(self._query_offset)).unique().all()
        self._counted = rows[0][-1] if rows else (0 if self._query_offset == 0 else None)
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        return self._counted if self._counted is not None else super()._query_count()


def counted_page(select: Select, *, page: int, per_page: int) -> Pagination:
    """The page ``page`` of ``select`` (an ORM select of one entity) and the number of its rows, in one statement."""
    return CountedPagination(select=select, session=db.session(), page=page, per_page=per_page, error_out=False)

"""A page of a list and the number of all its rows, read by one statement.

``db.paginate`` runs two: the page's rows, then ``count(*)`` over the same filters, which on PostgreSQL
costs as much again (the upcoming échéances a user may see: 2.4 ms for the count beside 3.7 for the page,
national dataset). A window ``count(*) OVER ()`` beside each row gives the number with the page. It
computes every filtered row before the page is cut: use it where the list is sorted in full anyway and
stays small (a person's meetings, a body's, the upcoming échéances), not for the audit trail or the
directory of people, which an index reads in order and stops early.
"""
from __future__ import annotations

from functools import lru_cache

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import BigInteger, Select, bindparam, func, select
from sqlalchemy.orm import lazyload

from app.extensions import db


class CountedPagination(SelectPagination):
    """``SelectPagination`` whose rows carry the number of all rows. A page past the last one has no row
    to carry it: that page counts as ``db.paginate`` does. ``parameters``: the values of a statement built
    once with bind parameters, whose page (``paged_once``) is then built once too."""

    def _query_items(self) -> list:
        statement, parameters = self._query_args["select"], self._query_args["parameters"]
        if parameters is None:
            rows = db.session.execute(paged(statement, self.per_page, self._query_offset))
        else:
            rows = db.session.execute(paged_once(statement), {**parameters, PAGE_LIMIT.key: self.per_page,
                                                              PAGE_OFFSET.key: self._query_offset})
        rows = rows.unique().all()
        self._counted = rows[0][-1] if rows else (0 if self._query_offset == 0 else None)
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        statement, parameters = self._query_args["select"], self._query_args["parameters"]
        if parameters is None:
            return db.session.scalar(count_of(statement))
        return db.session.scalar(counted_once(statement), parameters)


# BIGINT: an absurd ?page= (up to the largest id) gives an offset beyond INTEGER, which PostgreSQL would refuse.
PAGE_LIMIT, PAGE_OFFSET = bindparam("page_limit", type_=BigInteger), bindparam("page_offset", type_=BigInteger)


def paged(statement: Select, limit, offset) -> Select:
    """``statement`` with the number of all its rows beside each, cut to a page."""
    return statement.add_columns(func.count().over().label("rows_in_all")).limit(limit).offset(offset)


def count_of(statement: Select) -> Select:
    """The number of ``statement``'s rows, as ``db.paginate`` counts them."""
    return select(func.count()).select_from(statement.options(lazyload("*")).order_by(None).subquery())


# The count of a statement built once, past its last page (« Mes séances », page 2 of a member's single page of
# past meetings): built once too, so that its cache key is not computed again on every such page.
counted_once = lru_cache(maxsize=32)(count_of)


@lru_cache(maxsize=32)
def paged_once(statement: Select) -> Select:
    """The page of a statement built once, its limit and offset bind parameters: built once too, and so its
    cache key is computed once (for « Mes séances », building and keying its statements cost 1.4 ms a page)."""
    return paged(statement, PAGE_LIMIT, PAGE_OFFSET)


def counted_page(select: Select, *, page: int, per_page: int, parameters: dict | None = None) -> Pagination:
    """The page ``page`` of ``select`` (an ORM select of one entity) and the number of its rows, in one
    statement; ``parameters``: the values of its bind parameters, for a statement built once."""
    return CountedPagination(select=select, session=db.session(), page=page, per_page=per_page, error_out=False,
                             parameters=parameters)

"""Count the SQL statements of a page, to prove it does not query once per row."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import InvalidRequestError

from app.extensions import db


def fresh_session() -> None:
    """Requests share the test's session: start each page from an empty identity map, as in production."""
    db.session.expunge_all()


@contextmanager
def _recorded(entry):
    """Collects ``entry(statement, parameters)`` of each SQL statement run inside the block."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(entry(statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def counted_queries():
    """Collects the SQL statements run inside the block."""
    return _recorded(lambda statement, parameters: statement)


def counted_statements_and_parameters():
    """Collects (statement, parameters as the driver got them) of each SQL statement run inside the block."""
    return _recorded(lambda statement, parameters: (statement, parameters))


def count_queries(client, url: str) -> int:
    """Statements run by one GET of ``url`` (which must answer 200)."""
    with counted_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@contextmanager
def counted_rows():
    """Collects the number of rows each ORM statement (queries, eager and lazy loads) reads inside
    the block: a list of (statement start, rows); ``sum(rows for _, rows in ...)`` is the total."""
    from sqlalchemy.orm import Session

    counts = []

    def record(state):
        try:
            frozen = state.invoke_statement().freeze()
        except InvalidRequestError:
            # An entity with its joined collections and more columns (a member's meeting page) is read unique, as
            # its caller must: run again so (it counts twice in ``counted_queries``).
            frozen = state.invoke_statement().unique().freeze()
        counts.append((str(state.statement)[:80], len(frozen.data)))
        return frozen()

    event.listen(Session, "do_orm_execute", record)
    try:
        yield counts
    finally:
        event.remove(Session, "do_orm_execute", record)


@contextmanager
def counted_objects():
    """Collects the class name of each mapped object built from a database row inside the block."""
    from collections import Counter

    built = Counter()

    def record(target, context):
        built[type(target).__name__] += 1

    event.listen(db.Model, "load", record, propagate=True)
    try:
        yield built
    finally:
        event.remove(db.Model, "load", record)

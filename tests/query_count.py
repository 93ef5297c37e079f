"""Count the SQL statements of a page, to prove it does not query once per row."""
from __future__ import annotations

from sqlalchemy import event

from app.extensions import db


def fresh_session() -> None:
    """Requests share the test's session: start each page from an empty identity map, as in production."""
    db.session.expunge_all()


def count_queries(client, url: str) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)

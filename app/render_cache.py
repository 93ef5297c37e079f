"""An in-process cache of whole responses of the most read pages, safe across app servers.

A cached response is served again only to the same session (user id and CSRF secret: the forms it
holds stay valid, nothing leaks between users), for the same URL, within the same minute (pages that
depend on the clock are at most a minute late), and while the data generation is unchanged: every
transaction that writes data replaces that token (``data_generation`` table, shared by every app
server through the database), so no page outlives a change of what it shows or of who may see it.
The cache is bounded in bytes (``RENDER_CACHE_MAX_BYTES``, 0 disables it) and holds nothing on disk.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict

from flask import Flask, current_app, g, request, session
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import DataGeneration

CACHED_ENDPOINTS = frozenset({
    "meetings.detail", "bodies.detail", "agenda.my_meetings", "deadlines.index",
    "calendar.feed", "calendar.meeting_ics", "documents.minutes_docx",
})
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class RenderCache:
    """Least-recently-used responses, bounded by the total size of their bodies; thread-safe."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple, tuple[list, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: tuple) -> tuple[list, bytes] | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, headers: list, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self.lock:
            previous = self.entries.pop(key, None)
            if previous is not None:
                self.size -= len(previous[1])
            self.entries[key] = (headers, body)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (_, evicted) = self.entries.popitem(last=False)
                self.size -= len(evicted)


def renew_generation(connection) -> None:
    """Give the data a new generation token (an upsert of row 1), in the writer's transaction."""
    table = DataGeneration.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(id=1, token=uuid.uuid4().hex)
    connection.execute(statement.on_conflict_do_update(index_elements=[table.c.id],
                                                       set_={"token": statement.excluded.token}))


def _renew_after_flush(session: Session, flush_context) -> None:
    renew_generation(session.connection())


def _renew_before_bulk_write(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        renew_generation(state.session.connection())


GENERATION_QUERY = select(DataGeneration.token).where(DataGeneration.id == 1)


def current_generation() -> str | None:
    """Read outside the ORM session, in autocommit: a cache hit costs one statement, no transaction."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.scalar(GENERATION_QUERY)


def _cache() -> RenderCache | None:
    return current_app.extensions.get("render_cache")


def _cache_key() -> tuple | None:
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS or "_flashes" in session:
        return None
    generation = current_generation()
    if generation is None:  # no write since the tables were created: nothing to key on yet
        return None
    # Flask-Login's id in the signed session, without loading the user: the response was produced for
    # that id under this generation, and deactivating or deleting an account is a write. The address
    # and browser are what Flask-Login's session protection compares with the session's own.
    return (generation, int(time.time() // 60), request.full_path, session.get("_user_id"), session.get("_id"),
            session.get("csrf_token"), request.headers.get("X-Forwarded-For", request.remote_addr),
            request.headers.get("User-Agent"))


def serve_from_cache():
    """Runs before every other ``before_request`` hook: a stored response already passed the access
    checks for this user and this generation of the data, so a hit skips loading the user."""
    cache = _cache()
    if cache is None:
        return None
    g.render_cache_key = key = _cache_key()
    entry = cache.get(key) if key is not None else None
    if entry is None:
        return None
    g.render_cache_key = None  # already stored
    headers, body = entry
    return current_app.response_class(body, status=200, headers=headers).make_conditional(request)


def store_in_cache(response):
    key = g.pop("render_cache_key", None)
    if key is None or response.status_code != 200 or session.modified or "Set-Cookie" in response.headers:
        return response
    response.direct_passthrough = False  # send_file: read the body once to keep it
    _cache().put(key, list(response.headers.items()), response.get_data())
    return response


def init_render_cache(app: Flask) -> None:
    max_bytes = int(app.config.get("RENDER_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES))
    if max_bytes <= 0:
        return
    app.extensions["render_cache"] = RenderCache(max_bytes)
    if not event.contains(Session, "after_flush", _renew_after_flush):
        event.listen(Session, "after_flush", _renew_after_flush)
        event.listen(Session, "do_orm_execute", _renew_before_bulk_write)
    app.before_request_funcs.setdefault(None, []).insert(0, serve_from_cache)
    app.after_request(store_in_cache)

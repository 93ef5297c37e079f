"""Database connections: checked only after a rest, not before every request; PostgreSQL's planner told
that random reads are cheap (``POSTGRES_RANDOM_PAGE_COST``), and how to plan prepared statements when
configured (``POSTGRES_PLAN_CACHE_MODE``), once per new connection; the reads of a page sent without
BEGIN and ROLLBACK (``DATABASE_READS_WITHOUT_TRANSACTION``); results in PostgreSQL's binary format
(``POSTGRES_BINARY_RESULTS``) and their columns described only when SQLAlchemy reads the description
(``RequestCursor``); SQLite's commits waiting for the disk at checkpoints only
(``SQLITE_SYNCHRONOUS``); compiled statements found by the identity of their cache key (``app.statement_cache``).

psycopg asks for results as text by default: a file (``bytea``) then travels as hexadecimal, twice its
size, decoded on arrival. In binary the server sends its bytes: a validated compte rendu of 36 kB reads
in 130 µs instead of 265 (loopback, one query), and its download costs 1.47 ms in process instead of
1.69 (the two settings taking turns). The pages of the mixed workload, mostly texts, numbers and dates,
gain nothing measurable (``bench/mix_costs.py --compare POSTGRES_BINARY_RESULTS=False``: 9.5 against
9.3 ms a request). The Python values are the same (``tests/test_request_costs.py``): the app stores no
type psycopg cannot read in binary (its enums are ``VARCHAR``). Only a request's statements ask for
binary: outside requests (migrations, the command line, background jobs) SQLAlchemy and Alembic read
PostgreSQL's catalogue, whose types psycopg reads only as text (``"char"``, ``int2vector``…).

psycopg prepares a statement on the server once a connection has sent it five times, and its ROLLBACK
forgets them all: with every request ending in a ROLLBACK, nothing stayed prepared. Without it, a page's
statements are parsed once per connection, and PostgreSQL may plan one for any values (a « generic
plan ») after five runs, when that plan looks as good: in the mixed benchmark, 21 % less time in the
database than planning each run (``force_custom_plan``). One statement had a generic plan 20 times slower,
the home page's upcoming meetings (``start_order_read_after_filtering`` in ``app/meetings/queries.py``).

SQLAlchemy's ``pool_pre_ping`` sends « SELECT 1 » each time a connection leaves the pool: one more round
trip to PostgreSQL on every request (bench/request_costs.py measures it). A connection that served a
request a moment ago is alive; one that rested in the pool may have been closed meanwhile (server
restarted, idle timeout of a proxy, failover): that one is pinged first, and replaced when dead. A server
that restarts while connections are in use costs at most one failed request per app process: SQLAlchemy
then drops every connection of the pool. SQLite (a file) needs no ping.

SQLite in WAL mode (app/__init__.py) waits for the disk at every commit by default (``synchronous=FULL``):
each write of a page then holds its worker for a flush of the disk, as long as the host's disk takes.
``SQLITE_SYNCHRONOUS`` (NORMAL by default, SQLite's own advice for WAL) flushes at each checkpoint
instead. A commit is still atomic and survives the app's crash; a power cut or a crash of the system may
undo the last commits since the previous checkpoint (never half of one, never the file's integrity). In
the mixed benchmark on SQLite (runs taking turns: NORMAL, FULL, FULL, NORMAL), NORMAL served 505 and 533
requests a second, FULL 410 and 443 (p95 49–53 against 64–67 ms).
"""
from __future__ import annotations

import re
import time
from collections.abc import Sequence
from functools import lru_cache

import psycopg
from flask import Flask, has_request_context, request
from psycopg import Column
from psycopg.pq import ExecStatus, Format
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from app.config import is_unset
from app.statement_cache import cache_statements_by_identity

RETURNED_AT = "seances_returned_at"
READING = "seances_reading"
READ_METHODS = frozenset({"GET", "HEAD"})
PLAN_CACHE_MODES = ("auto", "force_custom_plan", "force_generic_plan")
SQLITE_SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")
_READ = re.compile(r"\s*(SELECT|WITH)\b")
_WRITE_OR_LOCK = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|SHARE|LOCK)\b")  # FOR UPDATE, FOR SHARE too


@lru_cache(maxsize=1024)
def only_reads(statement: str) -> bool:
    """A statement that neither writes nor locks: a SELECT (or WITH) without INSERT, UPDATE, DELETE or
    FOR UPDATE / FOR SHARE. Keywords are upper case in SQLAlchemy's SQL, names lower case."""
    return _READ.match(statement) is not None and _WRITE_OR_LOCK.search(statement) is None


def read_requests_without_transaction(engine: Engine) -> None:
    """The connection of a GET or HEAD request sends its reads in autocommit: no BEGIN before the first
    and no ROLLBACK after the last, two round trips of the four a one-query page would pay. Under READ
    COMMITTED (PostgreSQL's default, which the app keeps) each statement of a transaction sees what was
    committed before it anyway: the reads see the same. The first statement that writes or locks (a GET
    that records a receipt, a SAVEPOINT) turns autocommit off before it is sent: from there on it is an
    ordinary transaction, which the session commits or rolls back as in any other request."""

    @event.listens_for(engine, "checkout")
    def reading(dbapi_connection, record, proxy):
        if has_request_context() and request.method in READ_METHODS:
            dbapi_connection.autocommit = True
            record.info[READING] = True

    @event.listens_for(engine, "before_cursor_execute")
    def before(connection, cursor, statement, parameters, context, executemany):
        if connection.info.get(READING) and not only_reads(statement):
            connection.connection.dbapi_connection.autocommit = False
            connection.info[READING] = False

    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection, record):
        if record.info.pop(READING, None) is not None:
            dbapi_connection.autocommit = False  # the pool rolled back whatever was begun: idle here


def ping_connections_after_rest(engine: Engine, seconds: float) -> None:
    """Ping a connection leaving ``engine``'s pool when it rested there ``seconds`` or more."""

    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection, record):
        record.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def leaving(dbapi_connection, record, proxy):
        returned_at = record.info.get(RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < seconds:
            return  # new, or used a moment ago
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as error:
            raise exc.DisconnectionError() from error  # the pool replaces it and tries again


def postgres_session_settings(config) -> dict[str, str]:
    """The planner settings each new PostgreSQL connection gets, from the app's config (None: the server's)."""
    settings = {}
    if not is_unset(config["POSTGRES_RANDOM_PAGE_COST"]):
        settings["random_page_cost"] = str(float(config["POSTGRES_RANDOM_PAGE_COST"]))
    mode = config["POSTGRES_PLAN_CACHE_MODE"]
    if not is_unset(mode):
        if mode not in PLAN_CACHE_MODES:  # at start-up, not as an error on every connection
            raise ValueError(f"POSTGRES_PLAN_CACHE_MODE : {mode!r} n'est pas l'un de {', '.join(PLAN_CACHE_MODES)}")
        settings["plan_cache_mode"] = mode
    return settings


def apply_session_settings(engine: Engine, settings: dict[str, str]) -> None:
    """``SET`` each of ``settings`` on each new PostgreSQL connection of ``engine``, in one round trip
    (session settings, outside any transaction, so a rollback never undoes them)."""
    commands = "; ".join(f"SET {name} = '{value}'" for name, value in settings.items())

    @event.listens_for(engine, "connect")
    def connected(dbapi_connection, record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.format = Format.TEXT  # several commands in one query: PostgreSQL's simple protocol, text only
        cursor.execute(commands)
        cursor.close()
        dbapi_connection.autocommit = autocommit


ROWS_CAME = frozenset({ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK})


class DescribedWhenRead(Sequence):
    """A result's ``cursor.description``, whose ``Column`` objects are built the first time it is read.

    SQLAlchemy asks for the description after every execution, and reads it only when it holds no column
    metadata for the statement (it keeps that metadata with each compiled statement): most often it only
    checks that the description is not None. psycopg builds it anew at each call, one object per column with
    the column's name decoded and its type looked up (80 columns for a meeting's statement): 8 % of the
    samples of the mixed workload in process on PostgreSQL, 3 to 6 % of its CPU time (served by turns). The
    columns are those of the result this object was made from, whatever the cursor executes later (``Column``
    reads ``pgresult``, ``_encoding`` and ``adapters`` from what it is given)."""

    __slots__ = ("pgresult", "_cursor", "_columns")

    def __init__(self, cursor: psycopg.Cursor, result) -> None:
        self.pgresult = result
        self._cursor = cursor
        self._columns: list[Column] | None = None

    @property
    def _encoding(self) -> str:
        return self._cursor._encoding

    @property
    def adapters(self):
        return self._cursor.adapters

    def columns(self) -> list[Column]:
        if self._columns is None:
            self._columns = [Column(self, index) for index in range(self.pgresult.nfields)]
        return self._columns

    def __len__(self) -> int:
        return self.pgresult.nfields

    def __getitem__(self, index):
        return self.columns()[index]

    def __iter__(self):
        return iter(self.columns())

    def __repr__(self) -> str:
        return repr(self.columns())


class RequestCursor(psycopg.Cursor):
    """The cursor of a request's statements: its description is built when read (``DescribedWhenRead``)."""

    @property
    def description(self) -> DescribedWhenRead | None:
        result = self.pgresult
        if result is None or not (result.nfields or result.status in ROWS_CAME):  # psycopg's own test
            return None
        return DescribedWhenRead(self, result)


class BinaryResultsCursor(RequestCursor):
    """A request's cursor that asks for its results in binary (what ``connection.cursor(binary=True)`` does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.format = Format.BINARY


def request_cursors(engine: Engine, binary: bool) -> None:
    """The cursors of ``engine``'s connections while they serve a request: ``RequestCursor``, reading results in
    binary when ``binary``; psycopg's own cursor otherwise (migrations, the command line, jobs)."""
    factory = BinaryResultsCursor if binary else RequestCursor

    @event.listens_for(engine, "checkout")
    def leaving(dbapi_connection, record, proxy):
        dbapi_connection.cursor_factory = factory if has_request_context() else psycopg.Cursor


def sqlite_synchronous(config) -> str | None:
    """The ``PRAGMA synchronous`` of SQLite connections from the app's config (None: SQLite's own, FULL)."""
    level = config["SQLITE_SYNCHRONOUS"]
    if is_unset(level):
        return None
    level = str(level).upper()
    if level not in SQLITE_SYNCHRONOUS_LEVELS:  # at start-up, not as an error on every connection
        raise ValueError(f"SQLITE_SYNCHRONOUS : {level!r} n'est pas l'un de {', '.join(SQLITE_SYNCHRONOUS_LEVELS)}")
    return level


def apply_sqlite_synchronous(engine: Engine, level: str) -> None:
    """Each new SQLite connection of ``engine`` waits for the disk as ``level`` says (a connection's setting)."""

    @event.listens_for(engine, "connect")
    def connected(dbapi_connection, record):
        dbapi_connection.execute(f"PRAGMA synchronous={level}")


def init_pool(app: Flask) -> None:
    from app.extensions import db

    with app.app_context():
        cache_statements_by_identity(db.engine)
        if db.engine.dialect.name == "sqlite":
            level = sqlite_synchronous(app.config)
            if level is not None:
                apply_sqlite_synchronous(db.engine, level)
            return
        if app.config["DATABASE_READS_WITHOUT_TRANSACTION"]:  # first: the ping below then reads in autocommit
            read_requests_without_transaction(db.engine)
        request_cursors(db.engine, binary=bool(app.config["POSTGRES_BINARY_RESULTS"]))
        settings = postgres_session_settings(app.config)
        if settings:
            apply_session_settings(db.engine, settings)
        seconds = app.config["DATABASE_PING_AFTER_IDLE"]
        if seconds is not None and not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
            ping_connections_after_rest(db.engine, float(seconds))

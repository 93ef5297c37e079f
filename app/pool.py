"""Database connections: checked only after a rest, not before every request; PostgreSQL's planner told
that random reads are cheap (``POSTGRES_RANDOM_PAGE_COST``), once per new connection.

SQLAlchemy's ``pool_pre_ping`` sends « SELECT 1 » each time a connection leaves the pool: one more round
trip to PostgreSQL on every request (bench/request_costs.py measures it). A connection that served a
request a moment ago is alive; one that rested in the pool may have been closed meanwhile (server
restarted, idle timeout of a proxy, failover): that one is pinged first, and replaced when dead. A server
that restarts while connections are in use costs at most one failed request per app process: SQLAlchemy
then drops every connection of the pool. SQLite (a file) needs no ping.
"""
from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

RETURNED_AT = "seances_returned_at"


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


def set_random_page_cost(engine: Engine, cost: float) -> None:
    """``SET random_page_cost`` on each new PostgreSQL connection of ``engine`` (a session setting, outside
    any transaction, so a rollback never undoes it)."""

    @event.listens_for(engine, "connect")
    def connected(dbapi_connection, record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET random_page_cost = {float(cost)}")
        cursor.close()
        dbapi_connection.autocommit = autocommit


def init_pool(app: Flask) -> None:
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            return
        cost = app.config["POSTGRES_RANDOM_PAGE_COST"]
        if cost not in (None, ""):
            set_random_page_cost(db.engine, float(cost))
        seconds = app.config["DATABASE_PING_AFTER_IDLE"]
        if seconds is not None and not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
            ping_connections_after_rest(db.engine, float(seconds))

"""Every benchmark run starts from the same data: the prepared dataset is kept aside and put back before the
next run (not part of the test suite). ``prepare.py`` restores at its start and saves at its end (so a
schema rebuilt or a dataset regenerated is what the next runs start from); ``mix_costs.py`` restores.

The mixed workload writes (points of the tour de table, échéances, validated comptes rendus, feed links): left
in place, they make every run's pages heavier than the last's (after five runs on SQLite, the deadlines page
called 29 % more Python functions, the feeds 24 %), and two runs one after the other compare the data, not the
code. ``save`` keeps a copy of the dataset beside it (SQLite: ``<file>.pristine``, through SQLite's backup;
PostgreSQL: a database ``<name>_pristine``, copied by the server as a template); ``restore`` replaces the
dataset by that copy, when there is one (the first preparation has none).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def _sqlite_paths(url) -> tuple[Path, Path]:
    dataset = Path(url.database)
    return dataset, dataset.with_name(dataset.name + ".pristine")


def _postgres(url):
    """An autocommit connection to the server's ``postgres`` database, and the names of both databases."""
    connection = psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                                 dbname="postgres", autocommit=True)
    return connection, url.database, f"{url.database}_pristine"


def _copy_database(connection, source: str, target: str) -> None:
    """``target`` becomes a copy of ``source`` (nobody may be connected to either: the runs are over)."""
    connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
    connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
        sql.Identifier(target), sql.Identifier(source)))


def copy_sqlite(source: Path, target: Path) -> None:
    """``target`` becomes a copy of the SQLite file ``source`` (through SQLite's backup: consistent even mid-write)."""
    target.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    reading, writing = sqlite3.connect(source), sqlite3.connect(target)
    try:
        reading.backup(writing)
    finally:
        reading.close()
        writing.close()


def save(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        dataset, pristine = _sqlite_paths(url)
        copy_sqlite(dataset, pristine)
        return
    connection, dataset, pristine = _postgres(url)
    with connection:
        _copy_database(connection, dataset, pristine)


def restore(database_url: str) -> bool:
    """Put the saved copy back; False when there is none."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        dataset, pristine = _sqlite_paths(url)
        if not pristine.exists():
            return False
        copy_sqlite(pristine, dataset)
        return True
    connection, dataset, pristine = _postgres(url)
    with connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (pristine,)).fetchone() is None:
            return False
        _copy_database(connection, pristine, dataset)
        return True

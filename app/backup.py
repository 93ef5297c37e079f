"""Consistent copies of the embedded SQLite database, taken while the app runs.

SQLite's online backup API copies a consistent snapshot page by page, even while other
connections write. PostgreSQL is backed up with its own tools (pg_dump; see the README).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the user (French)."""


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            "Cette commande sauvegarde la base SQLite intégrée. Pour PostgreSQL, utilisez pg_dump "
            "(voir le README)."
        )
    return Path(url.database)


def integrity_errors(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of a SQLite file: an empty list when the file is sound."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        connection.close()
    return [] if rows == ["ok"] else rows


def _copy(source: Path, target: Path) -> None:
    source_connection = sqlite3.connect(source)
    target_connection = sqlite3.connect(target)
    try:
        with target_connection:
            source_connection.backup(target_connection)
    finally:
        source_connection.close()
        target_connection.close()


def backup_database(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the SQLite database to ``target`` (never over an existing file)."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"La base {source} n'existe pas.")
    if target.exists():
        raise BackupError(f"Le fichier {target} existe déjà : choisissez un autre nom.")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    errors = integrity_errors(target)
    if errors:
        target.unlink()
        raise BackupError("La copie est corrompue : " + "; ".join(errors[:3]))
    return target


def restore_database(database_url: str, backup: Path) -> None:
    """Replace the SQLite database by the content of ``backup`` after checking the backup is sound."""
    target = sqlite_path(database_url)
    if not backup.exists():
        raise BackupError(f"Le fichier {backup} n'existe pas.")
    errors = integrity_errors(backup)
    if errors:
        raise BackupError("Cette sauvegarde est corrompue, rien n'a été restauré : " + "; ".join(errors[:3]))
    _copy(backup, target)

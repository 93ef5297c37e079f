"""Backups, restores and durability: nothing committed is lost, even when a process is killed."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.backup import integrity_errors
from app.extensions import db
from app.models import Organisation, Person

ROOT = Path(__file__).resolve().parent.parent


def is_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def sqlite_file(app) -> Path:
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def test_sigkill_in_a_burst_of_saves_loses_no_committed_record(app, app_context):
    organisation = Organisation(name="ARS Durabilité")
    db.session.add(organisation)
    db.session.commit()
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY")}
    if "SQLALCHEMY_ENGINE_OPTIONS" in app.config:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    writer = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "helpers" / "writer.py"), str(organisation.id)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "SEANCES_TEST_CONFIG": json.dumps(config), "PYTHONPATH": str(ROOT)},
    )
    committed = []
    for line in writer.stdout:
        committed.append(int(line))
        if len(committed) == 150:
            writer.send_signal(signal.SIGKILL)
            break
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    db.session.expire_all()
    stored = set(db.session.scalars(select(Person.id).where(Person.organisation_id == organisation.id)))
    assert set(committed) <= stored
    assert len(stored) - len(committed) <= 1  # at most the save in flight when killed
    if is_sqlite(app):
        assert integrity_errors(sqlite_file(app)) == []


def test_backup_and_restore_of_the_sqlite_database(app, app_context, tmp_path):
    if not is_sqlite(app):
        pytest.skip("SQLite only; PostgreSQL is backed up with pg_dump")
    runner = app.test_cli_runner()
    db.session.add(Organisation(name="ARS Sauvegardée"))
    db.session.commit()
    target = tmp_path / "sauvegarde.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert integrity_errors(target) == []
    assert "existe déjà" in runner.invoke(args=["backup", str(target)]).output

    db.session.add(Organisation(name="ARS Après la sauvegarde"))
    db.session.commit()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    names = db.session.scalars(select(Organisation.name)).all()
    assert names == ["ARS Sauvegardée"]


def test_restore_refuses_a_corrupt_backup(app, app_context, tmp_path):
    if not is_sqlite(app):
        pytest.skip("SQLite only")
    db.session.add(Organisation(name="ARS Intacte"))
    db.session.commit()
    corrupt = tmp_path / "corrompue.sqlite"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4096)
    result = app.test_cli_runner().invoke(args=["restore", str(corrupt), "--yes"])
    assert result.exit_code != 0
    assert "rien n'a été restauré" in result.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_backup_on_postgresql_points_to_pg_dump():
    from app.backup import BackupError, sqlite_path

    with pytest.raises(BackupError, match="pg_dump"):
        sqlite_path("postgresql+psycopg://postgres@127.0.0.1/test")

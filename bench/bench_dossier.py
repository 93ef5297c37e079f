"""Memory of a 20 MB document going in and out of the dossier (prints figures; not part of the tests).

    .venv/bin/python bench/bench_dossier.py [--size-mb 20] [--database postgresql://postgres@127.0.0.1/test]

Builds a throwaway database (a temporary SQLite file, or a schema of its own in ``--database``, dropped
afterwards) with one meeting and a secretariat account, serves the app in a child process (Werkzeug,
one thread), then uploads a ``--size-mb`` PDF through the real upload form (the multipart body is
streamed from a file) and downloads it back, reading and discarding the body. The server's peak
resident memory (VmHWM, reset through /proc/<pid>/clear_refs before each step) is compared with its
resident memory before the step: streamed, the growth stays far below the file's size.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "mot-de-passe-du-banc-1"
EMAIL = "secretariat@banc.example.fr"
BOUNDARY = "----seances-bench-boundary"


def app_config(database: str | None, workdir: Path) -> tuple[dict, str | None]:
    """Config of the bench app, and the PostgreSQL schema to drop afterwards (None on SQLite)."""
    config = {"SECRET_KEY": "bench-secret", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    if database and database.startswith("postgres"):
        from sqlalchemy import create_engine, text

        from app.config import normalise_database_url

        url, schema = normalise_database_url(database), f"bench_dossier_{uuid.uuid4().hex[:8]}"
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        config.update(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={
            "pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}})
        return config, schema
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{workdir / 'bench.sqlite'}"
    return config, None


def seed(config: dict) -> int:
    """Tables, one ARS, body, meeting and secretariat account; returns the meeting id."""
    from app import create_app
    from app.extensions import db
    from app.formatting import paris_datetime
    from app.models import Body, BodyKind, Meeting, Organisation, Role, User, ensure_default_themes

    app = create_app(config)
    with app.app_context():
        db.create_all()
        ensure_default_themes()
        organisation = Organisation(name="ARS du banc d'essai", short_name="ARS")
        body = Body(organisation=organisation, kind=BodyKind.CTS, name="Conseil du banc", short_name="CTS")
        start = paris_datetime(date.today() + timedelta(days=30), 14)
        meeting = Meeting(body=body, title="Séance du banc", starts_at=start, ends_at=start + timedelta(hours=2))
        user = User(email=EMAIL, role=Role.SECRETARIAT, organisation=organisation)
        user.set_password(PASSWORD)
        db.session.add_all([meeting, user])
        db.session.commit()
        meeting_id = meeting.id
        db.session.remove()
        db.engine.dispose()
    return meeting_id


def serve(config_json: str, port: int) -> None:
    """The child process: the app on 127.0.0.1:``port``."""
    from werkzeug.serving import make_server

    from app import create_app

    make_server("127.0.0.1", port, create_app(json.loads(config_json)), threaded=False).serve_forever()


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(value.split()[0])
    return values


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def request(port: int, method: str, path: str, body=None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(method, path, body=body, headers=headers or {})
    return connection, connection.getresponse()


def log_in(port: int) -> str:
    form = f"email={EMAIL.replace('@', '%40')}&password={PASSWORD}"
    connection, response = request(port, "POST", "/login", form,
                                    {"Content-Type": "application/x-www-form-urlencoded"})
    response.read()
    connection.close()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    assert response.status == 302, f"login failed ({response.status})"
    return cookie


def multipart_file(workdir: Path, size: int) -> tuple[Path, str]:
    """The upload's body on disk (a PDF of ``size`` bytes) and its file's sha256."""
    path, digest = workdir / "body.multipart", hashlib.sha256()
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nDossier volumineux\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"annexe.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    with path.open("wb") as out:
        out.write(head)
        written, piece = 0, b"%PDF-1.4\n"
        while written < size:
            chunk = (piece + os.urandom(min(1024 * 1024, size - written - len(piece))))[: size - written]
            out.write(chunk)
            digest.update(chunk)
            written += len(chunk)
            piece = b""
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path, digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=20)
    parser.add_argument("--database", help="a PostgreSQL URL (a schema of its own is created and dropped)")
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve[0], int(arguments.serve[1]))
        return
    size = arguments.size_mb * 1024 * 1024
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        config, schema = app_config(arguments.database, workdir)
        try:
            run(config, workdir, size)
        finally:
            if schema:
                from sqlalchemy import create_engine, text

                engine = create_engine(config["SQLALCHEMY_DATABASE_URI"])
                with engine.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                engine.dispose()


def run(config: dict, workdir: Path, size: int) -> None:
    from sqlalchemy.engine import make_url

    meeting_id = seed(config)
    from tests.smtp_server import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", json.dumps(config), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                cookie = log_in(port)
                break
            except (ConnectionError, OSError):
                time.sleep(0.1)
        else:
            raise SystemExit("the bench server did not start")
        headers = {"Cookie": cookie}
        connection, response = request(port, "GET", f"/meetings/{meeting_id}/dossier", headers=headers)
        response.read()  # warm-up: templates, imports
        body, digest = multipart_file(workdir, size)

        before = memory(server.pid)
        reset_peak(server.pid)
        started = time.perf_counter()
        with body.open("rb") as stream:
            connection, response = request(port, "POST", f"/meetings/{meeting_id}/dossier", stream, {
                **headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": str(body.stat().st_size)})
            response.read()
        upload_seconds = time.perf_counter() - started
        assert response.status == 302, f"upload refused ({response.status})"
        upload_peak = memory(server.pid)["VmHWM"]

        version_id = 1
        before_download = memory(server.pid)
        reset_peak(server.pid)
        started, received, check = time.perf_counter(), 0, hashlib.sha256()
        connection, response = request(port, "GET", f"/dossier/versions/{version_id}", headers=headers)
        while piece := response.read(256 * 1024):
            received += len(piece)
            check.update(piece)
        download_seconds = time.perf_counter() - started
        assert response.status == 200 and check.hexdigest() == digest, "the file did not come back whole"
        download_peak = memory(server.pid)["VmHWM"]
    finally:
        server.terminate()
        server.wait()

    megabytes = size / (1024 * 1024)
    print(f"Base : {make_url(config['SQLALCHEMY_DATABASE_URI']).get_backend_name()} — fichier de {megabytes:.0f} Mo")
    for step, seconds, start, peak in (("envoi", upload_seconds, before["VmRSS"], upload_peak),
                                       ("téléchargement", download_seconds, before_download["VmRSS"], download_peak)):
        growth = (peak - start) / 1024
        verdict = "en flux" if growth < megabytes / 2 else "CHARGÉ EN MÉMOIRE"
        print(f"{step:>15} : {seconds:6.2f} s, mémoire résidente {start / 1024:6.1f} Mo → pic {peak / 1024:6.1f} Mo "
              f"(+{growth:5.1f} Mo) — {verdict}")


if __name__ == "__main__":
    main()

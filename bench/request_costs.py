"""What every request pays before its page's own work, in process (not part of the test suite).

    DATABASE_URL=… .venv/bin/python bench/request_costs.py [--requests 2000] [--profile page]

On the benchmark dataset (``bench/prepare.py``, same DATABASE_URL), with Flask's test client, one
request after the other, each in its own app context and database session as over HTTP: the bare
route, the bare route with a session cookie, the smallest logged-in page (``/_bench/page``: the user
loaded, the base template), a validated compte rendu, and the same answered 304 by its ETag. Prints the
mean time (best of ``--rounds``), the mean CPU time of this process (what the machine's other work does
not inflate; on PostgreSQL the server's own time is not in it), the Python function calls (the same from
run to run, whatever the load) and the SQL statements of each; ``--profile LABEL`` runs that one under cProfile and prints
where its time goes.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "banc-d-essai-2026"
STAFF_EMAIL = "banc-secretariat@exemple.fr"


def frozen_minutes_url(email: str) -> str:
    """A validated compte rendu of the account's ARS (one is validated if none is)."""
    from sqlalchemy import select

    from app.documents.workflow import validate_minutes
    from app.extensions import db
    from app.loadgen import BENCHMARK_BODY_NAME
    from app.meetings.queries import load_meeting_for_display
    from app.models import Body, Meeting, MeetingStatus, Minutes, User

    user = db.session.scalar(select(User).where(User.email == email))
    in_ars = (select(Meeting.id).join(Body, Body.id == Meeting.body_id)
              .where(Body.organisation_id == user.organisation_id, Body.name != BENCHMARK_BODY_NAME,
                     Meeting.deleted_at.is_(None)))
    meeting_id = db.session.scalar(in_ars.join(Minutes, Minutes.meeting_id == Meeting.id)
                                   .where(Minutes.document.is_not(None)).limit(1))
    if meeting_id is None:
        meeting_id = db.session.scalar(in_ars.where(Meeting.status == MeetingStatus.HELD).order_by(Meeting.id).limit(1))
        validate_minutes(load_meeting_for_display(meeting_id), user)
        db.session.commit()
    return f"/meetings/{meeting_id}/minutes.docx"


def python_calls(client, url: str, headers: dict, requests: int = 50) -> float:
    """Python function calls per request: unlike times, the same whatever else the machine does."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        client.get(url, headers=headers)
    profile.disable()
    return pstats.Stats(profile).total_calls / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="the best of this many rounds is printed")
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of one request of each")
    parser.add_argument("--profile", help="label of the request to profile (ping, ping+cookie, page, minutes, 304)")
    arguments = parser.parse_args()

    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app({"BENCHMARK_ROUTES": True, "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "100000 per minute"})
    with app.app_context():
        minutes_url = frozen_minutes_url(STAFF_EMAIL)
        db.session.remove()
    anonymous, staff = app.test_client(), app.test_client()
    assert staff.post("/login", data={"email": STAFF_EMAIL, "password": PASSWORD}).status_code == 302
    etag = staff.get(minutes_url).headers["ETag"]
    requests = {
        "ping": (anonymous, "/_bench/ping", {}, 200),
        "ping+cookie": (staff, "/_bench/ping", {}, 200),
        "page": (staff, "/_bench/page", {}, 200),
        "minutes": (staff, minutes_url, {}, 200),
        "304": (staff, minutes_url, {"If-None-Match": etag}, 304),
    }
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    print(f"{'requête':12} {'µs/requête':>11} {'µs de CPU':>11} {'appels Python':>15} {'requêtes SQL':>13}   "
          f"({arguments.requests} requêtes, "
          f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    for label, (client, url, headers, status) in requests.items():
        for _ in range(20):  # warm up: templates compiled, connections in the pool
            assert client.get(url, headers=headers).status_code == status, (label, url)
        profile = cProfile.Profile() if label == arguments.profile else None
        best = best_cpu = float("inf")
        for _ in range(arguments.rounds):  # the best round: the one the machine's other work disturbed least
            statements.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            if profile:
                profile.enable()
            for _ in range(arguments.requests):
                client.get(url, headers=headers)
            if profile:
                profile.disable()
            best = min(best, time.perf_counter() - started)
            best_cpu = min(best_cpu, time.process_time() - started_cpu)
        queries = len(statements) / arguments.requests
        print(f"{label:12} {best / arguments.requests * 1e6:11.0f} {best_cpu / arguments.requests * 1e6:11.0f} "
              f"{python_calls(client, url, headers):15.0f} {queries:13.1f}")
        if arguments.sql:
            per_request = len(statements) // arguments.requests
            print("".join(f"    {statement[:160]}\n" for statement in statements[:per_request]), end="")
        if profile:
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()

"""Load the running app with wrk and print the benchmark table (run by bench/run.sh).

Logs in (session cookie), checks each URL answers 200 with that cookie, then runs wrk on each for
``--duration`` seconds and prints requests/s, p50/p95/p99 and the ratio to the bare route. Then
times a body feed of 500 events over HTTP, and the compte rendu build against python-docx's
fastest plain-document path.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# One browser: Flask-Login's session protection ties the session to the user agent.
USER_AGENT = "seances-bench"
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_documents import median_seconds, plain_document  # noqa: E402  (after the path set-up)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def session_cookie(base: str, email: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode()
    opener.open(f"{base}/login", data=data)
    # The login starts a new session; the first page adds its CSRF token to the cookie, as a browser keeps
    # it. Without that token every page would sign a new one, and every post would be refused (not saved).
    opener.open(f"{base}/")
    cookie = next((c for c in jar if c.name == "session"), None)
    if cookie is None:
        raise SystemExit(f"connexion impossible pour {email}")
    return f"session={cookie.value}"


def fetch(url: str, cookie: str | None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def run_wrk(url: str, cookie: str | None, duration: int, connections: int) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(BENCH / "report.lua"),
               "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    fields = next(line for line in output.splitlines() if line.startswith("RESULT")).split()[1:]
    requests, seconds = int(fields[0]), float(fields[1])
    errors = sum(int(value) for value in fields[2:7])
    p50, p95, p99 = (int(value) / 1000 for value in fields[7:10])
    return {"rps": requests / seconds, "requests": requests, "errors": errors, "p50": p50, "p95": p95, "p99": p99}


def uncached_feed(token: str, runs: int = 9) -> tuple[int, float, float]:
    """The whole request of a feed (queries, events, .ics) : its true cost.
    Returns the event count, the first request (no event serialized yet in this process) and the
    median of the next ones (events unchanged since: their serialized lines are reused)."""
    import time

    from app import create_app
    from app.calendar.builders import serialized_event

    client = create_app({"BENCHMARK_ROUTES": True}).test_client()
    assert client.get("/_bench/ping").status_code == 200  # the app's own first-request set-up is not the feed's cost
    serialized_event.cache_clear()
    started = time.perf_counter()
    response = client.get(f"/feeds/{token}.ics")
    first = time.perf_counter() - started
    assert response.status_code == 200
    events = response.get_data().count(b"BEGIN:VEVENT")
    return events, first, median_seconds(lambda: client.get(f"/feeds/{token}.ics"), runs)


def uncached_app():
    """The app in this process, for what each request really costs."""
    from app import create_app

    return create_app({"WTF_CSRF_ENABLED": False})


def logged_in_client(app, who: str | None, data: dict):
    client = app.test_client()
    if who:
        client.post("/login", data={"email": data[who], "password": data["password"]})
    return client


# psycopg prepares a statement on the server at its fifth run on a connection, and PostgreSQL plans the first
# five runs of a prepared statement for their values before it settles on a generic plan: on a new connection a
# page's first ten requests pay parsing and planning (a member's ordinary meeting page at national scale: 17–26 ms,
# then 10–11.5 ms). A gunicorn worker keeps its connection for thousands of requests, and the mixed workload
# counts its first requests too: the single pages are timed in that steady state, after ``WARM_UP`` requests
# (on SQLite these change nothing).
WARM_UP = 12


def steady_page_times(pages: dict[str, tuple], runs: int) -> dict[str, float]:
    """Median time of ``runs`` requests of each page (label: (client, path)) after ``WARM_UP`` ones, each answered
    200. The pages take turns, one request each: a slow spell of a shared host then costs every page one slow
    request, not one page all of its own."""
    for client, path in pages.values():
        for _ in range(WARM_UP):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
    times: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(runs):
        for label, (client, path) in pages.items():
            started = time.perf_counter()
            response = client.get(path)
            times[label].append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
    return {label: statistics.median(measured) for label, measured in times.items()}


def uncached_page_times(paths: dict[str, tuple[str, str | None]], data: dict, runs: int = 5) -> dict[str, float]:
    """Median time of each page rebuilt on every request in this process (``steady_page_times``)."""
    app = uncached_app()
    # No app context around the requests: each request has its own, hence its own database session, as
    # over HTTP (a shared one kept the user and the pages' rows in its identity map: 7.6 ms for
    # « Mes séances » that takes 66 ms over HTTP).
    return steady_page_times({label: (logged_in_client(app, who, data), path) for label, (path, who) in paths.items()},
                             runs)


MEETING_PAGE_TARGETS = {  # label: (dataset key of the meeting, account, target in seconds)
    "page de séance de référence (150 présents, 300 points)": ("meeting_id", "staff", 0.025),
    "page de séance ordinaire (60 présents)": ("ordinary_meeting_id", "ordinary_staff", 0.010),
}


def meeting_page_targets(data: dict, runs: int = 21) -> int:
    """Prints the meeting pages' in-process times (median of ``runs``, each request with its own context
    and session) against their targets, with the machine's load; returns the number missed."""
    pages = {label: (f"/meetings/{data[key]}", who) for label, (key, who, _) in MEETING_PAGE_TARGETS.items()}
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"] * 3
    print(f"\nPages de séance en processus (médiane de {runs} après {WARM_UP} de mise en route, sans cache ; "
          f"charge de la machine : {' '.join(load)}) :")
    missed = 0
    for label, seconds in uncached_page_times(pages, data, runs).items():
        target = MEETING_PAGE_TARGETS[label][2]
        missed += seconds > target
        print(f"  {label:55} {seconds * 1000:7.1f} ms — cible ≤ {target * 1000:.0f} ms "
              f"{'ok' if seconds <= target else 'MANQUÉ'}")
    return missed


BIG_TABLES = ("attendance", "round_table_point", "meeting", "deadline", "invitation")
MANY_ROWS = 2_000  # below this, PostgreSQL rightly prefers reading the whole table


# A filter on a subquery PostgreSQL could not make a join nor hash once: it runs again for each row (« hashed
# SubPlan » is read once). The person feed's UNION of meetings ran once per meeting of the window this way.
CORRELATED_SUBPLAN = re.compile(r"\(SubPlan \d+\)")


def plan_warnings(paths: dict[str, tuple[str, str | None]], data: dict) -> list[str]:
    """PostgreSQL only: EXPLAIN every statement the pages run and list the
    sequential scans of the big tables (once they hold ``MANY_ROWS`` rows, after ANALYZE): those
    would grow with the history; and the subqueries run again for each row (``CORRELATED_SUBPLAN``)."""
    from sqlalchemy import event

    from app.extensions import db

    app = uncached_app()
    found = []
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return found
        for label, (path, who) in paths.items():
            client = logged_in_client(app, who, data)
            statements = []
            record = lambda conn, cursor, statement, parameters, context, many: statements.append((statement, parameters))
            event.listen(db.engine, "before_cursor_execute", record)
            try:
                assert client.get(path).status_code == 200, path
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
            with db.engine.connect() as connection:
                rows = dict(connection.exec_driver_sql(
                    "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%(tables)s)", {"tables": list(BIG_TABLES)}).all())
                big = [table for table in BIG_TABLES if rows.get(table, 0) >= MANY_ROWS]
                for statement, parameters in statements:
                    if not statement.lstrip().upper().startswith("SELECT"):
                        continue
                    plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
                    for table in big:
                        if f"Seq Scan on {table} " in plan + " ":
                            found.append(f"{label} : parcours séquentiel de {table}\n{statement[:300]}")
                    if CORRELATED_SUBPLAN.search(plan):
                        found.append(f"{label} : sous-requête relancée pour chaque ligne\n{statement[:300]}")
    return found


def minutes_against_python_docx(meeting_id: int, runs: int = 5) -> tuple[float, float, int, int]:
    """Build time of the compte rendu (loaded once) and of python-docx's fastest plain document of
    the same size; both include saving the .docx."""
    from app import create_app
    from app.documents.minutes import build_minutes
    from app.documents.word import document_bytes
    from app.meetings.queries import load_meeting_for_display

    with create_app().app_context():
        meeting = load_meeting_for_display(meeting_id)
        document = build_minutes(meeting, draft=True)
        paragraphs, rows = len(document.paragraphs), sum(len(table.rows) for table in document.tables)
        built = median_seconds(lambda: document_bytes(build_minutes(meeting, draft=True)), runs)
    fastest = median_seconds(lambda: plain_document(paragraphs, rows, public_cells=False), runs)
    return built, fastest, paragraphs, rows


def pdf_conversion_seconds(meeting_id: int) -> float | None:
    """LibreOffice's time to convert the reference compte rendu to PDF (the work a background job
    does; the request asking for the PDF returns at once with a queue). None without LibreOffice."""
    import time

    from app import create_app
    from app.documents.pdf import convert_to_pdf, pdf_available
    from app.documents.queries import load_meeting_for_minutes
    from app.documents.workflow import minutes_file

    with create_app().app_context():
        if not pdf_available():
            return None
        content = minutes_file(load_meeting_for_minutes(meeting_id))
        start = time.perf_counter()
        convert_to_pdf(content)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--dataset", required=True, help="JSON line printed by prepare.py")
    parser.add_argument("--meeting-pages", action="store_true",
                        help="only the meeting pages in process (no server needed; DATABASE_URL as prepare.py's)")
    arguments = parser.parse_args()
    data = json.loads(arguments.dataset)
    if arguments.meeting_pages:
        sys.exit(1 if meeting_page_targets(data) else 0)
    base = arguments.base
    staff = session_cookie(base, data["staff"], data["password"])
    member = session_cookie(base, data["member"], data["password"])
    targets = [
        ("route nue /_bench/ping (référence)", "/_bench/ping", None, None),
        ("page de séance (150 présents, 300 points)", f"/meetings/{data['meeting_id']}", staff, 0.20),
        ("page d'instance", f"/bodies/{data['body_id']}", staff, 0.30),
        ("« Mes séances » (membre)", "/mes-seances", member, 0.30),
        ("flux .ics d'instance", f"/feeds/{data['feed_token']}.ics", None, 0.30),
        ("compte rendu .docx", f"/meetings/{data['meeting_id']}/minutes.docx", staff, 0.30),
    ]
    for label, path, cookie, _ in targets:
        status, _body = fetch(base + path, cookie)
        if status != 200:
            raise SystemExit(f"{label} : {path} répond {status} au lieu de 200")

    results = []
    for label, path, cookie, target in targets:
        print(f"  wrk {arguments.duration} s : {label}…", file=sys.stderr)
        results.append((label, target, run_wrk(base + path, cookie, arguments.duration, arguments.connections)))
    baseline = results[0][2]["rps"]
    print(f"\n{'Page':45} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'erreurs':>8} {'ratio':>7} {'cible':>6}")
    failures = 0
    for label, target, result in results:
        ratio = result["rps"] / baseline
        verdict = "" if target is None else ("ok" if ratio >= target else "MANQUÉ")
        failures += result["errors"] + (verdict == "MANQUÉ")
        print(f"{label:45} {result['rps']:8.0f} {result['p50']:8.1f} {result['p95']:8.1f} {result['p99']:8.1f} "
              f"{result['errors']:8d} {ratio:7.0%} {'' if target is None else f'≥{target:.0%}':>6} {verdict}")

    events, first_seconds, feed_seconds = uncached_feed(data["feed_500_token"])
    feed_ok = feed_seconds <= 0.1
    print(f"\nFlux de {events} événements, (requête complète) : {feed_seconds * 1000:.1f} ms "
          f"(médiane, événements déjà sérialisés par ce processus) — cible ≤ 100 ms {'ok' if feed_ok else 'MANQUÉ'} ; "
          f"première requête, chaque événement à sérialiser : {first_seconds * 1000:.1f} ms")
    built, fastest, paragraphs, rows = minutes_against_python_docx(data["meeting_id"])
    minutes_ok = built <= 2 * fastest
    print(f"Compte rendu ({paragraphs} paragraphes, {rows} lignes) : {built * 1000:.1f} ms ; python-docx, chemin "
          f"le plus rapide : {fastest * 1000:.1f} ms ; rapport {built / fastest:.2f} — cible ≤ 2 "
          f"{'ok' if minutes_ok else 'MANQUÉ'}")
    failures += (not feed_ok) + (not minutes_ok)
    pdf_seconds = pdf_conversion_seconds(data["meeting_id"])
    print("Conversion PDF du compte rendu (LibreOffice, en tâche de fond) : "
          + ("LibreOffice absent" if pdf_seconds is None else f"{pdf_seconds * 1000:.0f} ms"))
    pages = {label: (path, who) for label, path, who in [
        ("page de séance", f"/meetings/{data['meeting_id']}", "staff"),
        ("page d'instance", f"/bodies/{data['body_id']}", "staff"),
        ("« Mes séances »", "/mes-seances", "member"),
        ("échéances", "/deadlines", "member"),
        ("flux .ics", f"/feeds/{data['feed_token']}.ics", None),
        ("flux .ics personnel", f"/feeds/{data['person_feed_token']}.ics", None),
        ("compte rendu", f"/meetings/{data['meeting_id']}/minutes.docx", "staff"),
    ]}
    print("\nEn processus (médiane, pour information) :")
    for label, seconds in uncached_page_times(pages, data).items():
        print(f"  {label:25} {seconds * 1000:8.1f} ms")
    failures += meeting_page_targets(data)
    warnings = plan_warnings(pages, data)
    if warnings:
        print("\nEXPLAIN (PostgreSQL) :\n" + "\n".join(warnings))
    elif "postgresql" in os.environ.get("DATABASE_URL", ""):
        print("\nEXPLAIN (PostgreSQL) : aucun parcours séquentiel des grandes tables, aucune sous-requête relancée "
              "pour chaque ligne.")
    failures += len(warnings)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

"""Mixed workload of real use (run by ``bench/run.sh --mixed``): many sessions, thousands of URLs, writes.

1. In process, on the benchmark dataset: accounts of several ARS (secretariat) and members, validated
   comptes rendus, feed links; the list of requests each account makes (``requests.tsv``).
2. Over HTTP against the running app: logs every account in, takes a CSRF token per staff session,
   then wrk (``mixed.lua``) plays the requests in random order with ``--connections`` connections:
   meeting pages, body pages, « Mes séances », deadlines, searches, feeds, calendar files, documents,
   and about 5 % writes (points of the tour de table, échéances). The bare route is measured in the
   same run, the two taking turns (``--rounds``); the CPU time the gunicorn workers (and PostgreSQL's
   processes) use during the mix, and the peak memory of each worker, are read from /proc.
3. Single-request times: « Mes séances » and the meeting page over HTTP one at a time against the same
   server, and in process (each request with a fresh session, as a new request has); the search in
   process.
Prints every target with « ok » or « MANQUÉ »; exits 1 when one is missed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from measure import WARM_UP, fetch, run_wrk, session_cookie, steady_page_times  # noqa: E402

PASSWORD = "banc-d-essai-2026"
STAFF_PER_ARS = 4
MEMBERS_PER_ARS = 6
ARS_COUNT = 6
SEARCH_WORDS = ["hôpitaux", "télémédecine", "urgences", "santé mentale", "prévention", "parcours", "handicap",
                "personnes âgées", "vaccination", "démographie médicale", "xylophonie"]
MIX = {  # share of the requests of each kind (writes about 5 %)
    "meeting": 30, "body": 10, "mes-seances": 10, "deadlines": 8, "search": 10, "feed": 10, "ics": 5,
    "minutes-frozen": 8, "minutes-draft": 2, "roundtable": 2, "write-point": 3, "write-deadline": 2,
}


@dataclass
class Account:
    email: str
    staff: bool
    urls: dict[str, list[str]] = field(default_factory=dict)
    writes: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)
    cookie: str = ""
    csrf: str = ""


def prepare_accounts(seed: int = 7) -> list[Account]:
    """Accounts of ``ARS_COUNT`` ARS and what each of them opens (in process, on DATABASE_URL)."""
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.calendar.feeds import regenerate_body_feed_link
    from app.calendar.queries import body_feed_link
    from app.calendar.sequence import new_feed_token
    from app.documents.workflow import minutes_are_frozen, validate_minutes
    from app.extensions import db
    from app.meetings.queries import load_meeting_for_display
    from app.permissions import mandate_gives_access
    from app.models import (Body, Meeting, MeetingStatus, Membership, Minutes, MinutesStatus, Organisation, Person,
                            Role, RoundTableSection, utc_now)

    rng = random.Random(seed)
    accounts = []
    with create_app().app_context():
        password_hash = generate_password_hash(PASSWORD)
        organisations = db.session.scalars(
            select(Organisation).join(Body, Body.organisation_id == Organisation.id)
            .join(Meeting, Meeting.body_id == Body.id).group_by(Organisation.id)
            .having(func.count(Meeting.id) > 50).order_by(Organisation.id).limit(ARS_COUNT)).all()
        for org_index, organisation in enumerate(organisations):
            bodies = db.session.scalars(select(Body).where(Body.organisation_id == organisation.id)).all()
            body_ids = [body.id for body in bodies]
            meetings = db.session.execute(select(Meeting.id, Meeting.body_id, Meeting.status, Meeting.starts_at)
                                          .where(Meeting.body_id.in_(body_ids), Meeting.deleted_at.is_(None))).all()
            meeting_ids = [row.id for row in meetings]
            # Only a meeting that took place has a compte rendu to validate (issue 17).
            held = [row.id for row in meetings if row.status is not MeetingStatus.CANCELLED
                    and (row.status is MeetingStatus.HELD or row.starts_at <= utc_now())]
            sections = dict(db.session.execute(
                select(RoundTableSection.meeting_id, func.min(RoundTableSection.id))
                .where(RoundTableSection.meeting_id.in_(meeting_ids)).group_by(RoundTableSection.meeting_id)).all())
            staff_users = [user_account(f"banc-mixte-{org_index}-secretariat-{n}@exemple.fr", Role.SECRETARIAT,
                                        organisation, password_hash) for n in range(STAFF_PER_ARS)]
            # Those held long ago have theirs validated and published already (app/loadgen.py): the downloads
            # are of those; a dataset with fewer has some validated here.
            validated = set(db.session.scalars(select(Minutes.meeting_id).where(
                Minutes.meeting_id.in_(meeting_ids), Minutes.status != MinutesStatus.DRAFT)))
            frozen = rng.sample(sorted(validated), 12) if len(validated) >= 12 else rng.sample(held, 12)
            for meeting_id in frozen:
                meeting = load_meeting_for_display(meeting_id)
                if not minutes_are_frozen(meeting):
                    validate_minutes(meeting, staff_users[0])
            db.session.commit()
            # Their meetings refuse changes (409): the tour de table is written in the others (the recent and
            # upcoming ones: a few per ARS at scale 0.1, hence drawn with replacement).
            validated.update(frozen)
            editable = [meeting_id for meeting_id in meeting_ids
                        if meeting_id in sections and meeting_id not in validated]
            feeds = []
            for body in rng.sample(bodies, 6):
                link = body_feed_link(body, staff_users[0]) or regenerate_body_feed_link(body, staff_users[0], None)
                feeds.append(f"/feeds/{link.token}.ics")
            db.session.commit()
            for user in staff_users:
                account = Account(user.email, True)
                account.urls = {
                    "meeting": [f"/meetings/{i}" for i in rng.sample(meeting_ids, 150)],
                    "body": [f"/bodies/{i}" for i in body_ids],
                    "mes-seances": ["/"],
                    "deadlines": ["/deadlines", "/deadlines?page=2"],
                    "search": search_urls(rng),
                    "feed": feeds,
                    "ics": [f"/meetings/{i}.ics" for i in rng.sample(meeting_ids, 40)],
                    "minutes-frozen": [f"/meetings/{i}/minutes.docx" for i in frozen],
                    "minutes-draft": [f"/meetings/{i}/minutes.docx" for i in rng.choices(editable, k=20)],
                    "roundtable": [f"/meetings/{i}/round-table" for i in rng.choices(editable, k=20)],
                }
                targets = rng.choices(editable, k=30)
                account.writes = {
                    "write-point": [(f"/meetings/{i}/round-table/sections/{sections[i]}/points",
                                     {f"section-{sections[i]}-text": "Point ajouté pendant le banc d'essai",
                                      f"section-{sections[i]}-parent": "", f"section-{sections[i]}-speaker": ""})
                                    for i in targets],
                    "write-deadline": [(f"/meetings/{i}/deadlines/due-date",
                                        {"butoir-title": "Retour des contributions (banc d'essai)",
                                         "butoir-day": "2027-03-15", "butoir-at": ""}) for i in targets],
                }
                accounts.append(account)
            memberships = db.session.scalars(
                select(Membership).join(Person, Person.id == Membership.person_id)
                # Seats that open their body today: a member whose mandate ended sees none of its meetings.
                .where(Membership.body_id.in_(body_ids), Person.deleted_at.is_(None),
                       mandate_gives_access(date.today()))
                .order_by(Membership.id).limit(400)).all()
            for n, membership in enumerate(rng.sample(memberships, MEMBERS_PER_ARS)):
                person = membership.person
                user = user_account(f"banc-mixte-{org_index}-membre-{n}@exemple.fr", Role.MEMBER, organisation,
                                    password_hash, person)
                person.feed_token = person.feed_token or new_feed_token()
                db.session.commit()
                own = [row.id for row in meetings if row.body_id == membership.body_id]
                account = Account(user.email, False)
                account.urls = {
                    "meeting": [f"/meetings/{i}" for i in rng.sample(own, min(60, len(own)))],
                    "body": [f"/bodies/{membership.body_id}"],
                    "mes-seances": ["/mes-seances", "/mes-seances?page=2"],
                    "deadlines": ["/deadlines"],
                    "search": search_urls(rng),
                    "feed": [f"/feeds/{person.feed_token}.ics"],
                    "ics": [f"/meetings/{i}.ics" for i in rng.sample(own, min(20, len(own)))],
                }
                accounts.append(account)
    return accounts


def user_account(email, role, organisation, password_hash, person=None):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, role=role, organisation=organisation, person=person, password_hash=password_hash)
        db.session.add(user)
    elif person is not None and user.person_id != person.id:
        # Kept from an earlier run: it takes the person drawn this time (the URLs are those of their body),
        # whom another account of an earlier run may hold (one account per person).
        for other in db.session.scalars(select(User).where(User.person_id == person.id)):
            other.person = None
        db.session.flush()
        user.person = person
    db.session.commit()
    return user


def search_urls(rng) -> list[str]:
    urls = [f"/recherche?{urllib.parse.urlencode({'texte': word})}" for word in SEARCH_WORDS]
    return urls + [url + "&page=2" for url in rng.sample(urls, 3)]


def log_in(base: str, account: Account) -> None:
    account.cookie = session_cookie(base, account.email, PASSWORD)
    if account.staff:
        meeting_page = account.urls["roundtable"][0]
        status, page = fetch(base + meeting_page, account.cookie)
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or not found:
            raise SystemExit(f"jeton CSRF introuvable pour {account.email} sur {meeting_page} ({status})")
        account.csrf = found.group(1).decode()


def request_lines(accounts: list[Account], count: int, seed: int = 11) -> list[str]:
    """``count`` requests: kind drawn by ``MIX``, then an account that makes it, then URL; one per line:
    method, path, cookie, body, tab-separated."""
    rng = random.Random(seed)
    kinds, weights = zip(*MIX.items())
    lines = []
    having = {kind: [account for account in accounts if kind in account.urls or kind in account.writes]
              for kind in kinds}
    while len(lines) < count:
        kind = rng.choices(kinds, weights)[0]
        account = rng.choice(having[kind])
        if kind in account.urls:
            lines.append(f"GET\t{rng.choice(account.urls[kind])}\t{account.cookie}\t")
        elif kind in account.writes:
            path, data = rng.choice(account.writes[kind])
            body = urllib.parse.urlencode({"csrf_token": account.csrf, **data})
            lines.append(f"POST\t{path}\t{account.cookie}\t{body}")
    return lines


def run_mixed(base: str, lines_file: Path, duration: int, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(BENCH / "mixed.lua"),
               base, "--", str(lines_file)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    fields = next(line for line in output.splitlines() if line.startswith("RESULT")).split()[1:]
    requests, seconds = int(fields[0]), float(fields[1])
    statuses = next((line for line in output.splitlines() if line.startswith("STATUS")), "STATUS").split()[1:]
    return {"rps": requests / seconds, "requests": requests, "errors": sum(int(value) for value in fields[2:7]),
            "p50": int(fields[7]) / 1000, "p95": int(fields[8]) / 1000, "p99": int(fields[9]) / 1000,
            "statuses": statuses}


def combined(slices: list[dict]) -> dict:
    """Several wrk runs of the same requests as one: throughput over their summed time, errors and statuses
    summed, the median run's p50 and the worst run's p95 and p99 (percentiles of separate runs do not add)."""
    seconds = sum(result["requests"] / result["rps"] for result in slices)
    statuses = defaultdict(int)
    for result in slices:
        for item in result.get("statuses", []):
            status, count = item.split(":")
            statuses[status] += int(count)
    return {"rps": sum(result["requests"] for result in slices) / seconds,
            "requests": sum(result["requests"] for result in slices),
            "errors": sum(result["errors"] for result in slices),
            "p50": statistics.median(result["p50"] for result in slices),
            "p95": max(result["p95"] for result in slices), "p99": max(result["p99"] for result in slices),
            "statuses": [f"{status}:{count}" for status, count in sorted(statuses.items())]}


def bare_and_mixed(base: str, lines_file: Path, duration: int, connections: int, rounds: int,
                   servers: dict[str, list[str]]):
    """The bare route and the mix taking turns, ``rounds`` times (a third of the mix's time for the bare
    route): on a machine whose speed drifts within a minute (the disk's flushes, the host's other guests),
    the ratio then compares the two under the same conditions, not the first ten seconds with the next
    thirty. Returns both combined, each round's ratio, and the CPU seconds each group of ``servers`` used
    during the mix's slices."""
    bare_slices, mixed_slices = [], []
    cpu = dict.fromkeys(servers, 0.0)
    for _ in range(rounds):
        bare_slices.append(run_wrk(base + "/_bench/ping", None, max(1, duration // 3 // rounds), connections))
        before = {group: process_cpu(pids) for group, pids in servers.items()}
        mixed_slices.append(run_mixed(base, lines_file, max(1, duration // rounds), connections))
        for group, pids in servers.items():
            cpu[group] += sum(used - before[group].get(pid, 0.0) for pid, used in process_cpu(pids).items())
    ratios = [mixed["rps"] / bare["rps"] for bare, mixed in zip(bare_slices, mixed_slices)]
    return combined(bare_slices), combined(mixed_slices), ratios, cpu


def server_processes(master_pid: int, postgresql: bool) -> dict[str, list[str]]:
    """The gunicorn workers and, on PostgreSQL, the database server's processes (its backends among them)."""
    def pgrep(*arguments: str) -> list[str]:
        return subprocess.run(["pgrep", *arguments], capture_output=True, text=True).stdout.split()

    servers = {"workers": pgrep("-P", str(master_pid))}
    if postgresql:
        servers["PostgreSQL"] = pgrep("-x", "postgres")
    return servers


def process_cpu(pids: list[str]) -> dict[str, float]:
    """CPU seconds (user and system) each of ``pids`` still running has used so far (/proc/PID/stat)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def public_minutes_url(frozen_url: str, email: str) -> str:
    """The public download of the validated compte rendu of ``frozen_url`` (/meetings/<id>/minutes.docx),
    published and put on the public page first by the account ``email`` if it is not there yet."""
    from sqlalchemy import select

    from app import create_app
    from app.documents.workflow import publish_minutes
    from app.extensions import db
    from app.meetings.queries import load_meeting_for_display
    from app.models import MinutesStatus, User, utc_now

    with create_app().app_context():
        meeting = load_meeting_for_display(int(frozen_url.split("/")[2]))
        if meeting.minutes.status is not MinutesStatus.PUBLISHED:
            publish_minutes(meeting, db.session.scalar(select(User).where(User.email == email)))
        if meeting.minutes.public_at is None or meeting.minutes.public_at < meeting.minutes.published_at:
            meeting.minutes.public_at = utc_now()
        db.session.commit()
        return f"/public/comptes-rendus/{meeting.minutes.id}.docx"


def written_rows() -> int:
    """Points and échéances in the database: the mixed run's writes, counted before and after it, prove that
    its posts were saved (a refused CSRF token also answers 302, saving nothing)."""
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Deadline, RoundTablePoint

    with create_app().app_context():
        return sum(db.session.scalar(select(func.count()).select_from(model)) for model in (RoundTablePoint, Deadline))


def peak_rss_mb(master_pid: int) -> list[float]:
    """VmHWM (peak resident memory) of each gunicorn worker."""
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return peaks


LARGE_DOCUMENT = 20 * 1024 * 1024
STATIC_COPY = "compte-rendu-valide.docx"  # a copy of a validated compte rendu, in --work-dir


def large_download_peaks(base: str, cookie: str, url: str, master_pid: int) -> tuple[list[float], list[float]]:
    """Peak memory of each worker before and after serving a 20 MB validated compte rendu (a few times, so
    that both workers serve it): the frozen file of ``url`` is swapped for 20 MB of bytes, then put back."""
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Minutes

    meeting_id = int(url.split("/")[2])
    app = create_app()
    with app.app_context():
        minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id))
        kept = minutes.document
        minutes.document = random.Random(3).randbytes(LARGE_DOCUMENT)
        db.session.commit()
        try:
            before = reset_peak_rss(master_pid)
            for _ in range(6):
                status, body = fetch(base + url, cookie)
                assert status == 200 and len(body) == LARGE_DOCUMENT, (status, len(body))
            after = peak_rss_mb(master_pid)
        finally:
            minutes.document = kept
            db.session.commit()
    return before, after


def reset_peak_rss(master_pid: int) -> list[float]:
    """Bring each worker's peak memory (VmHWM) down to its present resident memory (Linux: « 5 » written to
    /proc/PID/clear_refs), so that a later peak shows what happened since; returns the present memory."""
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    for pid in children:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    return peak_rss_mb(master_pid)


def http_one_at_a_time(base: str, path: str, cookie: str, runs: int = 15, workers: int = 2) -> float:
    """Median time of ``runs`` requests of ``path`` over HTTP, one at a time, after ``WARM_UP`` requests for each
    gunicorn worker (each has its own database connection: ``steady_page_times``)."""
    times = []
    for run in range(workers * WARM_UP + runs):
        started = time.perf_counter()
        status, _ = fetch(base + path, cookie)
        if run >= workers * WARM_UP:
            times.append(time.perf_counter() - started)
        assert status == 200, (path, status)
    return statistics.median(times)


def in_process(paths: dict[str, tuple[str, str]], runs: int = 15) -> dict[str, float]:
    """Median time of each page in process (``steady_page_times``), each request in a new session and a new app
    context (as a request over HTTP has: no identity map, no user kept from the previous request), with the
    process's settings of a gunicorn worker (``tune_process``, as ``wsgi_bench.py`` has them)."""
    from app import create_app
    from app.extensions import db
    from app.serving import tune_process

    app = create_app({"WTF_CSRF_ENABLED": False})
    tune_process(app)
    pages = {}
    for label, (path, email) in paths.items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        with app.app_context():
            db.session.remove()
        pages[label] = (client, path)
    return steady_page_times(pages, runs)


def machine_speed(runs: int = 5) -> float:
    """Median time of a fixed loop of pure Python: on a shared host whose speed drifts by half within minutes,
    what tells two runs' single-request times apart from the machine's."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MANQUÉ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5,
                        help="the bare route and the mix take turns this many times (--duration: the mix's total)")
    parser.add_argument("--dataset", required=True, help="JSON line printed by prepare.py")
    parser.add_argument("--gunicorn-pid", type=int, required=True)
    parser.add_argument("--work-dir", default="/tmp/seances-bench")
    arguments = parser.parse_args()
    data = json.loads(arguments.dataset)
    base = arguments.base

    print("  comptes et adresses…", file=sys.stderr)
    accounts = prepare_accounts()
    print(f"  connexion de {len(accounts)} sessions…", file=sys.stderr)
    for account in accounts:
        log_in(base, account)
    lines = request_lines(accounts, 20_000)
    lines_file = Path(arguments.work_dir) / "requests.tsv"
    lines_file.write_text("\n".join(lines) + "\n")
    distinct = len({line.split("\t")[1] for line in lines})
    writes = sum(line.startswith("POST") for line in lines) / len(lines)

    # A server in use has its caches warm (PostgreSQL's buffers, SQLite's pages, each worker's statements and
    # templates): the dataset put back by bench/dataset_copy.py has none. Not counted.
    print(f"  wrk {arguments.duration // 3 or 1} s : mise en route…", file=sys.stderr)
    run_mixed(base, lines_file, arguments.duration // 3 or 1, arguments.connections)
    print(f"  wrk : route nue et charge mixte ({arguments.duration} s), tour à tour en {arguments.rounds} fois…",
          file=sys.stderr)
    rows_before = written_rows()
    # Listed after the warm-up: the workers' connections to PostgreSQL are open by then.
    servers = server_processes(arguments.gunicorn_pid, os.environ["DATABASE_URL"].startswith("postgresql"))
    bare, mixed, round_ratios, server_cpu = bare_and_mixed(base, lines_file, arguments.duration,
                                                           arguments.connections, arguments.rounds, servers)
    saved = written_rows() - rows_before
    peaks = peak_rss_mb(arguments.gunicorn_pid)
    staff_account = next(account for account in accounts if account.staff)
    frozen_url = staff_account.urls["minutes-frozen"][0]
    print("  wrk : compte rendu validé…", file=sys.stderr)
    frozen = run_wrk(base + frozen_url, staff_account.cookie, max(3, arguments.duration // 6), arguments.connections)
    # The same compte rendu, published and put on the public page: the frozen path without an account.
    public_url = public_minutes_url(frozen_url, staff_account.email)
    print("  wrk : le même compte rendu, sur la page publique…", file=sys.stderr)
    public = run_wrk(base + public_url, None, max(3, arguments.duration // 6), arguments.connections)
    # The same bytes served as Flask serves a static file (no account, no database): what « a static file »
    # costs on this machine, the yardstick of the frozen compte rendu.
    status, frozen_bytes = fetch(base + frozen_url, staff_account.cookie)
    assert status == 200, status
    (Path(arguments.work_dir) / STATIC_COPY).write_bytes(frozen_bytes)
    print("  wrk : le même fichier servi comme un fichier statique…", file=sys.stderr)
    static = run_wrk(f"{base}/_bench/files/{STATIC_COPY}", None, max(3, arguments.duration // 6), arguments.connections)
    # The floor of any download that checks its account in the database: the same bytes from memory, after the
    # session and the account's query (the validated compte rendu adds its own query to these).
    print("  wrk : les mêmes octets à un compte vérifié (plancher)…", file=sys.stderr)
    floor = run_wrk(f"{base}/_bench/account-files/{STATIC_COPY}", staff_account.cookie,
                    max(3, arguments.duration // 6), arguments.connections)

    large_before, large_after = large_download_peaks(base, staff_account.cookie, frozen_url, arguments.gunicorn_pid)

    staff_cookie = session_cookie(base, data["staff"], data["password"])
    member_cookie = session_cookie(base, data["member"], data["password"])
    member_account = next(account for account in accounts if not account.staff)
    member_email, own_meeting = member_account.email, member_account.urls["meeting"][0]
    http_times = {
        "« Mes séances » (membre)": http_one_at_a_time(base, "/mes-seances", member_cookie),
        "page de séance de référence": http_one_at_a_time(base, f"/meetings/{data['meeting_id']}", staff_cookie),
        "page de séance ordinaire": http_one_at_a_time(base, own_meeting, member_account.cookie),
    }
    # The searches of a secretariat of an ARS of the dataset (1,400 meetings and 34,000 points at scale 1):
    # the benchmark's own account belongs to the small ARS of the reference meeting.
    machine_before = machine_speed()
    process_times = in_process({
        "« Mes séances » (membre)": ("/mes-seances", data["member"]),
        "page de séance de référence": (f"/meetings/{data['meeting_id']}", data["staff"]),
        "page de séance ordinaire": (own_meeting, member_email),
        "recherche « hôpitaux »": ("/recherche?texte=h%C3%B4pitaux", staff_account.email),
        "recherche sans résultat": ("/recherche?texte=xylophonie", staff_account.email),
        "recherche « santé mentale »": ("/recherche?texte=sant%C3%A9+mentale", staff_account.email),
    })
    machine_after = machine_speed()

    ratio = mixed["rps"] / bare["rps"]
    print(f"\nCharge mixte : {len(accounts)} sessions, {distinct} adresses différentes, {writes:.1%} d'écritures, "
          f"{arguments.connections} connexions, {arguments.duration} s")
    print(f"{'':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'erreurs':>8} {'ratio':>7}")
    for label, result in (("route nue /_bench/ping", bare), ("charge mixte", mixed), ("compte rendu validé", frozen),
                          ("le même, page publique (sans compte)", public),
                          (f"même fichier statique ({len(frozen_bytes) // 1024} ko)", static),
                          ("mêmes octets, compte vérifié", floor)):
        print(f"{label:34} {result['rps']:8.0f} {result['p50']:8.1f} {result['p95']:8.1f} {result['p99']:8.1f} "
              f"{result['errors']:8d} {result['rps'] / bare['rps']:7.1%}")
    print("ratio de la charge mixte à la route nue, tour par tour : "
          + " ".join(f"{ratio:.1%}" for ratio in round_ratios))
    # Where the server's time goes: the workers' Python, and on PostgreSQL the database server's own work.
    print("temps CPU du serveur par requête de la charge mixte : " + ", ".join(
        f"{group} {seconds / mixed['requests'] * 1000:.2f} ms" for group, seconds in server_cpu.items()))
    # What 10 % of the bare route leaves a request of the mix: every core of the machine (workers, database, wrk,
    # the kernel's network) shared by that many requests a second.
    cores = os.cpu_count() or 1
    budget = cores / (0.10 * bare["rps"]) * 1000
    used = sum(server_cpu.values()) / mixed["requests"] * 1000
    print(f"budget d'une requête de la charge mixte à 10 % de la route nue : {budget:.2f} ms de CPU "
          f"({cores} cœurs pour {0.10 * bare['rps']:.0f} req/s), tout compris ; "
          f"le serveur en prend {used:.2f} ms ({used / budget:.0%} du budget)")
    if mixed["statuses"]:
        print("réponses par statut (charge mixte) : " + " ".join(mixed["statuses"]))
    # Every post of the mix answers 302 once saved; every GET 200.
    posted = sum(int(item.split(":")[1]) for item in mixed["statuses"] if item.startswith("302:"))
    print(f"écritures enregistrées pendant la charge mixte : {saved} (posts répondus 302 : {posted})")
    print("mémoire maximale par worker : " + ", ".join(f"{peak:.0f} Mo" for peak in peaks))
    growth = max(after - before for before, after in zip(large_before, large_after))
    print("mémoire par worker avant / maximale pendant 6 téléchargements d'un compte rendu validé de 20 Mo : "
          + ", ".join(f"{before:.0f} / {after:.0f} Mo" for before, after in zip(large_before, large_after)))
    print(f"\nUne requête à la fois (HTTP, gunicorn) / en processus (nouvelle session à chaque requête, "
          f"après {WARM_UP} requêtes de mise en route) :")
    for label, seconds in process_times.items():
        over_http = http_times.get(label)
        print(f"  {label:32} {'' if over_http is None else f'{over_http * 1000:7.1f} ms HTTP':>15} "
              f"{seconds * 1000:7.1f} ms en processus")
    print(f"  (vitesse de la machine : la même boucle Python de référence en {machine_before * 1000:.0f} ms avant les "
          f"mesures en processus, {machine_after * 1000:.0f} ms après)")

    targets = [
        ("charge mixte ≥ 10 % de la route nue", ratio >= 0.10, f"{ratio:.1%}"),
        ("charge mixte p95 ≤ 150 ms", mixed["p95"] <= 150, f"{mixed['p95']:.0f} ms"),
        ("charge mixte sans erreur", mixed["errors"] == 0, str(mixed["errors"])),
        # A post still in flight when wrk stops (at the end of each round) may be saved without its answer
        # being counted.
        ("chaque écriture de la charge mixte enregistrée",
         0 < posted <= saved <= posted + arguments.connections * arguments.rounds,
         f"{saved}/{posted}"),
        ("compte rendu validé ≥ 50 % de la route nue", frozen["rps"] / bare["rps"] >= 0.5,
         f"{frozen['rps'] / bare['rps']:.0%}"),
        ("mémoire maximale par worker ≤ 250 Mo", max(peaks, default=0) <= 250, f"{max(peaks, default=0):.0f} Mo"),
        ("un fichier de 20 Mo n'ajoute pas sa taille (< 10 Mo)", growth < 10, f"+{growth:.0f} Mo"),
        ("page de séance de référence en processus ≤ 25 ms", process_times["page de séance de référence"] <= 0.025,
         f"{process_times['page de séance de référence'] * 1000:.1f} ms"),
        ("page de séance ordinaire en processus ≤ 10 ms", process_times["page de séance ordinaire"] <= 0.010,
         f"{process_times['page de séance ordinaire'] * 1000:.1f} ms"),
        ("recherche en processus ≤ 50 ms (la plus lente)",
         max(v for k, v in process_times.items() if k.startswith("recherche")) <= 0.050,
         f"{max(v for k, v in process_times.items() if k.startswith('recherche')) * 1000:.1f} ms"),
    ]
    print("\nCibles :")
    for label, ok, value in targets:
        print(f"  {label:52} {value:>10}  {verdict(ok)}")
    sys.exit(0 if all(ok for _, ok, _ in targets) else 1)


if __name__ == "__main__":
    main()

"""Where the mixed workload's server time goes, by kind of request, in process (not part of the test suite).

    DATABASE_URL=… .venv/bin/python bench/mix_costs.py [--requests 2000] [--calls] [--profile KIND|all]
        [--profile-file FILE] [--statements]

On the benchmark dataset (``bench/prepare.py``, same DATABASE_URL): the accounts and URLs of the mixed
workload (``bench/mixed.py``), each account logged in with Flask's test client, then ``--requests``
requests drawn by the same mix, one after the other (from the dataset as saved by ``bench/dataset_copy.py``:
the writes of the previous run undone), each in its own app context and database session
as over HTTP. Prints, for each kind, the number of requests, the mean and p95 time, the mean CPU time of
this process and its share of the whole: what to make faster first; with ``--calls``, the Python
function calls per request too (the same from run to run, whatever the machine's load). ``--profile KIND`` runs the
requests of that kind (or of every kind: ``all``) under cProfile and prints where their time goes.
``--statements`` times each SQL statement from its sending to its last row read (the database's share of
a request) and prints the heaviest, with the kinds of request that sent them. ``--compare SETTING=VALUE``
serves the same requests by a second app with that setting, the two apps taking turns by batches of 50,
and prints the time and CPU time of each: on a machine whose speed drifts by a fifth within minutes, two
runs one after the other compare the machine, not the setting.
"""
from __future__ import annotations

import argparse
import ast
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from dataset_copy import restore  # noqa: E402
from mixed import MIX, PASSWORD, prepare_accounts  # noqa: E402


def draw(accounts, count: int, seed: int = 11):
    """``count`` (kind, account, method, path, data) drawn as ``mixed.request_lines`` draws them."""
    rng = random.Random(seed)
    kinds, weights = zip(*MIX.items())
    having = {kind: [a for a in accounts if kind in a.urls or kind in a.writes] for kind in kinds}
    drawn = []
    while len(drawn) < count:
        kind = rng.choices(kinds, weights)[0]
        account = rng.choice(having[kind])
        if kind in account.urls:
            drawn.append((kind, account, "GET", rng.choice(account.urls[kind]), None))
        else:
            path, data = rng.choice(account.writes[kind])
            drawn.append((kind, account, "POST", path, data))
    return drawn


class StatementTimes:
    """Each statement's time, from its execution to the end of its result's reading (the cursor is
    fetched by then: SQLAlchemy buffers ORM results), summed by SQL text."""

    def __init__(self, app) -> None:
        from sqlalchemy import event

        from app.extensions import db
        self.kind = ""
        self.totals: dict[str, list] = defaultdict(lambda: [0.0, 0, set()])
        self.slowest: dict[str, tuple[float, object]] = {}  # each text's slowest execution and its parameters
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)

    def stop(self) -> None:
        """Record no more (``--calls`` serves the requests again, to count their Python calls)."""
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        text, seconds = " ".join(statement.split()), time.perf_counter() - conn.info.pop("bench_started")
        total = self.totals[text]
        total[0] += seconds
        if seconds > self.slowest.get(text, (0.0, None))[0]:
            self.slowest[text] = (seconds, parameters)
        total[1] += 1
        total[2].add(self.kind)

    def report(self, requests: int, shown: int = 15) -> None:
        overall = sum(total[0] for total in self.totals.values())
        print(f"\nInstructions SQL : {sum(total[1] for total in self.totals.values()) / requests:.1f} par requête, "
              f"{overall / requests * 1000:.2f} ms par requête dans la base ; les plus lourdes :")
        for text, (seconds, count, kinds) in sorted(self.totals.items(), key=lambda item: -item[1][0])[:shown]:
            print(f"  {seconds / overall:6.1%} {count:6d} × {seconds / count * 1000:6.2f} ms  "
                  f"[{', '.join(sorted(kinds))}]  {text[:150]}")
        heaviest = max(self.totals, key=lambda text: self.totals[text][0])
        seconds, parameters = self.slowest[heaviest]
        print(f"\nLa plus lourde en entier ; sa plus lente exécution ({seconds * 1000:.1f} ms) avait pour paramètres "
              f"{parameters!r} :\n{heaviest}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", help="a kind of request (meeting, search, …) to profile, or « all »")
    parser.add_argument("--profile-file", help="also save the profile there (for pstats, snakeviz…)")
    parser.add_argument("--calls", action="store_true",
                        help="also count the Python function calls per request of each kind (a second pass under "
                             "cProfile: unlike times, the same whatever else the machine does)")
    parser.add_argument("--compare", metavar="SETTING=VALUE",
                        help="serve the same requests by a second app with this setting, taking turns with the first")
    parser.add_argument("--statements", action="store_true",
                        help="time each SQL statement and print the heaviest (total time, count, kinds)")
    arguments = parser.parse_args()

    from app import create_app
    from app.serving import tune_process

    restore(os.environ["DATABASE_URL"])  # the dataset as prepare.py saved it: the last run's writes undone
    accounts = prepare_accounts()
    app = create_app({"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute"})
    tune_process(app)  # as a serving process (wsgi.py)
    clients = logged_in_clients(app, accounts)
    drawn = draw(accounts, arguments.requests)
    for kind, account, method, path, data in drawn[:50]:  # warm-up: imports, compiled templates, statements
        clients[account.email].open(path, method=method, data=data)

    if arguments.compare:
        compare(app, clients, accounts, drawn, arguments.compare)
        return
    wall, cpu, statuses = defaultdict(list), defaultdict(float), defaultdict(lambda: defaultdict(int))
    statements = StatementTimes(app) if arguments.statements else None
    profile = cProfile.Profile() if arguments.profile else None
    for kind, account, method, path, data in drawn:
        if profile and arguments.profile in (kind, "all"):
            profile.enable()
        if statements:
            statements.kind = kind
        started, started_cpu = time.perf_counter(), time.process_time()
        response = clients[account.email].open(path, method=method, data=data)
        response.close()
        wall[kind].append(time.perf_counter() - started)
        cpu[kind] += time.process_time() - started_cpu
        if profile:
            profile.disable()
        statuses[kind][response.status_code] += 1

    if statements:
        statements.stop()
    calls: dict[str, float] = {}
    if arguments.calls:
        counted = defaultdict(list)
        for kind, account, method, path, data in drawn:
            counted[kind].append((account, method, path, data))
        for kind, requests in counted.items():
            counter = cProfile.Profile()
            counter.enable()
            for account, method, path, data in requests:
                clients[account.email].open(path, method=method, data=data).close()
            counter.disable()
            calls[kind] = pstats.Stats(counter).total_calls / len(requests)

    total = sum(sum(times) for times in wall.values())
    print(f"{len(drawn)} requêtes en processus : {total:.1f} s, soit {len(drawn) / total:.0f} req/s "
          f"sur un cœur ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    print(f"{'type':16} {'nombre':>7} {'moy. ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'part':>6} "
          f"{'appels':>8}  statuts")
    for kind, times in sorted(wall.items(), key=lambda item: -sum(item[1])):
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        answers = " ".join(f"{status}:{n}" for status, n in sorted(statuses[kind].items()))
        print(f"{kind:16} {len(times):7d} {statistics.mean(times) * 1000:8.1f} {p95 * 1000:8.1f} "
              f"{cpu[kind] / len(times) * 1000:8.1f} {sum(times) / total:6.1%} "
              f"{calls.get(kind, 0):8.0f}  {answers}")
    if statements:
        statements.report(len(drawn))
    if profile:
        if arguments.profile_file:
            profile.dump_stats(arguments.profile_file)
        stats = pstats.Stats(profile).sort_stats("cumulative")
        stats.print_stats(r"/app/", 40)
        stats.sort_stats("tottime").print_stats(25)


def logged_in_clients(app, accounts) -> dict:
    """A test client of ``app`` per account, logged in."""
    from app.extensions import db

    clients = {}
    for account in accounts:
        client = app.test_client()
        response = client.post("/login", data={"email": account.email, "password": PASSWORD})
        assert response.status_code == 302, (account.email, response.status_code)
        clients[account.email] = client
        with app.app_context():
            db.session.remove()
    return clients


def compare(app, clients, accounts, drawn, setting: str, batch: int = 50) -> None:
    """``drawn`` served by ``app`` and by an app with ``setting`` (« NAME=VALUE », a Python literal or a
    text), taking turns by ``batch`` requests; prints each one's time and CPU time per request."""
    from app import create_app

    name, _, text = setting.partition("=")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = text
    other = create_app({"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute", name: value})
    sides = {"réglage par défaut": clients, setting: logged_in_clients(other, accounts)}
    for side in sides.values():  # warm-up of each app
        for kind, account, method, path, data in drawn[:50]:
            side[account.email].open(path, method=method, data=data).close()
    wall, cpu = defaultdict(float), defaultdict(float)
    for start in range(0, len(drawn), batch):
        for label, side in sides.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            for kind, account, method, path, data in drawn[start:start + batch]:
                side[account.email].open(path, method=method, data=data).close()
            wall[label] += time.perf_counter() - started
            cpu[label] += time.process_time() - started_cpu
    print(f"{len(drawn)} requêtes servies par chacune, à tour de rôle par {batch} "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}) :")
    for label in sides:
        print(f"  {label:40} {wall[label] / len(drawn) * 1000:6.2f} ms par requête, "
              f"{cpu[label] / len(drawn) * 1000:6.2f} ms de CPU, {len(drawn) / wall[label]:5.0f} req/s")


if __name__ == "__main__":
    main()

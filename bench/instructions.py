"""The instructions each kind of request of the mixed workload costs, counted by valgrind, for this working tree and
a commit side by side (not part of the test suite).

    .venv/bin/python bench/instructions.py [--against REF] [--requests 400]

Times drift on a shared host: the same code's workers used 5.2 to 6.4 ms of CPU a request in four runs of one
morning, and HTTP rounds of two versions taking turns still differ by ±15 %. Instructions do not: callgrind
counts what the process executes, whatever else the machine does (two runs of the same code: 0.2 % apart). They
are not time (a cache miss costs more than an instruction), but for Python code that runs the same data they
follow it closely, and they tell a 1 % change from none.

On the SQLite dataset of scale 0.1 (``bench/prepare.py``, made if missing), each version (this working tree, and
REF, by default HEAD, checked out in a git worktree) runs in its own process under ``valgrind --tool=callgrind``
on its own copy of the dataset, both at once (one per core): the accounts of the mixed workload logged in with
Flask's test client, 500 requests of warm-up, then ``--requests`` requests drawn as ``bench/mix_costs.py`` draws
them (the same for both: this tree's drawing), grouped by kind, counted from there on only (``--instr-atstart=no``
and ``callgrind_control``), one dump per kind. Prints the instructions per request of each kind and of the whole
mix for both versions, and the change. Python's hashing is seeded (``PYTHONHASHSEED=0``) so that sets and dicts
iterate alike. Both versions must run on the same schema. About 4 minutes for 400 requests.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WARM_UP = 500
TOTALS = re.compile(r"^totals:\s*(\d+)", re.MULTILINE)
TRIGGER = re.compile(r"^desc: Trigger: dump (\S+)", re.MULTILINE)


def count_in_this_process(code: Path, requests: int) -> None:
    """The child, under callgrind: ``code``'s app serves the drawn requests, a dump of the counts after each kind."""
    sys.path.insert(0, str(code))
    import app  # ``code``'s, first: the benchmark helpers below import it (its modules then come from there)
    assert Path(app.__file__).is_relative_to(code), app.__file__
    sys.path.insert(0, str(BENCH))  # this tree's helpers, so that both versions serve the same requests
    from dataset_copy import restore
    from mix_costs import draw, logged_in_clients
    from mixed import prepare_accounts

    from app import create_app
    from app.serving import tune_process

    restore(os.environ["DATABASE_URL"])
    accounts = prepare_accounts()
    app = create_app({"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute"})
    tune_process(app)
    clients = logged_in_clients(app, accounts)
    drawn = draw(accounts, WARM_UP + requests)
    by_kind = defaultdict(list)
    for kind, account, method, path, data in drawn[WARM_UP:]:
        by_kind[kind].append((account, method, path, data))

    def serve(account, method, path, data):
        clients[account.email].open(path, method=method, data=data).close()

    for _kind, account, method, path, data in drawn[:WARM_UP]:  # imports, compiled templates and statements
        serve(account, method, path, data)
    callgrind("--instr=on")
    for kind, kind_requests in by_kind.items():
        for request in kind_requests:
            serve(*request)
        callgrind(f"--dump={kind}:{len(kind_requests)}")
    callgrind("--instr=off")


def callgrind(option: str) -> None:
    subprocess.run(["callgrind_control", option, str(os.getpid())], check=True, capture_output=True)


def dataset_copy(dataset: Path, name: str) -> str:
    """A copy of the prepared dataset for one version (``restore`` puts it back from its ``.pristine``)."""
    from dataset_copy import copy_sqlite

    copy = dataset.with_name(f"{dataset.stem}-{name}.sqlite")
    copy_sqlite(dataset.with_name(dataset.name + ".pristine"), copy.with_name(copy.name + ".pristine"))
    return f"sqlite:///{copy}"


def start_count(code: Path, database_url: str, requests: int, out: Path) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url, "PYTHONHASHSEED": "0",
                   "SECRET_KEY": "banc-d-essai", "RATELIMIT_STORAGE_URI": "memory://"}
    for old in out.parent.glob(out.name + "*"):
        old.unlink()
    return subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         f"--log-file={out}.log", sys.executable, __file__, "--count", str(code), "--requests", str(requests)],
        env=environment, stdout=subprocess.DEVNULL)


def counts(out: Path) -> dict[str, tuple[int, int]]:
    """{kind: (requests, instructions)} of the dumps of one version."""
    found = {}
    for dump in sorted(out.parent.glob(out.name + ".*")):
        if dump.suffix == ".log":
            continue
        text = dump.read_text(errors="replace")
        trigger, totals = TRIGGER.search(text), TOTALS.search(text)
        if trigger and totals:
            kind, requests = trigger.group(1).rsplit(":", 1)
            found[kind] = (int(requests), int(totals.group(1)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", default="HEAD", help="the commit to compare with (HEAD by default)")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--count", type=Path, help=argparse.SUPPRESS)  # the child, under valgrind
    arguments = parser.parse_args()
    if arguments.count:
        count_in_this_process(arguments.count, arguments.requests)
        return
    if shutil.which("valgrind") is None:
        subprocess.run(["sudo", "-n", "apt-get", "install", "-y", "-q", "valgrind"] if os.geteuid() else
                       ["apt-get", "install", "-y", "-q", "valgrind"], check=True)

    work = Path(os.environ.get("BENCH_DATA_DIR", "/tmp/seances-bench"))
    work.mkdir(parents=True, exist_ok=True)
    dataset = work / "seances-0.1.sqlite"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{dataset}", "SECRET_KEY": "banc-d-essai",
                   "RATELIMIT_STORAGE_URI": "memory://"}
    print("Jeu de données (sqlite, échelle 0.1)…", file=sys.stderr)
    subprocess.run([sys.executable, str(BENCH / "prepare.py"), "--scale", "0.1"], env=environment, check=True,
                   stdout=subprocess.DEVNULL)
    sys.path.insert(0, str(BENCH))
    other_tree = work / "instructions-tree"
    subprocess.run(["git", "worktree", "remove", "--force", str(other_tree)], cwd=ROOT, capture_output=True)
    subprocess.run(["git", "worktree", "add", "--force", "--detach", str(other_tree), arguments.against], cwd=ROOT,
                   check=True, capture_output=True)
    short = subprocess.check_output(["git", "rev-parse", "--short", arguments.against], cwd=ROOT, text=True).strip()
    label = f"{arguments.against} ({short})"
    versions = {label: (other_tree, "ref"), "arbre de travail": (ROOT, "tree")}
    try:
        print(f"{arguments.requests} requêtes comptées par version sous callgrind (quelques minutes)…", file=sys.stderr)
        running = {name: start_count(code, dataset_copy(dataset, tag), arguments.requests,
                                     work / f"instructions-{tag}.out")
                   for name, (code, tag) in versions.items()}
        for name, process in running.items():
            if process.wait() != 0:
                sys.exit(f"{name} : échec, voir {work}/instructions-{versions[name][1]}.out.log")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(other_tree)], cwd=ROOT, capture_output=True)
    report({name: counts(work / f"instructions-{tag}.out") for name, (_code, tag) in versions.items()})


def report(results: dict[str, dict[str, tuple[int, int]]]) -> None:
    (reference, before), (_, after) = results.items()
    print(f"Instructions par requête (millions), {reference} puis l'arbre de travail :")
    print(f"{'type':16} {'nombre':>7} {'avant':>9} {'après':>9} {'écart':>8}")
    for kind, (requests, instructions) in sorted(before.items(), key=lambda item: -item[1][1]):
        now = after.get(kind, (requests, 0))[1]
        print(f"{kind:16} {requests:7d} {instructions / requests / 1e6:9.2f} {now / requests / 1e6:9.2f} "
              f"{(now - instructions) / instructions:+8.1%}")
    requests = sum(n for n, _ in before.values())
    total_before = sum(i for _, i in before.values())
    total_after = sum(i for _, i in after.values())
    print(f"{'mélange':16} {requests:7d} {total_before / requests / 1e6:9.2f} {total_after / requests / 1e6:9.2f} "
          f"{(total_after - total_before) / total_before:+8.1%}")


if __name__ == "__main__":
    main()

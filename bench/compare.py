"""Two versions of the code under the same mixed workload, taking turns (run by ``bench/run.sh --against REF``).

On these shared machines the same code's throughput drifts by a sixth within minutes (the Python loop of
``mixed.machine_speed`` takes 27 to 35 ms in one run): two runs of ``run.sh --mixed`` one after the other
compare the machine, not the code. Here two gunicorn servers, one per version, on the same dataset and the
same sessions (the cookies are signed with the same key), serve the mix of ``mixed.py`` by turns of a few
seconds, the order swapped every round; each turn's throughput and the CPU time per request of the workers (and on
PostgreSQL of the database's processes) are compared with the other version's turns beside it. The same commit
against itself (``--against HEAD`` with a clean tree) shows the noise left: on 7 December 2026, 10 turns of 6 s,
a median of −0.9 % and turns from −16 % to +12 %; 2 turns once said +13 %.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from mixed import log_in, prepare_accounts, process_cpu, request_lines, run_mixed, server_processes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", nargs=3, action="append", required=True, metavar=("LABEL", "BASE", "PID"),
                        help="a version: its label, its base URL and its gunicorn master's pid (twice)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--turn", type=int, default=6, help="seconds of each turn")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--work-dir", default="/tmp/seances-bench")
    arguments = parser.parse_args()
    servers = [(label, base, int(pid)) for label, base, pid in arguments.server]

    print("  comptes et adresses…", file=sys.stderr)
    accounts = prepare_accounts()
    for account in accounts:
        log_in(servers[0][1], account)
    lines_file = Path(arguments.work_dir) / "requests-compare.tsv"
    lines_file.write_text("\n".join(request_lines(accounts, 20_000)) + "\n")
    for _, base, _ in servers:  # each server's workers warm: statements, templates, PostgreSQL's buffers
        run_mixed(base, lines_file, arguments.turn, arguments.connections)
    postgresql = os.environ["DATABASE_URL"].startswith("postgresql")
    # Each version's workers; on PostgreSQL the database's processes too, shared by both servers but working for
    # one at a time: their CPU during a turn is that version's.
    processes = {label: server_processes(pid, postgresql) for label, _, pid in servers}

    rps = {label: [] for label, _, _ in servers}
    cpu = {label: defaultdict(list) for label, _, _ in servers}  # {label: {group: [ms a request, each turn]}}
    print(f"  {arguments.rounds} tours de {arguments.turn} s par version…", file=sys.stderr)
    for round_number in range(arguments.rounds):
        order = servers if round_number % 2 == 0 else servers[::-1]
        for label, base, _ in order:
            before = {group: process_cpu(pids) for group, pids in processes[label].items()}
            result = run_mixed(base, lines_file, arguments.turn, arguments.connections)
            if result["errors"]:
                raise SystemExit(f"{label} : {result['errors']} erreurs")
            rps[label].append(result["rps"])
            for group, pids in processes[label].items():
                used = sum(seconds - before[group].get(pid, 0.0) for pid, seconds in process_cpu(pids).items())
                cpu[label][group].append(used / result["requests"] * 1000)

    (first, *_), (second, *_) = servers
    groups = list(processes[first])
    print(f"\nCharge mixte, {arguments.rounds} tours de {arguments.turn} s par version, à tour de rôle :")
    print(f"{'':16} {'req/s':>8}" + "".join(f" {'CPU ms/req ' + group:>24}" for group in groups) + "   (médianes)")
    for label in rps:
        print(f"{label:16} {statistics.median(rps[label]):8.0f}"
              + "".join(f" {statistics.median(cpu[label][group]):24.2f}" for group in groups))
    gains = [b / a - 1 for a, b in zip(rps[first], rps[second])]
    totals = {label: [sum(turn) for turn in zip(*cpu[label].values())] for label in cpu}
    savings = [1 - b / a for a, b in zip(totals[first], totals[second])]
    print(f"débit de {second} par rapport à {first}, tour par tour : "
          + " ".join(f"{gain:+.1%}" for gain in gains) + f" (médiane {statistics.median(gains):+.1%} ; "
          f"plus rapide dans {sum(gain > 0 for gain in gains)} tours sur {len(gains)})")
    print(f"CPU par requête ({' + '.join(groups)}) épargné par {second}, tour par tour : "
          + " ".join(f"{saving:+.1%}" for saving in savings) + f" (médiane {statistics.median(savings):+.1%})")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Benchmark of Séances under load (not part of the test suite). See README, « Performances ».
#   bench/run.sh [--db sqlite|postgresql] [--scale 0.1] [--duration 10] [--connections 4] [--mixed]
#                [--against REF] [--rounds N]
# --mixed: the mixed workload of many sessions (bench/mixed.py; 16 connections and 30 s unless given).
# --against REF: the mixed workload served by turns by this working tree and by the commit REF (a second server,
#   from a git worktree of REF, on the same dataset): which of the two is faster (bench/compare.py).
# --rounds N: turns of the mixed workload (with the bare route, or with REF's server; 5 and 20 unless given).
# Generates the dataset once per engine and scale (reused afterwards), serves the app with gunicorn
# (2 workers) on 127.0.0.1, and measures it with wrk; prints a table of ratios to a bare route.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=sqlite SCALE=0.1 DURATION= CONNECTIONS= MIXED= AGAINST= ROUNDS=() PORT=${BENCH_PORT:-8765}
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --mixed) MIXED=1; shift ;;
    --against) AGAINST=$2; MIXED=1; shift 2 ;;
    --rounds) ROUNDS=(--rounds "$2"); shift 2 ;;
    *) echo "option inconnue : $1" >&2; exit 2 ;;
  esac
done
if [ -n "$MIXED" ]; then DURATION=${DURATION:-30} CONNECTIONS=${CONNECTIONS:-16}; else DURATION=${DURATION:-10} CONNECTIONS=${CONNECTIONS:-4}; fi
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
BIN=$(dirname "$PYTHON")

if ! command -v wrk >/dev/null; then
  echo "wrk absent : installation (apt-get install -y wrk)" >&2
  scripts/install-system-packages
fi

DATA_DIR=${BENCH_DATA_DIR:-/tmp/seances-bench}
export BENCH_DATA_DIR=$DATA_DIR  # bench/wsgi_bench.py serves its comparison files from there
mkdir -p "$DATA_DIR"
case "$DB" in
  sqlite) export DATABASE_URL="sqlite:///$DATA_DIR/seances-$SCALE.sqlite" ;;
  postgresql)
    PG=${BENCH_POSTGRES:-postgresql://postgres@127.0.0.1:5432}
    NAME=${BENCH_DATABASE:-seances_bench_${SCALE//./_}}
    psql "$PG/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$NAME'" | grep -q 1 \
      || psql "$PG/postgres" -qc "CREATE DATABASE $NAME"
    export DATABASE_URL="$PG/$NAME" ;;
  *) echo "--db sqlite ou postgresql" >&2; exit 2 ;;
esac
export SECRET_KEY=${SECRET_KEY:-banc-d-essai} RATELIMIT_STORAGE_URI=memory://

echo "Jeu de données ($DB, échelle $SCALE)…" >&2
# prepare.py puts back the dataset as prepared (what the last run wrote is undone: bench/dataset_copy.py).
DATASET=$("$PYTHON" bench/prepare.py --scale "$SCALE" | tail -n 1)

# BENCH_GUNICORN_OPTIONS: more gunicorn options to compare (e.g. "--threads 4"); 2 sync workers otherwise.
# shellcheck disable=SC2086
"$BIN/gunicorn" --workers 2 ${BENCH_GUNICORN_OPTIONS:-} --bind "127.0.0.1:$PORT" --log-level warning \
  --chdir bench wsgi_bench:app > "$DATA_DIR/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/_bench/ping" >/dev/null && break; sleep 0.2; done

if [ -n "$AGAINST" ]; then
  # The commit REF in a worktree of its own, served the same way on the next port (same dataset, same secret key).
  OTHER_TREE="$DATA_DIR/against-tree" OTHER_PORT=$((PORT + 1))
  git worktree remove --force "$OTHER_TREE" 2>/dev/null || true
  git worktree add --force --detach "$OTHER_TREE" "$AGAINST" >/dev/null
  "$BIN/gunicorn" --workers 2 ${BENCH_GUNICORN_OPTIONS:-} --bind "127.0.0.1:$OTHER_PORT" --log-level warning \
    --chdir "$OTHER_TREE/bench" wsgi_bench:app > "$DATA_DIR/gunicorn-against.log" 2>&1 &
  OTHER=$!
  stop_both() {
    kill "$GUNICORN" "$OTHER" 2>/dev/null; wait "$GUNICORN" "$OTHER" 2>/dev/null || true
    git worktree remove --force "$OTHER_TREE"
  }
  trap stop_both EXIT
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$OTHER_PORT/_bench/ping" >/dev/null && break; sleep 0.2; done
  echo "Comparaison : $AGAINST ($(git rev-parse --short "$AGAINST")) et l'arbre de travail ;" \
    "charge de la machine : $(uptime)" >&2
  "$PYTHON" bench/compare.py --server "$AGAINST" "http://127.0.0.1:$OTHER_PORT" "$OTHER" \
    --server "arbre de travail" "http://127.0.0.1:$PORT" "$GUNICORN" --connections "$CONNECTIONS" \
    --work-dir "$DATA_DIR" "${ROUNDS[@]}"
  exit $?
fi

if [ -n "$MIXED" ]; then
  echo "Charge mixte ($DURATION s, $CONNECTIONS connexions ; charge de la machine : $(uptime))" >&2
  "$PYTHON" bench/mixed.py --base "http://127.0.0.1:$PORT" --duration "$DURATION" --connections "$CONNECTIONS" \
    --dataset "$DATASET" --gunicorn-pid "$GUNICORN" --work-dir "$DATA_DIR" "${ROUNDS[@]}"
  exit $?
fi
echo "Mesures ($DURATION s par page, $CONNECTIONS connexions)…" >&2
"$PYTHON" bench/measure.py --base "http://127.0.0.1:$PORT" --duration "$DURATION" \
  --connections "$CONNECTIONS" --dataset "$DATASET"

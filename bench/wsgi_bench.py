"""The app as the benchmark serves it: the normal app plus the bare ``/_bench/ping`` baseline route; the
mixed workload logs dozens of accounts in from one address, so the login rate limit is raised; the files
it compares downloads with are served from ``BENCH_DATA_DIR``."""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.serving import tune_process  # noqa: E402

app = create_app({"BENCHMARK_ROUTES": True, "LOGIN_RATE_LIMIT": "1000 per minute",
                  "BENCHMARK_FILES": os.environ.get("BENCH_DATA_DIR", "/tmp/seances-bench")})
tune_process(app)  # as wsgi.py does

"""The app as the benchmark serves it: the normal app plus the bare ``/_bench/ping`` baseline route; the
mixed workload logs dozens of accounts in from one address, so the login rate limit is raised."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402

app = create_app({"BENCHMARK_ROUTES": True, "LOGIN_RATE_LIMIT": "1000 per minute"})

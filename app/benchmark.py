"""The bare route the benchmark compares every page with. Registered only when the config says
``BENCHMARK_ROUTES = True`` (the benchmark's own app), so it never exists in production."""
from __future__ import annotations

from flask import Flask


def ping() -> str:
    return "pong"


def register_benchmark_routes(app: Flask) -> None:
    app.add_url_rule("/_bench/ping", "bench_ping", ping)
    # Not in the permissions matrix (it does not exist elsewhere): declared public for this app only.
    app.config["EXTRA_PUBLIC_ENDPOINTS"] = ("bench_ping",)

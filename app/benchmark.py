"""The routes the benchmark compares every page with. Registered only when the config says
``BENCHMARK_ROUTES = True`` (the benchmark's own app), so they never exist in production.

- ``/_bench/ping``: the bare route (no template, no user), what Flask and gunicorn cost alone;
- ``/_bench/page``: the smallest logged-in page (the user loaded, the base template with its header and
  footer): what every page pays before its own content (``bench/request_costs.py``);
- ``/_bench/files/<name>``: a file of ``BENCHMARK_FILES`` served as Flask serves its static files, to
  compare a download with (``bench/mixed.py`` puts there a copy of a validated compte rendu);
- ``/_bench/account-files/<name>``: the same bytes, held in memory, to a logged-in account only: the least
  any download that checks its account in the database costs (the session, the account's query, the bytes),
  the floor of the validated compte rendu, which adds only its own query.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, abort, current_app, render_template, send_from_directory
from flask_login import login_required

from app.documents.word import DOCX_MIMETYPE

SMALLEST_PAGE = '{% extends "base.html" %}{% block content %}<p>Page minimale</p>{% endblock %}'


def ping() -> str:
    return "pong"


@login_required
def smallest_page() -> str:
    return render_template(current_app.extensions["bench_page"])  # compiled once, as a template file is


def bench_file(name: str):
    return send_from_directory(current_app.config["BENCHMARK_FILES"], name)


@login_required
def account_checked_file(name: str):
    """``name``'s bytes, read once per process, as a download."""
    held = current_app.extensions["bench_files"]
    if name not in held:
        path = Path(current_app.config["BENCHMARK_FILES"], Path(name).name)
        if not path.is_file():
            abort(404)
        held[name] = path.read_bytes()
    response = Response(held[name], mimetype=DOCX_MIMETYPE)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


def register_benchmark_routes(app: Flask) -> None:
    app.add_url_rule("/_bench/ping", "bench_ping", ping)
    app.add_url_rule("/_bench/page", "bench_page", smallest_page)
    app.add_url_rule("/_bench/files/<name>", "bench_file", bench_file)
    app.add_url_rule("/_bench/account-files/<name>", "bench_account_file", account_checked_file)
    app.extensions["bench_files"] = {}
    app.extensions["bench_page"] = app.jinja_env.from_string(SMALLEST_PAGE)
    # Not in the permissions matrix (they do not exist elsewhere): declared for this app only; the page
    # checks the login itself.
    app.config["EXTRA_PUBLIC_ENDPOINTS"] = ("bench_ping", "bench_page", "bench_file", "bench_account_file")

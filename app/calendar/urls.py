"""Absolute URLs built from ``BASE_URL``, so that files and e-mails made outside a request
(command line, cron) point at the public address of the app."""
from __future__ import annotations

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """``BASE_URL`` followed by the path of ``endpoint``."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


def webcal_url(token: str) -> str:
    """The feed address calendar clients subscribe to (webcal:// is http(s):// for them)."""
    url = public_url("calendar.feed", token=token)
    return "webcal://" + url.split("://", 1)[1]

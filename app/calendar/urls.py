"""Absolute URLs built from ``BASE_URL``, so that files and e-mails made outside a request
(command line, cron) point at the public address of the app."""
from __future__ import annotations

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """``BASE_URL`` followed by the path of ``endpoint``."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"].rstrip("/") + adapter.build(endpoint, values)


def feed_url(token: str) -> str:
    """The https:// address of a feed (what Google Calendar's « À partir de l'URL » needs)."""
    return public_url("calendar.feed", token=token)


def webcal_url(url: str) -> str:
    """The same feed as webcal://, which opens the subscription in Outlook, Apple Calendar, Thunderbird."""
    return "webcal://" + url.split("://", 1)[1]

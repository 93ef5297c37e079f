"""URLs of many rows of one endpoint: ``url_for`` builds each in 10–20 µs (rule matching, converters,
escaping); a page of 150 attendees builds the URL once and fills in each id."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request, url_for

MARKER = 918_273_645_546_372_819  # stands for the id while the URL is built: no row has it


def id_url(endpoint: str, field: str, **values) -> Callable[[int], str]:
    """A function of an id giving ``url_for(endpoint, **values, <field>=id)``, built once."""
    built = url_for(endpoint, **values, **{field: MARKER})
    head, marker, tail = built.partition(str(MARKER))
    if not marker or str(MARKER) in tail:  # the marker in a value too: no shortcut
        return lambda row_id: url_for(endpoint, **values, **{field: row_id})
    return lambda row_id: f"{head}{int(row_id)}{tail}"


def built_once(kind: str, key: tuple, build: Callable):
    """``build()`` once per app, ``kind`` and ``key`` with the request's script root (the start of every URL
    when the app is served under a path), then the same value for every request: for what depends only on
    the app and the key (URLs, the menu of a role)."""
    built = current_app.extensions.setdefault(kind, {})
    key = (request.script_root, *key)
    if key not in built:
        built[key] = build()
    return built[key]


def fixed_url(endpoint: str, **values) -> str:
    """``url_for`` of a URL that no request or row changes (a stylesheet, the footer's pages), built once per
    app and script root, not on every page."""
    return built_once("fixed_urls", (endpoint, tuple(sorted(values.items()))), lambda: url_for(endpoint, **values))


def row_url(endpoint: str, field: str, row_id: int) -> str:
    """``url_for(endpoint, <field>=row_id)`` filled into one URL per app and script root (``id_url``): for the
    macros that print one row of a list (a meeting of an agenda), called once per row."""
    return built_once("row_urls", (endpoint, field), lambda: id_url(endpoint, field))(row_id)

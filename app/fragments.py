"""Answers to a page's own script (fetch) as fragments of the page, the same views answering a plain form
post with the whole page or a redirect. The script marks its requests with ``X-Requested-With: fetch``;
a fragment answer names the element it replaces and what to announce (static/js/in-place.js)."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, get_flashed_messages, make_response, request

FETCH_HEADER = "X-Requested-With"
FETCH_VALUE = "fetch"


def wants_fragment() -> bool:
    """The request comes from the page's script, which replaces a part of the page with the answer."""
    return request.headers.get(FETCH_HEADER) == FETCH_VALUE


def fragment_response(html: str, *, target: str, message: str | None = None, status: int = 200,
                      saved_draft: str | None = None) -> Response:
    """``html`` replaces the element ``#target``; ``message`` (French) is announced; ``saved_draft`` names
    the draft the browser may now forget (drafts.js). Headers carry text percent-encoded (UTF-8).
    Messages flashed during the request (a page expired: app/expired_forms.py) are said now, with it, not
    left for the next whole page."""
    message = " ".join([*get_flashed_messages(), *([message] if message else [])])
    response = make_response(html, status)
    response.headers["X-Fragment-Target"] = target
    if message:
        response.headers["X-Fragment-Message"] = quote(message)
    if saved_draft:
        response.headers["X-Draft-Saved"] = quote(saved_draft)
    response.vary.add(FETCH_HEADER)
    return response

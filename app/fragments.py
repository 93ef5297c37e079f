"""Answers to a page's own script (fetch) as fragments of the page, the same views answering a plain form
post with the whole page or a redirect. The script marks its requests with ``X-Requested-With: fetch``;
a fragment answer names the element it replaces and what to announce (static/js/in-place.js)."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, has_request_context, make_response, message_flashed, request, session

FETCH_HEADER = "X-Requested-With"
FETCH_VALUE = "fetch"
# Kept on the request itself (not in ``g``, which may outlive a request when an app context is shared).
FLASHED_HERE = "seances.flashed_here"


def _remember_flash(sender, message: str, category: str, **extra) -> None:
    """What this request flashes: a fragment says it at once (see fragment_response)."""
    if has_request_context():
        request.environ.setdefault(FLASHED_HERE, []).append((category, message))


message_flashed.connect(_remember_flash)


def wants_fragment() -> bool:
    """The request comes from the page's script, which replaces a part of the page with the answer."""
    return request.headers.get(FETCH_HEADER) == FETCH_VALUE


def fragment_response(html: str, *, target: str, message: str | None = None, status: int = 200,
                      saved_draft: str | None = None) -> Response:
    """``html`` replaces the element ``#target``; ``message`` (French) is announced; ``saved_draft`` names
    the draft the browser may now forget (drafts.js). Headers carry text percent-encoded (UTF-8).
    Messages flashed during the request (a page expired: app/expired_forms.py) are said now, with it, not
    left for the next whole page."""
    message = " ".join([*take_flashed_here(), *([message] if message else [])])
    response = make_response(html, status)
    response.headers["X-Fragment-Target"] = target
    if message:
        response.headers["X-Fragment-Message"] = quote(message)
    if saved_draft:
        response.headers["X-Draft-Saved"] = quote(saved_draft)
    response.vary.add(FETCH_HEADER)
    return response


def take_flashed_here() -> list[str]:
    """The messages flashed during this request, taken out of the session (messages left by an earlier
    request stay for the next whole page)."""
    here = request.environ.pop(FLASHED_HERE, [])
    if here:
        pending = list(session.get("_flashes", []))
        for flashed in here:
            if flashed in pending:
                pending.remove(flashed)
        session["_flashes"] = pending
    return [message for _category, message in here]

"""HTTP security headers on every response."""
from __future__ import annotations

from flask import Flask, Response, request

# No inline script or style: everything comes from our own static files.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


# What a browser or a proxy may keep: static files, the logos, and the subscribable feeds (public to whoever
# holds the link; calendar clients poll them with their ETag). Every other answer may hold personal data
# (pages, documents, exports, the login and answer forms): nothing keeps it, not even the browser's history.
STORABLE_ENDPOINTS = frozenset({"static", "organisation.logo", "calendar.feed"})


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in STORABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)

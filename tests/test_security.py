"""Headers, CSRF, cookies and login rate limiting."""
import re
import uuid

import pytest
import redis

from app.models import Role
from tests.conftest import PASSWORD, create_user, make_app


def csrf_token(page_html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_html).group(1)


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/nowhere").headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(secretariat_client, demo):
    for path in ("/", "/bodies/", f"/meetings/{demo.id}"):
        page = secretariat_client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert " onclick=" not in page and " style=" not in page


def test_a_post_without_csrf_token_is_refused(isolated_app):
    csrf_app = isolated_app("csrf", WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        user = create_user(Role.SECRETARIAT)
        client = csrf_app.test_client()
        refused = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert refused.status_code == 400
        assert "La page était ouverte depuis trop longtemps : rien n&#39;a été enregistré." in refused.text
        token = csrf_token(client.get("/login").text)
        accepted = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert accepted.status_code == 302
        assert client.post("/logout").status_code == 400  # logging out needs the token too


def test_session_cookie_is_httponly_samesite_and_rotated_on_login(app, app_context):
    user = create_user(Role.MEMBER)
    client = app.test_client()
    with client.session_transaction() as session:
        session["left_over"] = "from before login"
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as session:
        assert "left_over" not in session
        assert session["_user_id"].split(":")[:2] == [str(user.id), user.session_generation]


def test_cookies_are_secure_when_served_over_https(database):
    app = make_app(database("https"), BASE_URL="https://seances.example.fr")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def redis_available() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.mark.parametrize("storage", ["memory://", "redis://127.0.0.1:6379/15"])
def test_login_attempts_are_rate_limited(isolated_app, storage):
    if storage.startswith("redis") and not redis_available():
        pytest.skip("no Redis server on 127.0.0.1:6379")
    app = isolated_app("limits", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage,
                       RATELIMIT_KEY_PREFIX=uuid.uuid4().hex, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        statuses = [client.post("/login", data={"email": "x@example.fr", "password": "faux"}).status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.post("/login", data={"email": "x@example.fr", "password": "faux"})
        assert "Trop de tentatives" in limited.text
        assert client.get("/login").status_code == 200  # reading the page is not limited

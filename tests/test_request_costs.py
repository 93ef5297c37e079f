"""What every request pays before its page's own work: the account and its page header in one query, the
rate limiter only on the routes it limits, a pooled connection checked only after a rest."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app.config import normalise_database_url
from app.extensions import db, limiter
from app.models import Organisation, Role
from tests.conftest import create_user, is_postgresql, log_in, make_app
from tests.images import png_bytes
from tests.query_count import counted_queries, fresh_session


def test_a_logged_in_page_reads_the_account_and_its_header_in_one_query(app_context, client):
    """The logo and bloc-marque of the ARS come with the account; a new logo shows on the next page."""
    user = create_user(Role.SECRETARIAT)
    log_in(client, user)
    organisation_id = user.organisation_id
    fresh_session()
    with counted_queries() as statements:
        page = client.get("/mon-compte/mot-de-passe")
    assert page.status_code == 200 and len(statements) == 1, statements
    assert "seances-operator-logo" not in page.get_data(as_text=True)

    organisation = db.session.get(Organisation, organisation_id)
    organisation.logo, organisation.logo_mimetype, organisation.state_brand = png_bytes(), "image/png", True
    db.session.commit()
    fresh_session()
    with counted_queries() as statements:
        page = client.get("/mon-compte/mot-de-passe").get_data(as_text=True)
    assert len(statements) == 1
    assert f"/organisation/{organisation_id}/logo" in page and "République<br>française" in page


def test_the_rate_limiter_works_only_on_the_routes_it_limits(isolated_app):
    app = isolated_app("limits", RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=uuid.uuid4().hex,
                       ANSWER_RATE_LIMIT="2 per minute")
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    client = app.test_client()
    assert "X-RateLimit-Limit" not in client.get("/accessibilite").headers
    login = client.post("/login", data={"email": "personne@example.fr", "password": "x"})
    assert login.status_code == 200 and login.headers["X-RateLimit-Limit"]
    # Answers from the links of e-mails are limited per address, whatever the token.
    assert [client.post("/reponse/jeton-quelconque").status_code for _ in range(3)][2] == 429
    assert [client.post("/consultation/jeton-quelconque").status_code for _ in range(3)][2] == 429


@pytest.mark.parametrize("rest", [0, 3600])
def test_a_connection_that_rested_is_checked_and_replaced_when_the_server_closed_it(rest):
    """PostgreSQL only (SQLite is a file): a connection closed by the server while it rested in the pool is
    replaced before use, without an error; one used a moment ago is not checked (no round trip), so that
    with a long rest allowed the closed connection fails."""
    url = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    if not is_postgresql(url):
        pytest.skip("PostgreSQL only")
    app = make_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}}, DATABASE_PING_AFTER_IDLE=rest)
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()  # back to the pool
        other = create_engine(url, isolation_level="AUTOCOMMIT")  # not a connection of the app's pool
        with other.connect() as connection:
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()
        if rest == 0:
            assert db.session.scalar(text("SELECT pg_backend_pid()")) != pid
        else:
            with pytest.raises(OperationalError):
                db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("cost", [1.1, None])
def test_postgresql_connections_plan_with_the_configured_random_page_cost(cost):
    """PostgreSQL only: every connection of the app's pool plans with POSTGRES_RANDOM_PAGE_COST, even after
    a rollback; None leaves the server's own setting."""
    url = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    if not is_postgresql(url):
        pytest.skip("PostgreSQL only")
    app = make_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}}, POSTGRES_RANDOM_PAGE_COST=cost)
    server_default = create_engine(url)
    with server_default.connect() as connection:
        default = connection.scalar(text("SHOW random_page_cost"))
    server_default.dispose()
    with app.app_context():
        db.session.rollback()
        assert db.session.scalar(text("SHOW random_page_cost")) == ("1.1" if cost else default)
        db.session.remove()
        db.engine.dispose()

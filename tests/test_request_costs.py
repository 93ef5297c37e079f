"""What every request pays before its page's own work: the account and its page header in one query, the
rate limiter only on the routes it limits, a pooled connection checked only after a rest, on PostgreSQL
the reads of a page without BEGIN and ROLLBACK, fewer garbage collections in a serving process."""
from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg.pq import Format, TransactionStatus
from sqlalchemy import create_engine, event, func, inspect, select, text
from sqlalchemy.exc import OperationalError

from app.access import ENDPOINT_AUDIENCE, Audience
from app.config import normalise_database_url
from app.extensions import db, limiter
from app.loadgen import LoadSize, generate_load
from app.meetings.queries import upcoming_meetings
from app.models import Organisation, Role, Theme
from app.pool import only_reads, postgres_session_settings, sqlite_synchronous
from app.serving import tune_process
from tests.conftest import PASSWORD, create_user, is_postgresql, log_in, make_app
from tests.images import png_bytes
from tests.query_count import counted_queries, counted_statements_and_parameters, fresh_session


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


@pytest.mark.parametrize("configured", [True, False])
def test_postgresql_connections_plan_with_the_configured_settings(configured):
    """PostgreSQL only: every connection of the app's pool plans with POSTGRES_RANDOM_PAGE_COST and
    POSTGRES_PLAN_CACHE_MODE, even after a rollback; None leaves the server's own settings."""
    url = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    if not is_postgresql(url):
        pytest.skip("PostgreSQL only")
    settings = {"POSTGRES_RANDOM_PAGE_COST": 1.1, "POSTGRES_PLAN_CACHE_MODE": "force_custom_plan"} if configured \
        else {"POSTGRES_RANDOM_PAGE_COST": None, "POSTGRES_PLAN_CACHE_MODE": None}
    app = make_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}}, **settings)
    server_default = create_engine(url)
    with server_default.connect() as connection:
        defaults = [connection.scalar(text(f"SHOW {name}")) for name in ("random_page_cost", "plan_cache_mode")]
    server_default.dispose()
    with app.app_context():
        db.session.rollback()
        shown = [db.session.scalar(text(f"SHOW {name}")) for name in ("random_page_cost", "plan_cache_mode")]
        assert shown == (["1.1", "force_custom_plan"] if configured else defaults)
        db.session.remove()
        db.engine.dispose()


def test_the_home_page_upcoming_meetings_keep_a_good_plan_once_prepared(isolated_app):
    """PostgreSQL only: once psycopg has prepared it, PostgreSQL may plan the home page's statement once for
    any values; that plan must read the ARS's meetings, not walk the index of all meetings by date from the
    first one ever (13 ms instead of 0.5 on the national dataset)."""
    if not is_postgresql(normalise_database_url(os.environ.get("DATABASE_URL", ""))):
        pytest.skip("PostgreSQL only")
    app = isolated_app("plans")
    with app.app_context():
        generate_load(LoadSize(organisations=4, meetings=6_000, attendances=1, points=1, deadlines=1), seed=3)
        db.session.execute(text("ANALYZE"))
        user = create_user(Role.SECRETARIAT, organisation=db.session.get(Organisation, 1))
        with counted_statements_and_parameters() as sent:
            upcoming_meetings(user)
        statement, parameters = next((statement, parameters) for statement, parameters in sent
                                     if statement.startswith("SELECT meeting.id"))
        names = list(parameters)
        numbered = re.sub(r"%\((\w+)\)s", lambda match: f"${names.index(match.group(1)) + 1}", statement)
        db.session.execute(text("SET plan_cache_mode = force_generic_plan"))
        db.session.execute(text(f"PREPARE upcoming AS {numbered}"))
        values = ", ".join(f"'{parameters[name]}'" for name in names)
        plan = "\n".join(db.session.scalars(text(f"EXPLAIN EXECUTE upcoming({values})")))
        db.session.execute(text("DEALLOCATE upcoming"))
        db.session.remove()
    assert "ix_meeting_starts_at" not in plan and "Sort Key" in plan, plan  # filtered first, then sorted


def test_an_unknown_plan_cache_mode_stops_the_start_with_its_name():
    with pytest.raises(ValueError, match="force_custom"):
        postgres_session_settings({"POSTGRES_RANDOM_PAGE_COST": None, "POSTGRES_PLAN_CACHE_MODE": "force_custom"})


@pytest.mark.parametrize("configured, shown", [({}, 1), ({"SQLITE_SYNCHRONOUS": None}, 2),
                                                ({"SQLITE_SYNCHRONOUS": "full"}, 2)])
def test_sqlite_connections_wait_for_the_disk_as_configured(database, configured, shown):
    """SQLite only: NORMAL (the default, in WAL mode) waits for the disk at checkpoints, FULL (and SQLite's
    own setting, None) at every commit; every connection of the pool, the first and the next ones."""
    settings = database("synchronous")
    if is_postgresql(settings["SQLALCHEMY_DATABASE_URI"]):
        pytest.skip("SQLite only")
    app = make_app(settings, **configured)
    with app.app_context():
        first, second = db.engine.connect(), db.engine.connect()
        assert [connection.scalar(text("PRAGMA synchronous")) for connection in (first, second)] == [shown, shown]
        assert first.scalar(text("PRAGMA journal_mode")) == "wal"
        first.close(), second.close()
        db.engine.dispose()


def test_an_unknown_sqlite_synchronous_level_stops_the_start_with_its_name():
    assert sqlite_synchronous({"SQLITE_SYNCHRONOUS": "extra"}) == "EXTRA"
    with pytest.raises(ValueError, match="NORMALE"):
        sqlite_synchronous({"SQLITE_SYNCHRONOUS": "normale"})


def test_only_plain_reads_go_without_a_transaction():
    assert only_reads('SELECT "user".id FROM "user" WHERE "user".id = %(user_id)s')
    assert only_reads("WITH scope AS (SELECT meeting.id FROM meeting) SELECT id FROM scope")
    assert only_reads("SELECT meeting.updated_at FROM meeting")  # names are lower case
    for statement in ("INSERT INTO theme (code) VALUES (%(code)s)", "UPDATE meeting SET title = %(title)s",
                      "DELETE FROM theme", "SAVEPOINT sa_savepoint_1", "SELECT meeting.id FROM meeting FOR UPDATE",
                      "SELECT meeting.id FROM meeting FOR SHARE", "WITH gone AS (DELETE FROM theme RETURNING id) "
                      "SELECT id FROM gone", "SET random_page_cost = 1.1", "LOCK TABLE theme"):
        assert not only_reads(statement), statement


@contextmanager
def transaction_states(app):
    """The state of the PostgreSQL connection after each statement run inside the block."""
    states = []

    def record(conn, cursor, statement, parameters, context, executemany):
        states.append(conn.connection.dbapi_connection.info.transaction_status)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", record)
    try:
        yield states
    finally:
        event.remove(engine, "after_cursor_execute", record)


@pytest.fixture
def own_requests_app(isolated_app, monkeypatch):
    """PostgreSQL only: an app whose requests each take a connection from the pool (no test app context
    held across them), with two GET routes that write: one commits, one fails half-way."""
    if not is_postgresql(normalise_database_url(os.environ.get("DATABASE_URL", ""))):
        pytest.skip("PostgreSQL only")
    app = isolated_app("reads")

    @app.get("/_test/read-then-write/<code>")
    def read_then_write(code):
        db.session.scalar(select(func.count(Theme.id)))
        db.session.add(Theme(code=code, name=code))
        db.session.commit()
        return "écrit"

    @app.get("/_test/half-written/<code>")
    def half_written(code):
        db.session.scalar(select(func.count(Theme.id)))
        db.session.add(Theme(code=code, name=code))
        db.session.flush()
        raise RuntimeError("after the first write")

    for endpoint in ("read_then_write", "half_written"):
        monkeypatch.setitem(ENDPOINT_AUDIENCE, endpoint, Audience.ANY_USER)

    client = app.test_client()
    with app.app_context():
        user = create_user(Role.SECRETARIAT)
        email = user.email
        db.session.remove()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return app, client


def themes(app, code: str) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(Theme.id)).where(Theme.code == code))
        db.session.remove()
        return count


def test_a_page_reads_without_a_transaction_and_a_form_writes_in_one(own_requests_app):
    """A GET's reads leave no transaction open (no BEGIN, no ROLLBACK); a POST runs in one as always."""
    app, client = own_requests_app
    with transaction_states(app) as states:
        assert client.get("/mon-compte/mot-de-passe").status_code == 200
    assert states == [TransactionStatus.IDLE]
    with transaction_states(app) as states:
        client.post("/login", data={"email": "personne@example.fr", "password": "x"})
    assert states and set(states) == {TransactionStatus.INTRANS}


def test_a_page_that_writes_does_it_in_a_transaction_and_all_or_nothing(own_requests_app):
    """From its first write on, a GET is an ordinary transaction: committed, or rolled back whole."""
    app, client = own_requests_app
    with transaction_states(app) as states:
        assert client.get("/_test/read-then-write/ecrit").status_code == 200
    # The account and the count read outside a transaction, the insert in one, then committed.
    assert states == [TransactionStatus.IDLE, TransactionStatus.IDLE, TransactionStatus.INTRANS]
    assert themes(app, "ecrit") == 1
    with pytest.raises(RuntimeError):
        client.get("/_test/half-written/perdu")
    assert themes(app, "perdu") == 0
    # The connection went back to the pool as it came: outside a request, work is transactional again.
    with transaction_states(app) as states, app.app_context():
        db.session.scalar(select(func.count(Theme.id)))
        db.session.remove()
    assert states == [TransactionStatus.INTRANS]


@pytest.mark.parametrize("environment, threshold", [({}, 10_000), ({"GC_THRESHOLD": "2500"}, 2500),
                                                    ({"GC_THRESHOLD": "None"}, 700)])  # Python's own
def test_a_serving_process_runs_the_garbage_collector_less_often_than_python_does(tmp_path, environment, threshold):
    """wsgi.py (gunicorn's entry) sets the youngest generation's threshold, GC_THRESHOLD from the environment
    or 10,000; the older generations keep Python's."""
    settings = {key: value for key, value in os.environ.items() if key != "GC_THRESHOLD"}
    settings.update(DATABASE_URL=f"sqlite:///{tmp_path / 'serving.sqlite'}", SECRET_KEY="serving-test", **environment)
    result = subprocess.run([sys.executable, "-c", "import gc, wsgi; print(*gc.get_threshold())"], env=settings,
                            cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(threshold), *map(str, gc.get_threshold()[1:])]


@pytest.mark.parametrize("left_behind, collections", [(100, [0]), (None, [])])
def test_a_serving_process_collects_what_a_request_left_once_its_response_is_sent(isolated_app, left_behind,
                                                                                  collections):
    """With GC_AFTER_REQUEST, a request that left more young objects than that gets a young collection when its
    response is closed (sent), none while it runs; None: only Python's own collections."""
    app = isolated_app("gc_after_request", GC_THRESHOLD=None, GC_AFTER_REQUEST=left_behind)
    tune_process(app)
    started = []

    def record(phase, info):
        if phase == "start":
            started.append(info["generation"])

    gc.disable()  # Python's own runs off: only the app's collection is recorded
    gc.callbacks.append(record)
    try:
        response = app.test_client().get("/login")
        assert response.status_code == 200 and "Se connecter" in response.get_data(as_text=True)
        left = [[] for _ in range(200)]  # more young objects than GC_AFTER_REQUEST, whatever the page left
        assert started == []
        response.close()
        assert started == collections
        assert left
    finally:
        gc.callbacks.remove(record)
        gc.enable()


def test_building_an_app_leaves_the_garbage_collector_as_it_was(database):
    """Tests and commands build apps too: only a serving process changes the collector."""
    before = gc.get_threshold()
    make_app(database("gc_untouched"))
    assert gc.get_threshold() == before


# Every kind of value the app reads: its column types, and what its queries compute (ranks, counts, sums).
VALUES_OF_EVERY_KIND = text(
    "SELECT 7::integer, 8::bigint, 1.25::numeric, 0.5::float8, true, 'hôpitaux œ'::varchar, 'tâche'::text,"
    " '\\x00ff10'::bytea, TIMESTAMP '2020-05-28 14:30:00', DATE '2020-05-28', TIME '09:30',"
    " TIMESTAMPTZ '2020-05-28 14:30:00+02', INTERVAL '1 day 2 hours', '{\"a\": [1, \"é\"]}'::json,"
    " '{\"b\": 2}'::jsonb, ARRAY[1, 2], ARRAY['a', 'b'], NULL::integer, count(*) OVER (),"
    " ts_rank(to_tsvector('french', 'hôpital'), to_tsquery('french', 'hôpital')),"
    " gen_random_uuid()::text")


def test_postgresql_results_come_in_binary_with_the_values_text_gives(app):
    """PostgreSQL only: a request's connection asks for binary results (a file as its bytes, not as twice as
    many hexadecimal digits), and every kind of value reads the same as in text."""
    if not is_postgresql(app.config["SQLALCHEMY_DATABASE_URI"]):
        pytest.skip("PostgreSQL only")
    with app.test_request_context():
        compare_binary_with_text()
        db.session.remove()


def compare_binary_with_text():
    connection = db.session.connection()
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection.cursor().format == Format.BINARY
    binary = list(connection.execute(VALUES_OF_EVERY_KIND).one())
    text_cursor = dbapi_connection.cursor(binary=False)
    text_cursor.execute(str(VALUES_OF_EVERY_KIND))
    as_text = list(text_cursor.fetchone())
    text_cursor.close()
    assert binary[:-1] == as_text[:-1] and len(binary[-1]) == len(as_text[-1]) == 36
    assert binary[7] == b"\x00\xff\x10" and binary[5] == "hôpitaux œ" and binary[13] == {"a": [1, "é"]}


def test_outside_a_request_postgresql_connections_read_text_for_the_catalogue(app_context):
    """Migrations, the command line and jobs read PostgreSQL's catalogue (types psycopg reads only as text)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    assert db.session.connection().connection.dbapi_connection.cursor().format == Format.TEXT
    assert "ix_meeting_starts_at" in {index["name"] for index in inspect(db.engine).get_indexes("meeting")}


def test_without_binary_results_postgresql_connections_read_text():
    url = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    if not is_postgresql(url):
        pytest.skip("PostgreSQL only")
    app = make_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}}, POSTGRES_BINARY_RESULTS=False)
    with app.test_request_context():
        assert db.session.connection().connection.dbapi_connection.cursor().format == Format.TEXT
        assert db.session.scalar(text("SELECT '\\x00ff'::bytea")) == b"\x00\xff"
        db.session.remove()
        db.engine.dispose()


def test_a_request_statement_describes_its_columns_only_when_they_are_read(app, monkeypatch):
    """PostgreSQL only: SQLAlchemy asks for a cursor's description after every execution; psycopg builds one
    object per column each time. A request's cursor builds them only when the description is read: a statement
    run again (SQLAlchemy holds its columns) builds none, and a description read later still describes its own
    result, with psycopg's names and types."""
    if not is_postgresql(app.config["SQLALCHEMY_DATABASE_URI"]):
        pytest.skip("PostgreSQL only")
    built = []
    original = psycopg.Column.__init__

    def counted(column, cursor, index):
        built.append(index)
        original(column, cursor, index)

    monkeypatch.setattr(psycopg.Column, "__init__", counted)
    statement = select(Organisation.id, Organisation.name, Organisation.short_name).limit(1)
    with app.test_request_context():
        db.session.execute(statement).all()
        built.clear()
        assert db.session.execute(statement).all() is not None
        assert built == []

        cursor = db.session.connection().connection.dbapi_connection.cursor()
        cursor.execute("SELECT 1::integer AS n, 'é'::text AS word")
        described = cursor.description
        cursor.execute("SELECT true AS other")
        assert [(column.name, column.type_code) for column in described] == [("n", 23), ("word", 25)]
        assert len(described) == 2 and described[1].name == "word"
        assert [column.name for column in cursor.description] == ["other"]
        plain = psycopg.Cursor(cursor.connection)
        plain.execute("SELECT 1::integer AS n, 'é'::text AS word")
        assert [tuple(column) for column in described] == [tuple(column) for column in plain.description]
        cursor.execute("CREATE TEMPORARY TABLE untouched (n integer)")
        assert cursor.description is None and plain.description is not None
        db.session.remove()

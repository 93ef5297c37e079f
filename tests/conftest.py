"""Test fixtures: one app and schema per test run, emptied after each test.

The database is SQLite (a temporary file) unless DATABASE_URL names another one; on PostgreSQL
each test process works in its own schema, so that runs never see each other's rows.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from flask import current_app, g
from flask.globals import app_ctx
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text

from app import create_app
from app.config import normalise_database_url
from app.extensions import db, limiter
from app.models import Organisation, Person, Role, Theme, User, ensure_default_themes
from tests.smtp_server import Inbox, free_port

PASSWORD = "mot-de-passe-de-test"
# Werkzeug's scrypt costs 0.1–0.2 s a hash by design, and the suite makes and checks thousands: a cheap PBKDF2 here
# (an installation keeps scrypt, tests/test_auth.py).
TEST_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def is_postgresql(url: str) -> bool:
    return url.startswith("postgresql")


def database_config(url: str, schema: str | None) -> dict:
    """App config for ``url``; on PostgreSQL, every connection works in ``schema``."""
    config = {"SQLALCHEMY_DATABASE_URI": url}
    if schema:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "connect_args": {"options": f"-csearch_path={schema}"},
        }
    return config


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Yields a function giving a fresh, empty database config (a new file or a new schema)."""
    base_url = os.environ.get("DATABASE_URL")
    created_schemas = []

    def new_database(name: str) -> dict:
        if base_url and is_postgresql(normalise_database_url(base_url)):
            url = normalise_database_url(base_url)
            schema = f"t_{name}_{uuid.uuid4().hex[:10]}"
            engine = create_engine(url)
            with engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            engine.dispose()
            created_schemas.append((url, schema))
            return database_config(url, schema)
        path = tmp_path_factory.mktemp(name) / "test.sqlite"
        return database_config(f"sqlite:///{path}", None)

    yield new_database

    for url, schema in created_schemas:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


class OwnUserClient(FlaskClient):
    """A test client that always runs as its own logged-in user.

    Tests hold one app context, which every request reuses, so Flask-Login's user cached in ``g``
    would leak from one client to the next: forget it before each request.
    """

    def open(self, *args, **kwargs):
        if app_ctx:
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def make_app(database_settings: dict, **overrides):
    config = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "test-secret-key",
        "SERVER_NAME": "seances.test",
        "BASE_URL": "http://seances.test",
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
        **database_settings,
        **overrides,
    }
    app = create_app(config)
    app.test_client_class = OwnUserClient
    return app


@pytest.fixture
def isolated_app(database):
    """Factory of apps with their own config and their own empty database (dropped afterwards)."""
    apps = []

    def build(name: str = "isolated", **overrides):
        new_app = make_app(database(name), **overrides)
        with new_app.app_context():
            db.create_all()
            ensure_default_themes()
            db.session.commit()
            db.session.remove()
        apps.append(new_app)
        return new_app

    yield build
    # Flask-Limiter keeps « enabled » on the shared extension object: switch it back off for the
    # session's app, which every other test uses.
    limiter.enabled = False
    for built in apps:
        with built.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(database):
    app = make_app(database("main"))
    with app.app_context():
        db.create_all()
        ensure_default_themes()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Each test starts with empty tables (but the default themes)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        empty_tables()
        ensure_default_themes()
        db.session.commit()
        db.session.remove()


def empty_tables() -> None:
    """Delete every row of every table, children first: on PostgreSQL in one round trip."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quote = connection.dialect.identifier_preparer.format_table
            connection.exec_driver_sql("; ".join(f"DELETE FROM {quote(table)}" for table in tables))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app_context):
    """The demo data loaded; returns the seed-004 meeting. Accounts made before it (``secretariat_client``…)
    join the demo's first ARS, as if they had been made after."""
    from sqlalchemy import update

    from app.demo import ORGANISATION_NAME
    from app.models import Meeting

    load_demo_again()
    demo_organisation = db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATION_NAME))
    db.session.execute(update(User).where(User.person_id.is_(None), User.role != Role.NATIONAL_ADMIN)
                       .values(organisation_id=demo_organisation.id))
    db.session.commit()
    return db.session.scalar(select(Meeting).order_by(Meeting.starts_at).limit(1))


@dataclass
class DemoRows:
    """What ``load_demo`` wrote into a database holding nothing but the default themes, on ``day``."""

    day: date
    rows: dict[str, list[dict]]  # table name → its rows, by primary key
    theme_codes: dict[int, str]  # the default themes' ids then → their codes


_DEMO_ROWS: dict[str, DemoRows] = {}  # database (URL and schema) → the demo as first loaded there


def database_key() -> str:
    """The app's database: its URL and, on PostgreSQL, its schema (each test app has its own, with its own
    sequences: rows of another schema could take ids its sequences will give)."""
    return repr((str(db.engine.url), current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS")))


def load_demo_again() -> None:
    """``load_demo``; into a database holding nothing but the default themes, the rows it wrote there the first
    time this day, inserted again: 160 tests load the demo, 1.1–1.3 s each through the app, 0.08 s (SQLite) to
    0.3 s (PostgreSQL) so.
    The default themes stay as they are (their ids change from test to test on PostgreSQL): the rows naming
    them are given the present ids of the same codes."""
    import app.demo as demo_module

    counts = row_counts()
    fresh = all(count == 0 for table, count in counts.items() if table != Theme.__tablename__)
    saved = _DEMO_ROWS.get(database_key())
    if not fresh or saved is None or saved.day != demo_module.paris_today():
        before = demo_module.paris_today()
        demo_module.load_demo()
        themes_added = row_counts()[Theme.__tablename__] != counts[Theme.__tablename__]
        if fresh and before == demo_module.paris_today() and not themes_added:
            _DEMO_ROWS[database_key()] = read_demo_rows(before)
        return
    theme_ids = {code: theme_id for theme_id, code in db.session.execute(select(Theme.id, Theme.code))}
    new_theme_id = {old: theme_ids[code] for old, code in saved.theme_codes.items()}
    for table in db.metadata.sorted_tables:
        rows = saved.rows.get(table.name)
        if not rows:
            continue
        theme_columns = [column.name for column in table.columns
                         if any(key.column.table is Theme.__table__ for key in column.foreign_keys)]
        rows = [{**row, **{name: new_theme_id[row[name]] for name in theme_columns}} for row in rows]
        db.session.execute(table.insert(), rows)
    db.session.commit()


def read_demo_rows(day: date) -> DemoRows:
    rows = {table.name: [dict(row._mapping) for row in db.session.execute(
                select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables if table is not Theme.__table__}
    return DemoRows(day, rows, dict(db.session.execute(select(Theme.id, Theme.code)).all()))


TEST_ORGANISATION = "ARS de test"


def test_organisation() -> Organisation:
    """The ARS of the tests' accounts and bodies: the demo's first one once loaded, else « ARS de test »."""
    from sqlalchemy import select

    from app.demo import ORGANISATION_NAME

    organisations = {organisation.name: organisation for organisation in db.session.scalars(
        select(Organisation).where(Organisation.name.in_([ORGANISATION_NAME, TEST_ORGANISATION])))}
    organisation = organisations.get(ORGANISATION_NAME) or organisations.get(TEST_ORGANISATION)
    if organisation is None:
        organisation = Organisation(name=TEST_ORGANISATION, short_name="ARS",
                                    secretariat_email="secretariat@ars.example.fr")
        db.session.add(organisation)
        db.session.flush()
    return organisation


test_organisation.__test__ = False  # a helper, not a test


def row_counts() -> dict[str, int]:
    """The number of rows of every table, read in one statement (a refused form must leave them as they were)."""
    tables = db.metadata.sorted_tables
    counts = db.session.execute(select(*(select(func.count()).select_from(table).scalar_subquery()
                                         for table in tables))).one()
    return {table.name: count for table, count in zip(tables, counts)}


def create_user(role: Role, email: str | None = None, person: Person | None = None,
                organisation: Organisation | None = None) -> User:
    """An account of ``person``'s ARS, else of ``organisation``, else of the tests' ARS."""
    if role is not Role.NATIONAL_ADMIN:
        organisation = person.organisation if person is not None else organisation or test_organisation()
    user = User(email=email or f"{role.value}-{uuid.uuid4().hex[:6]}@test.example.fr", role=role, person=person,
                organisation=organisation)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def log_in(client, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, "login failed"
    return client


@pytest.fixture
def secretariat_client(app, app_context):
    return log_in(app.test_client(), create_user(Role.SECRETARIAT))


@pytest.fixture
def admin_client(app, app_context):
    return log_in(app.test_client(), create_user(Role.ADMIN))


@pytest.fixture
def mail_settings(app):
    """Restore the app's SMTP settings after the test."""
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT", "ANSWER_LINK_MAX_AGE_DAYS",
                                                  "PASSWORD_RESET_MAX_AGE")}
    yield app.config
    app.config.update(saved)


class JobQueue:
    """The app's jobs on a real RQ queue of the shared Redis; ``work()`` runs a real worker over it
    (RQ's SimpleWorker in burst mode, with its scheduler: delayed retries that are due run too)."""

    def __init__(self, app, url: str, name: str):
        from redis import Redis

        self.app, self.name = app, name
        self.redis = Redis.from_url(url)

    @property
    def queue(self):
        from app.jobs import job_queue

        with self.app.app_context():
            return job_queue()

    def work(self) -> None:
        from rq import SimpleWorker

        queue = self.queue
        SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=True,
                                                                logging_level="WARNING")

    def remove(self) -> None:
        """Delete every key of this queue and its jobs (Redis is shared with other test runs)."""
        keys = list(self.redis.scan_iter(match=f"rq:*{self.name}*"))
        job_ids = set()
        for key in keys:
            kind = self.redis.type(key)
            if kind == b"list":
                job_ids.update(self.redis.lrange(key, 0, -1))
            elif kind == b"zset":
                job_ids.update(self.redis.zrange(key, 0, -1))
        for job_id in job_ids:
            job_id = job_id.decode()
            keys += [f"rq:job:{job_id}", f"rq:results:{job_id}", f"rq:job:{job_id}:dependents"]
        if keys:
            self.redis.delete(*keys)


@pytest.fixture
def job_queue(app, mail_settings):
    """Background jobs on a queue of this test's own (random name) on the Redis of the machine;
    skipped when no Redis answers. E-mail retries wait one second."""
    from redis import Redis
    from redis.exceptions import RedisError

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except RedisError:
        pytest.skip(f"Redis absent ({url})")
    saved = {key: app.config[key] for key in ("REDIS_URL", "JOBS_QUEUE", "MAIL_RETRY_DELAYS")}
    name = f"seances-test-{uuid.uuid4().hex}"
    app.config.update(REDIS_URL=url, JOBS_QUEUE=name, MAIL_RETRY_DELAYS=(1, 1))
    jobs = JobQueue(app, url, name)
    yield jobs
    jobs.remove()
    app.config.update(saved)
    app.extensions.pop("job_queues", None)


@pytest.fixture
def inbox(app, mail_settings):
    """A real SMTP server on 127.0.0.1 and a free port; the app sends to it."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield handler
    controller.stop()

"""Configuration: defaults here, then the environment, then ``instance/config.py``."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


class Config:
    """Defaults for a local run on the embedded SQLite database."""

    # LibreOffice for the PDF of documents: None finds « soffice » on the PATH, '' turns PDFs off.
    SOFFICE_PATH = None
    PDF_CACHE_DAYS = 30  # converted PDFs kept in the database (app/documents/pdf.py)
    # Seconds LibreOffice may take to convert one document before it is stopped (with every process it started).
    PDF_CONVERSION_TIMEOUT = 180
    # A conversion that failed is tried again when the PDF is asked for this many seconds later.
    PDF_RETRY_AFTER = 600
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled connection that rested this many seconds is pinged before use (app/pool.py); not one used a
    # moment ago (``pool_pre_ping`` in SQLALCHEMY_ENGINE_OPTIONS pings every time; None: never).
    DATABASE_PING_AFTER_IDLE = 10
    # PostgreSQL's planner cost of a random page read, set on each new connection (app/pool.py). The server's
    # default (4) dates from spinning disks: with it the planner reads all 28,000 people of a national
    # database to join 150 convened ones (8 ms instead of 0.5 on the meeting page). 1.1 suits SSDs and a
    # database held in memory; None leaves the server's own setting.
    POSTGRES_RANDOM_PAGE_COST: float | None = 1.1
    # How PostgreSQL plans the statements psycopg prepares (after five runs on a connection). None leaves the
    # server's own setting (auto: after five runs, one plan for all values when it looks as good, which
    # saves planning); « force_custom_plan » plans each execution for its values (app/pool.py).
    POSTGRES_PLAN_CACHE_MODE: str | None = None
    # PostgreSQL: the reads of GET and HEAD requests in autocommit, without BEGIN and ROLLBACK; a transaction
    # from their first write on (app/pool.py). False: every request in one transaction.
    DATABASE_READS_WITHOUT_TRANSACTION = True
    # SQLite: when a commit waits for the disk (app/pool.py). NORMAL (WAL mode): at checkpoints, not at every
    # commit; a power cut may undo the last commits, never half of one. FULL: every commit; None: SQLite's (FULL).
    SQLITE_SYNCHRONOUS: str | None = "NORMAL"
    # PostgreSQL: results in the server's binary format rather than text (a file as its bytes, not as twice
    # as many hexadecimal digits; numbers and dates not printed and parsed again; app/pool.py).
    POSTGRES_BINARY_RESULTS = True
    # Serving processes (wsgi.py): Python's garbage collector examines its youngest objects after this many
    # more allocations than frees (Python's own: 700). None leaves Python's (app/serving.py).
    GC_THRESHOLD: int | None = 10_000
    # Serving processes: a young collection once a response is sent, when the request left more allocations than
    # frees than this (None: only Python's own collections; app/serving.py).
    GC_AFTER_REQUEST: int | None = 2_000
    WTF_CSRF_TIME_LIMIT = None  # a long round-table entry must not expire its form
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A login lasts this long at most (« Rester connecté(e) » or not): the cookie expires, and the server
    # refuses it afterwards (app/auth/sessions.py). The environment gives it in seconds.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    # Number of reverse proxies in front of the app whose X-Forwarded-For / -Proto are trusted (0: none).
    TRUSTED_PROXIES = 0
    DISPLAY_TIMEZONE = "Europe/Paris"
    BABEL_DEFAULT_LOCALE = "fr_FR"
    # Public address of the app, used in calendar URLs and e-mails outside a request.
    BASE_URL = "http://127.0.0.1:5000"
    SECRETARIAT_EMAIL = "democratie-sanitaire@ars.example.fr"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    ICS_ALARM_MINUTES = 60 * 24
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis unreachable: count in this process's memory (the failure is logged), never refuse a login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    LOGIN_RATE_LIMIT = "10 per minute"  # per client address
    # Failed attempts per account, whatever the address (guesses spread over many addresses).
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per 15 minutes"
    # Answers posted from the personal links of e-mails (convocations, written consultations), per address.
    ANSWER_RATE_LIMIT = "30 per minute"
    FEED_PAST_MONTHS = 6  # past meetings and deadlines kept in subscribable feeds
    ANSWER_LINK_MAX_AGE_DAYS = 60  # answer links of convocation e-mails expire after this
    ANONYMISE_MINUTES_AFTER_YEARS = 10  # validated minutes older than this lose the names of anonymised people
    # The accessibility statement (décret 2019-768): « non », « partiellement » or « totalement » conforme
    # to the RGAA. Without a valid audit the law says « non conforme »; set the audit's figures after one.
    ACCESSIBILITY_CONFORMITY = "non"
    ACCESSIBILITY_AUDIT = None  # e.g. "Audit réalisé le 3 mars 2027 par ... : 87 % des critères respectés."
    # Who hosts this installation, for the « mentions légales » page (name, address).
    HOSTING_PROVIDER = None
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a password reset link stays valid
    # How passwords are hashed (Werkzeug's ``generate_password_hash``): scrypt, Werkzeug's default, costs about
    # 0.1 s by design. The test suite sets a cheap method (tests/conftest.py): it hashes hundreds of passwords.
    PASSWORD_HASH_METHOD = "scrypt"
    MAIL_TIMEOUT = 30  # seconds
    # Seconds before each new try of an e-mail that could not be sent; after the last, it has failed.
    MAIL_RETRY_DELAYS = (60, 300, 1800, 7200)
    # An e-mail left « being sent » this long (its worker died) may be taken by another worker.
    MAIL_SENDING_STALE_AFTER = 300
    # Background jobs (app/jobs.py): RQ on this Redis; unset, e-mails leave during the request.
    REDIS_URL = None
    JOBS_QUEUE = "seances"
    # Seconds a request waits for Redis to connect or answer before giving up (the job then waits in the
    # database: app/jobs.py). The worker's own blocking wait for jobs is longer, set by RQ.
    REDIS_TIMEOUT = 3
    # The worker sends what the outbox holds that is due (recorded while Redis was unreachable, retries whose
    # time has come) at its start and then every this many seconds (app/jobs.py).
    MAIL_SWEEP_SECONDS = 300
    # Largest request body (the French 413 page answers beyond); routes with uploads set a lower limit.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    # Dossier de séance (app/dossier/): largest document, where the bytes live, how long personal links last.
    DOCUMENT_MAX_BYTES = 25 * 1024 * 1024
    DOCUMENT_STORAGE = "database"
    DOCUMENT_LINK_MAX_AGE_DAYS = 120


def load_config(app, overrides: dict | None) -> None:
    """Fill ``app.config``: class defaults, environment, instance file, explicit overrides."""
    app.config.from_object(Config)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
        "DATABASE_URL", f"sqlite:///{instance / 'seances.sqlite'}"
    )
    for name in ("SECRET_KEY", "BASE_URL", "SECRETARIAT_EMAIL", "MAIL_SERVER", "MAIL_PORT", "RATELIMIT_STORAGE_URI",
                 "TRUSTED_PROXIES", "REMEMBER_COOKIE_DURATION", "REDIS_URL", "JOBS_QUEUE", "DOCUMENT_MAX_BYTES",
                 "SOFFICE_PATH", "POSTGRES_RANDOM_PAGE_COST", "POSTGRES_PLAN_CACHE_MODE", "GC_THRESHOLD",
                 "GC_AFTER_REQUEST", "SQLITE_SYNCHRONOUS", "MAIL_SWEEP_SECONDS"):
        if name in os.environ:
            app.config[name] = os.environ[name]
    app.config.from_pyfile("config.py", silent=True)
    if overrides:
        app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["TRUSTED_PROXIES"] = int(app.config["TRUSTED_PROXIES"])
    app.config["DOCUMENT_MAX_BYTES"] = int(app.config["DOCUMENT_MAX_BYTES"])
    if not isinstance(app.config["REMEMBER_COOKIE_DURATION"], timedelta):  # seconds
        app.config["REMEMBER_COOKIE_DURATION"] = timedelta(seconds=int(app.config["REMEMBER_COOKIE_DURATION"]))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _local_secret_key(instance)
    # Cookies travel only over HTTPS when the app is served over HTTPS.
    secure = str(app.config["BASE_URL"]).startswith("https://")
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = secure


def is_unset(value) -> bool:
    """A setting left to its server or library: None in instance/config.py, empty or « None » in the
    environment (which gives strings)."""
    return value is None or str(value).strip() in ("", "None")


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (the usual form of DATABASE_URL)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _local_secret_key(instance: Path) -> str:
    """A key generated once per machine; production sets SECRET_KEY in the environment."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()

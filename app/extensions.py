"""Flask extensions, created once and bound to the app in ``create_app``."""
from functools import partial

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic can alter them (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Only routes that ask for it are limited (login, password reset and change, answers of e-mail links).
# Storage: memory by default, Redis when RATELIMIT_STORAGE_URI is set, so that several app servers share
# the counters.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def limit_from_config(name: str):
    """A limit for ``limiter.limit``, read from the setting ``name`` at each request."""
    return lambda: current_app.config[name]


# Settings that would give limits to every route: with any of them, the limiter must see every request.
APPLICATION_WIDE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def init_limiter(app: Flask) -> None:
    """Flask-Limiter, at work only on the routes it limits. Its decorator checks a route's limits when the
    view runs; its ``before_request`` hook would check every other request against limits that do not
    exist, and its ``after_request`` hook look for headers to add: work for nothing on every page. The
    first goes (unless limits for every route are configured), the second runs only after a limit was
    checked."""
    limiter.init_app(app)
    before = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit not in before or any(app.config.get(name) for name in APPLICATION_WIDE_LIMITS):
        return  # turned off (RATELIMIT_ENABLED), or limits for every route
    before.remove(limiter._check_request_limit)
    after = app.after_request_funcs[None]
    inject_headers = next(hook for hook in after if isinstance(hook, partial) and hook.args == (limiter,))

    def after_a_limited_view(response):
        return inject_headers(response) if limiter.current_limits else response

    after[after.index(inject_headers)] = after_a_limited_view

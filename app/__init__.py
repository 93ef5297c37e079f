"""Séances: meetings and minutes of French health-democracy bodies."""
from __future__ import annotations

from flask import Flask, render_template
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import load_config
from app.extensions import csrf, db, init_limiter, login_manager, migrate
from app.formatting import JINJA_FILTERS


def create_app(config: dict | None = None) -> Flask:
    """Build the application. ``config`` overrides everything else (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    if app.config["TRUSTED_PROXIES"]:  # the client's address and scheme as the trusted proxies saw them
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    db.init_app(app)
    from app.pool import init_pool

    init_pool(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    init_limiter(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"

    from app import models  # noqa: F401  (register the models with the metadata)
    from app import audit  # noqa: F401  (record every change in the audit trail)

    from app.auth.sessions import SignedCookieSessions, load_user

    login_manager.user_loader(load_user)
    app.session_interface = SignedCookieSessions()

    from app.security import init_security

    init_security(app)
    from app.access import init_access

    init_access(app)
    from app.expired_forms import init_expired_forms

    init_expired_forms(app)
    app.jinja_env.filters.update(JINJA_FILTERS)
    from app.urls import fixed_url, row_url

    app.jinja_env.globals.update(nav_links=navigation_links, fixed_url=fixed_url, row_url=row_url)
    register_blueprints(app)
    register_error_pages(app)
    from app.concurrency import register_stale_data_page

    register_stale_data_page(app)
    if app.config.get("BENCHMARK_ROUTES"):
        from app.benchmark import register_benchmark_routes

        register_benchmark_routes(app)

    from app.cli import register_commands

    register_commands(app)
    return app


def register_blueprints(app: Flask) -> None:
    from app.accounts import bp as accounts_bp
    from app.admin import bp as admin_bp
    from app.agenda import bp as agenda_bp
    from app.attendance import bp as attendance_bp
    from app.auth import bp as auth_bp
    from app.bodies import bp as bodies_bp
    from app.calendar import bp as calendar_bp
    from app.deadlines import bp as deadlines_bp
    from app.documents import bp as documents_bp
    from app.dossier import bp as dossier_bp
    from app.main import bp as main_bp
    from app.meetings import bp as meetings_bp
    from app.organisation import bp as organisation_bp
    from app.people import bp as people_bp
    from app.roundtable import bp as roundtable_bp
    from app.votes import bp as votes_bp

    for blueprint in (auth_bp, main_bp, bodies_bp, meetings_bp, documents_bp, calendar_bp, people_bp, deadlines_bp,
                      attendance_bp, roundtable_bp, agenda_bp, admin_bp, organisation_bp, accounts_bp, dossier_bp,
                      votes_bp):
        app.register_blueprint(blueprint)


# Main menu: (endpoint, label, staff only). Entries whose area is not installed are left out.
NAVIGATION = [
    ("main.home", "Accueil", False),
    ("agenda.my_meetings", "Mes séances", False),
    ("calendar.my_feed", "Mon agenda", False),
    ("bodies.index", "Instances", False),
    ("people.index", "Personnes", True),
    ("deadlines.index", "Échéances", False),
    ("agenda.search", "Rechercher", False),
    ("attendance.unexcused_absences", "Absences", True),
    ("documents.synthesis", "Synthèse", True),
    ("organisation.settings", "Organisation", True),
    ("accounts.index", "Comptes", True),
]
# The national admins' menu: they run the installation and read no ARS's data.
NATIONAL_ADMIN_NAVIGATION = [
    ("organisation.index", "Organisations"),
    ("accounts.index", "Comptes"),
    ("admin.audit", "Journal de sécurité"),
]


def navigation_links() -> list[tuple[str, str, str]]:
    """The menu as (endpoint, label, URL). It depends on the account's role alone, so each app builds it
    once per role (``built_once``), not on every page."""
    from flask_login import current_user

    from app.urls import built_once

    return built_once("navigation", (current_user.role,), _build_navigation)


def _build_navigation() -> list[tuple[str, str, str]]:
    from flask import current_app, url_for
    from flask_login import current_user

    from app.access import may_open

    if current_user.is_national_admin:
        entries = [(endpoint, label) for endpoint, label in NATIONAL_ADMIN_NAVIGATION]
    else:
        entries = [(endpoint, label) for endpoint, label, staff_only in NAVIGATION
                   if endpoint in current_app.view_functions and (current_user.is_staff or not staff_only)
                   and may_open(current_user, endpoint)]
    return [(endpoint, label, url_for(endpoint)) for endpoint, label in entries]


def register_error_pages(app: Flask) -> None:
    messages = {
        400: ("Requête invalide", "La requête n'a pas pu être traitée. Rechargez la page et réessayez."),
        429: ("Trop de tentatives", "Trop de tentatives en peu de temps. Patientez une minute avant de réessayer."),
        403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
        404: ("Page introuvable", "Cette page n'existe pas ou a été supprimée."),
        409: ("Séance figée", "Le compte rendu de cette séance est validé : rouvrez-le depuis la page de la "
                              "séance avant de la modifier."),
        413: ("Envoi trop volumineux", "Le fichier ou le texte envoyé dépasse la taille autorisée."),
        500: ("Erreur interne", "Une erreur est survenue. Réessayez ; si elle persiste, prévenez l'administrateur."),
    }

    def make_handler(code: int):
        def handler(error):
            if code == 500:
                db.session.rollback()
            title, message = messages[code]
            return render_template("errors/error.html", code=code, title=title, message=message), code

        return handler

    for code in messages:
        app.register_error_handler(code, make_handler(code))


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, connection_record):
    """SQLite enforces foreign keys only when asked, per connection; WAL lets readers and one writer
    (several gunicorn workers) work at once, and a busy timeout makes writers wait instead of failing."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
        # PostgreSQL's translate(), used to fold accents in name searches (app/people/search.py).
        from app.people.search import sqlite_translate

        dbapi_connection.create_function("translate", 3, sqlite_translate, deterministic=True)

from flask import Blueprint, current_app, url_for
from sqlalchemy import event
from sqlalchemy.engine import Engine

bp = Blueprint("agenda", __name__)


@bp.context_processor
def minutes_link():
    """The published minutes' address; the documents area serves it (a fixed path until it is installed)."""

    def minutes_url(meeting) -> str:
        if "documents.minutes_docx" in current_app.view_functions:
            return url_for("documents.minutes_docx", meeting_id=meeting.id)
        return f"/meetings/{meeting.id}/minutes.docx"

    return {"minutes_url": minutes_url}


@event.listens_for(Engine, "connect")
def _sqlite_unicode_lower(dbapi_connection, connection_record):
    """SQLite's lower() only folds ASCII: give it Python's, so that a search for « télémédecine »
    finds « TÉLÉMÉDECINE » as it does on PostgreSQL."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function("lower", 1, lambda value: value.lower() if isinstance(value, str) else value,
                                         deterministic=True)


from app.agenda import routes  # noqa: E402,F401

from flask import Blueprint, current_app, url_for

bp = Blueprint("agenda", __name__)


@bp.context_processor
def minutes_link():
    """The published minutes' address; the documents area serves it (a fixed path until it is installed)."""

    def minutes_url(meeting) -> str:
        if "documents.minutes_docx" in current_app.view_functions:
            return url_for("documents.minutes_docx", meeting_id=meeting.id)
        return f"/meetings/{meeting.id}/minutes.docx"

    return {"minutes_url": minutes_url}


from app.agenda import routes  # noqa: E402,F401

from flask import Blueprint

bp = Blueprint("attendance", __name__)


@bp.app_context_processor
def quorum_helpers():
    """Lets the meeting page's partial show the quorum without the meetings area knowing about it."""
    from app.meetings.quorum import quorum_status

    return {"quorum_status": quorum_status}


from app.attendance import routes  # noqa: E402,F401

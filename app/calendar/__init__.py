"""Calendar files (.ics), subscribable feeds, convocation e-mails and answers."""
from flask import Blueprint

bp = Blueprint("calendar", __name__)


@bp.record_once
def _register_listeners(state) -> None:
    from app.calendar.sequence import register_listeners

    register_listeners()


from app.calendar import routes  # noqa: E402,F401

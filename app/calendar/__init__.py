"""Calendar files (.ics), subscribable feeds, convocation e-mails and answers."""
from flask import Blueprint

bp = Blueprint("calendar", __name__)

from app.calendar import routes  # noqa: E402,F401

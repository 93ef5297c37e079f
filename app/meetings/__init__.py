from flask import Blueprint

# No URL prefix: a meeting is created under its body (/bodies/<id>/meetings/new).
bp = Blueprint("meetings", __name__)

from app.meetings import routes  # noqa: E402,F401

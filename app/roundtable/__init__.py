from flask import Blueprint

bp = Blueprint("roundtable", __name__)

from app.roundtable import routes  # noqa: E402,F401

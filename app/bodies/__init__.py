from flask import Blueprint

bp = Blueprint("bodies", __name__, url_prefix="/bodies")

from app.bodies import routes  # noqa: E402,F401

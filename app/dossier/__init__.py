"""The dossier de séance: documents uploaded to a meeting, sent with the convocation, with proof of
who opened which version when (D.1432-50: the documents needed, at least ten days before)."""
from flask import Blueprint

bp = Blueprint("dossier", __name__)

from app.dossier import routes  # noqa: E402,F401

"""Word documents: compte rendu, feuille d'émargement, synthesis; the minutes workflow."""
from flask import Blueprint

bp = Blueprint("documents", __name__)

from app.documents import routes  # noqa: E402,F401

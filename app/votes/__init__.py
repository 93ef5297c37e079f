"""Votes and avis: the nature of agenda items, the vote of the body on each item put to the vote, the
avis it adopts, the relevé des avis of the compte rendu and the public page of the avis."""
from flask import Blueprint

bp = Blueprint("votes", __name__, template_folder="templates")

from app.votes import routes  # noqa: E402,F401

"""Accounts (admins): who may log in, in which ARS, with which role; deactivation and reactivation."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from app.accounts import routes  # noqa: E402,F401

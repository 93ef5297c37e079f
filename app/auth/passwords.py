"""Password rules, password reset links and finding an account by address, in one place for the command
line, the login, the « changer mon mot de passe » page and the reset by e-mail."""
from __future__ import annotations

import hashlib
import secrets
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.forms import clean_text, one_line
from app.models import User

MIN_LENGTH = 12
RESET_SALT = "password-reset"


def password_problems(password: str, email: str | None = None) -> list[str]:
    """What is wrong with ``password`` for the account ``email``, in French; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Le mot de passe doit comporter au moins {MIN_LENGTH} caractères.")
    if password.isalpha():
        problems.append("Le mot de passe doit contenir au moins un chiffre, une espace ou un signe, pas seulement "
                        "des lettres.")
    if email and password.strip().casefold() == email.strip().casefold():
        problems.append("Le mot de passe ne doit pas être votre adresse électronique.")
    return problems


def account_address(email: str) -> str:
    """The address a form's ``email`` is about, as ``find_account`` reads it: without the control characters
    and line breaks the forms drop, surrounding spaces and case (the limits per account count it too)."""
    return one_line(clean_text(email)).strip().lower()


def find_account(email: str) -> User | None:
    """The account of an address, case and surrounding spaces ignored."""
    return db.session.scalar(select(User).where(func.lower(User.email) == account_address(email)))


@cache
def _dummy_hash(method: str) -> str:
    """A hash made like the accounts' ones (``method``), of a password nobody knows."""
    return generate_password_hash(secrets.token_urlsafe(32), method=method)


def check_password_in_constant_time(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; without an account, a dummy hash is checked instead, so that
    the answer takes the same time whether an address has an account or not."""
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return user.check_password(password)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    """Changes with the password hash, so that a link works once, and with the session generation, so that
    a deactivation (or a logout, a password change) ends it for good, a reactivation included; neither
    leaves the server."""
    return hashlib.sha256(f"{user.password_hash}:{user.session_generation}".encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "password": _fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The active account a reset link was made for, or None if it is tampered with, expired
    (``PASSWORD_RESET_MAX_AGE`` seconds) or already used (the password changed since)."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None or not user.active or data.get("password") != _fingerprint(user):
        return None
    return user

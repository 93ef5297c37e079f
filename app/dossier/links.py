"""Personal links of the e-mails: signed, expiring, naming one person and one document (or the whole
dossier of a meeting). The person opens them without logging in; the download counts as theirs."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.calendar.urls import public_url

SALT = "seances-dossier-link"


@dataclass(frozen=True)
class PersonalLink:
    person_id: int
    document_id: int | None = None
    meeting_id: int | None = None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def document_token(person_id: int, document_id: int) -> str:
    return _serializer().dumps({"p": person_id, "d": document_id})


def dossier_token(person_id: int, meeting_id: int) -> str:
    return _serializer().dumps({"p": person_id, "m": meeting_id})


def read_token(token: str) -> PersonalLink | None:
    """What a link names; None when tampered with or expired."""
    max_age = int(current_app.config["DOCUMENT_LINK_MAX_AGE_DAYS"]) * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    return PersonalLink(data["p"], data.get("d"), data.get("m"))


def document_url(person_id: int, document_id: int) -> str:
    return public_url("dossier.personal_download", token=document_token(person_id, document_id))


def dossier_url(person_id: int, meeting_id: int) -> str:
    return public_url("dossier.personal_zip", token=dossier_token(person_id, meeting_id))

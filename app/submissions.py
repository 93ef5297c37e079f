"""A create form posted twice (a double tap on a slow phone network, « Renvoyer » after Back) creates once.

Each form shown carries a new token (``SubmittedOnce``, a hidden field); the view records it, in the same
transaction, with what the form created (``Submission.commit``). The same token posted again creates nothing:
the view answers as the first post did (``Submission.repeated``), and two posts at the same moment are told
apart by the primary key of ``form_submission``, not by a check before the insert. A token missing or
malformed (a page older than this, a form tampered with) never blocks anyone: the record is created as
without this protection. Planning a meeting has its own token, stored on the meeting
(``Meeting.creation_token``, ``app/meetings/routes.py``), with the same format::

    form = DueDateDeadlineForm()                     # class DueDateDeadlineForm(SubmittedOnce, FrenchForm)
    submission = Submission(form, url_for("deadlines.new", meeting_id=meeting_id))
    if submission.repeated():
        return already_sent()                        # flash « Ce formulaire avait déjà été envoyé… »
    ...                                              # validate, add the new rows to the session
    if not submission.commit():                      # the same form, posted at the same moment, won
        return already_sent()

A replayed form (its CSRF token lost: ``app/expired_forms.py``) keeps its token, which is no secret and is
kept with what was typed: posted later, it is still recognised. The rows are left in place (no purge: the app
purges no other data on a schedule); each is a few dozen bytes.
"""
from __future__ import annotations

import re
import secrets

from flask import flash, redirect
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from app.extensions import db
from app.models import FormSubmission

# What a token looks like (``secrets.token_urlsafe(24)`` writes 32 characters); anything else posted is ignored.
CREATION_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
TOKEN_FIELD = "submission_token"


def already_sent(what: str) -> str:
    """The message of a repeated post: « Ce formulaire avait déjà été envoyé : ``what`` qu'une fois. », where
    ``what`` says what was made (« l'échéance « … » n'a été enregistrée »)."""
    return f"Ce formulaire avait déjà été envoyé : {what} qu'une fois."


def answer_repeat(what: str, url: str):
    """The answer to a form posted again: where the first post led (``url``), with ``already_sent(what)``."""
    flash(already_sent(what), "info")
    return redirect(url)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SubmittedOnce:
    """Mixed into a create form: one new token for each form shown (the field's default), the posted one kept
    when the form comes back (refused, or replayed after its CSRF token was lost)."""

    submission_token = HiddenField(default=new_token)


def posted_token(form) -> str | None:
    """The token ``form`` was posted with, if well formed; None for a form posted without one."""
    raw = getattr(form, TOKEN_FIELD).raw_data
    token = raw[0] if raw else None
    return token if isinstance(token, str) and CREATION_TOKEN.fullmatch(token) else None


class Submission:
    """The post of a ``SubmittedOnce`` form whose result is shown at ``url`` (where a repeated post leads)."""

    def __init__(self, form, url: str):
        self.token = posted_token(form)
        self.url = url

    def repeated(self) -> bool:
        """Whether this form already created what it creates. A token recorded for another page (a form
        tampered with) counts as none: the record is made without it."""
        if self.token is None:
            return False
        recorded = db.session.get(FormSubmission, self.token)
        if recorded is None:
            return False
        if recorded.url != self.url:
            self.token = None
            return False
        return True

    def commit(self) -> bool:
        """Commit what the form created with its token; False when the same form, posted at the same moment,
        was committed first (the token's primary key refused this one): nothing of this post is kept."""
        if self.token is not None:
            db.session.add(FormSubmission(token=self.token, url=self.url))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if self.token is not None and db.session.get(FormSubmission, self.token) is not None:
                return False
            raise
        return True

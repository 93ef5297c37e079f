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

Where the created thing is shown only once it exists (a new consultation's page), ``commit`` is told how to
name that page (``shown_at``, called once the new rows have their ids); it is recorded with the token
(``FormSubmission.shown_at``) and a repeated post leads there (``Submission.leads_to``, ``Submission.answer``)::

    submission = Submission(form, url_for("votes.new_consultation", body_id=body.id))
    if submission.repeated():
        return submission.answer("la consultation écrite n'a été ouverte")
    ...
    if not submission.commit(shown_at=lambda: url_for("votes.consultation", consultation_id=consultation.id)):
        return submission.answer("la consultation écrite n'a été ouverte")

A replayed form (its CSRF token lost: ``app/expired_forms.py``) keeps its token, which is no secret and is
kept with what was typed: posted later, it is still recognised. The rows are left in place (no purge: the app
purges no other data on a schedule); each is a few dozen bytes.
"""
from __future__ import annotations

import re
import secrets
from typing import Callable

from flask import flash, redirect
from sqlalchemy import select
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
    """The post of a ``SubmittedOnce`` form; ``url``: where a repeated post leads (the page the first post led
    to), unless what the first post created is shown on a page of its own (``commit(shown_at=…)``)."""

    def __init__(self, form, url: str):
        self.token = posted_token(form)
        self.url = url
        # Where a repeated post leads: ``url``, or the page of what the first post created.
        self.leads_to = url

    def repeated(self) -> bool:
        """Whether this form already created what it creates. A token recorded for another page (a form
        tampered with) counts as none: the record is made without it."""
        recorded = self._recorded()
        if recorded is None:
            return False
        if recorded.url != self.url:
            self.token = None
            return False
        self.leads_to = recorded.shown_at or self.url
        return True

    def commit(self, shown_at: Callable[[], str] | None = None) -> bool:
        """Commit what the form created with its token; False when the same form, posted at the same moment,
        was committed first (the token's primary key refused this one): nothing of this post is kept, and
        ``leads_to`` is where the other post's creation is shown. ``shown_at`` names the page of what was
        created, once flushed (its id known), when a repeat should lead there rather than to ``url``."""
        try:
            if self.token is not None:
                page = None
                if shown_at is not None:
                    db.session.flush()
                    page = shown_at()
                db.session.add(FormSubmission(token=self.token, url=self.url, shown_at=page))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            recorded = self._recorded()
            if recorded is not None:
                self.leads_to = recorded.shown_at or self.url
                return False
            raise
        return True

    def _recorded(self):
        """The ``url`` and ``shown_at`` recorded with this token, or None. Read as columns: no instance is left in
        the session's identity map for a later add of the same token to collide with."""
        if self.token is None:
            return None
        return db.session.execute(select(FormSubmission.url, FormSubmission.shown_at)
                                  .where(FormSubmission.token == self.token)).first()

    def answer(self, what: str):
        """The answer to this form posted again: where the first post led, with ``already_sent(what)``."""
        return answer_repeat(what, self.leads_to)

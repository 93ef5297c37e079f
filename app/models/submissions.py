"""The token of a create form once it has created something: the same form posted twice (a double tap on a
slow network, « Renvoyer » after Back) creates once (``app/submissions.py``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utc_now


class FormSubmission(db.Model):
    """One token per form shown, recorded in the transaction that saves what the form created: the primary
    key refuses the second of two posts of the same form, even at the same moment."""

    __tablename__ = "form_submission"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Where a repeated post leads, as the view names it (the page the first post led to), unless ``shown_at`` is
    # set; a token posted to a view naming another page counts as none.
    url: Mapped[str] = mapped_column(String(500))
    # Where what the form created is shown when that page is known only once it exists (a new consultation's
    # page, a new body's); None: ``url``.
    shown_at: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

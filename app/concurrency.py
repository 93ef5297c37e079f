"""Optimistic locking: a form carries the version of what it shows, and saving over a newer version
is refused instead of silently overwriting someone else's change."""
from __future__ import annotations

from sqlalchemy import Table, update

from app.extensions import db

RELOAD_HINT = "rechargez la page pour voir la version actuelle (votre saisie est reprise ci-dessous)."


class StaleEditError(Exception):
    """Someone saved the same thing since the form was shown; ``message`` is for the user."""

    def __init__(self, what: str):
        super().__init__(f"Quelqu'un a modifié {what} pendant que vous écriviez : {RELOAD_HINT}")
        self.message = str(self)


def check_version(expected: object, current: int, what: str) -> None:
    """Raise StaleEditError unless the version posted with a form (``expected``, as text or int) is
    ``current``. A missing or malformed version is refused too: every edit form carries one."""
    try:
        matches = int(str(expected)) == current
    except ValueError:
        matches = False
    if not matches:
        raise StaleEditError(what)


def claim_version(table: Table, column: str, row_id: int, expected: int, what: str) -> int:
    """Compare-and-set ``column`` of one row from ``expected`` to ``expected + 1`` in a single UPDATE,
    so that two saves at the same instant cannot both pass; returns the new version."""
    result = db.session.execute(
        update(table).where(table.c.id == row_id, table.c[column] == expected).values({column: expected + 1})
    )
    if result.rowcount != 1:
        raise StaleEditError(what)
    return expected + 1


def register_stale_data_page(app) -> None:
    """A versioned row changed by someone else between loading and saving in routes that do not check a
    posted version (moving or deleting a point at the same instant): a 409 page in French, never a 500."""
    from flask import render_template
    from sqlalchemy.orm.exc import StaleDataError

    @app.errorhandler(StaleDataError)
    def stale_data(error):
        db.session.rollback()
        return render_template("errors/error.html", code=409, title="Modification simultanée",
                               message="Quelqu'un a modifié cet élément au même moment : rechargez la page "
                                       "et recommencez."), 409

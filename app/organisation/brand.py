"""What heads every page: the ARS's logo, and the State bloc-marque when the ARS may use it; its name and
address for the footer's pages (the publisher of the site).

Read with the account itself (``app/auth/sessions.py`` selects ``BRAND_COLUMNS`` in the user loader's
query): a logged-in page pays no query of its own for its header. Nothing is kept between requests, so a
new logo shows on the next page of every app server.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Organisation

# The organisation's columns the header needs (never the logo's bytes: only whether there is one).
BRAND_COLUMNS = (Organisation.id, Organisation.logo.is_not(None), Organisation.state_brand, Organisation.name,
                 Organisation.secretariat_email)


@dataclass(frozen=True)
class HeaderBrand:
    organisation_id: int | None = None
    has_logo: bool = False
    state_brand: bool = False
    name: str | None = None
    secretariat_email: str | None = None

    @classmethod
    def of_row(cls, row) -> HeaderBrand:
        """From the values of ``BRAND_COLUMNS`` (all None for an account without an ARS)."""
        organisation_id, has_logo, state_brand, name, secretariat_email = row
        return cls(organisation_id, bool(has_logo), bool(state_brand), name, secretariat_email)

    @property
    def logo_url(self) -> str | None:
        return url_for("organisation.logo", organisation_id=self.organisation_id) if self.has_logo else None


def header_brand_of_request() -> HeaderBrand:
    """The brand of the user's ARS (read with the account); on pages without a user, that of the only ARS of
    the installation (none when it serves several): one query. base.html asks once per page."""
    if current_user.is_authenticated:
        brand = getattr(current_user, "header_brand", None)
        if brand is not None:
            return brand
        # Logged in during this very request: the loader did not run.
        rows = db.session.execute(select(*BRAND_COLUMNS).where(Organisation.id == current_user.organisation_id)).all()
    else:
        rows = db.session.execute(select(*BRAND_COLUMNS).limit(2)).all()
    return HeaderBrand.of_row(rows[0]) if len(rows) == 1 else HeaderBrand()

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.bodies.domain import default_organisation
from app.extensions import db
from app.models import Organisation
from app.organisation import bp
from app.organisation.forms import MAX_LOGO_BYTES, OrganisationForm
from app.permissions import admin_required


@bp.route("/organisation", methods=["GET", "POST"])
@admin_required
def settings():
    organisation = default_organisation()
    # Refuse early what the form would refuse anyway; up to the limit, the form says why in French.
    request.max_content_length = MAX_LOGO_BYTES + 64 * 1024
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        organisation.name = form.name.data.strip()
        organisation.short_name = form.short_name.data.strip()
        organisation.secretariat_email = (form.secretariat_email.data or "").strip() or None
        if getattr(form, "logo_content", None) is not None:
            organisation.logo, organisation.logo_mimetype = form.logo_content, form.logo_type
        elif form.remove_logo.data:
            organisation.logo = organisation.logo_mimetype = None
        db.session.commit()
        flash("Paramètres de l'organisation enregistrés.", "success")
        return redirect(url_for("organisation.settings"))
    return render_template("organisation/settings.html", form=form, organisation=organisation)


@bp.route("/organisation/logo")
def logo():
    """The logo of the page header (public: the login page shows it too)."""
    organisation = db.session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
    if organisation is None or not organisation.logo:
        abort(404)
    response = Response(organisation.logo, mimetype=organisation.logo_mimetype or "application/octet-stream")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.app_context_processor
def header_logo():
    return {"header_logo_url": header_logo_url}


def header_logo_url() -> str | None:
    """URL of the logo for the page header, None when the organisation has none."""
    has_logo = db.session.scalar(select(Organisation.id).where(Organisation.logo.is_not(None)).limit(1))
    return url_for("organisation.logo") if has_logo else None

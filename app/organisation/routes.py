from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.extensions import db
from app.models import Body, Organisation, User
from app.organisation import bp
from app.organisation.brand import header_brand_of_request
from app.models import utc_now
from app.organisation.forms import MAX_LOGO_BYTES, MAX_TEMPLATE_BYTES, NewOrganisationForm, OrganisationForm
from app.permissions import admin_required, national_admin_required
from app.submissions import Submission


@bp.route("/organisation", methods=["GET", "POST"])
@admin_required
def settings():
    """The admin's own ARS: name, secretariat address, logo, Word template."""
    organisation = current_user.organisation
    # Refuse early what the form would refuse anyway; up to the limit, the form says why in French.
    request.max_content_length = MAX_LOGO_BYTES + MAX_TEMPLATE_BYTES + 64 * 1024
    form = OrganisationForm(obj=organisation, organisation_id=organisation.id)
    if form.validate_on_submit():
        organisation.name = form.name.data.strip()
        organisation.short_name = form.short_name.data.strip()
        organisation.secretariat_email = (form.secretariat_email.data or "").strip() or None
        organisation.state_brand = form.state_brand.data
        organisation.french_typography = form.french_typography.data
        if getattr(form, "logo_content", None) is not None:
            organisation.logo, organisation.logo_mimetype = form.logo_content, form.logo_type
        elif form.remove_logo.data:
            organisation.logo = organisation.logo_mimetype = None
        if getattr(form, "template_content", None) is not None:
            organisation.word_template = form.template_content
            organisation.word_template_filename = form.template_filename
            organisation.word_template_uploaded_at = utc_now()
        elif form.remove_word_template.data:
            organisation.word_template = organisation.word_template_filename = None
            organisation.word_template_uploaded_at = None
        db.session.commit()
        flash("Paramètres de l'organisation enregistrés.", "success")
        return redirect(url_for("organisation.settings"))
    return render_template("organisation/settings.html", form=form, organisation=organisation)


@bp.route("/organisations", methods=["GET", "POST"])
@national_admin_required
def index():
    """National admins: the ARS of the installation, their number of accounts and bodies; a new ARS."""
    form = NewOrganisationForm()
    submission = Submission(form, url_for("accounts.create"))  # where a new ARS leads: its first account
    name = (form.name.data or "").strip()
    organisation_sent = f"l'organisation « {name} » n'a été créée" if name else "l'organisation n'a été créée"
    if submission.repeated():
        return submission.answer(organisation_sent)
    if form.validate_on_submit():
        organisation = Organisation(name=form.name.data.strip(), short_name=form.short_name.data.strip(),
                                    secretariat_email=(form.secretariat_email.data or "").strip() or None)
        db.session.add(organisation)
        if not submission.commit():  # the same form, posted at the same moment, was saved first
            return submission.answer(organisation_sent)
        flash(f"Organisation créée : {organisation.name}. Créez maintenant son premier compte administrateur.",
              "success")
        return redirect(url_for("accounts.create"))
    accounts = dict(db.session.execute(select(User.organisation_id, func.count()).group_by(User.organisation_id)).all())
    bodies = dict(db.session.execute(select(Body.organisation_id, func.count()).group_by(Body.organisation_id)).all())
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("organisation/index.html", organisations=organisations, accounts=accounts, bodies=bodies,
                           form=form), 422 if form.errors else 200


@bp.route("/organisation/<int:organisation_id>/logo")
def logo(organisation_id: int):
    """The logo of an ARS, in the page header (public: the login page shows it when there is one ARS)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.logo:
        abort(404)
    response = Response(organisation.logo, mimetype=organisation.logo_mimetype or "application/octet-stream")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.app_context_processor
def header_brand():
    return {"header_brand": header_brand_of_request}



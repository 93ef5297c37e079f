from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts import bp
from app.accounts.domain import AccountError, create_account, deactivate, reactivate
from app.accounts.forms import AccountForm, ConfirmForm
from app.auth.emails import send_password_reset
from app.extensions import db
from app.forms import choices, page_number
from app.models import Organisation, Person, Role, User
from app.permissions import (
    NATIONALLY_MANAGED_ROLES,
    account_admin_required,
    get_account_or_404,
    visible_accounts,
    visible_people,
)
from app.submissions import Submission

PAGE_SIZE = 50


@bp.route("/admin/comptes")
@account_admin_required
def index():
    query = visible_accounts(current_user).options(selectinload(User.organisation), selectinload(User.person))
    page = db.paginate(query, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return render_template("accounts/index.html", page=page, form=ConfirmForm())


def _account_form() -> AccountForm:
    """National admins create the admin and secretariat accounts of any ARS (and other national admins),
    without reading any ARS's people; an ARS's admins create accounts of their ARS, members' included,
    linked to one of its people."""
    form = AccountForm()
    if current_user.is_national_admin:
        roles = list(NATIONALLY_MANAGED_ROLES)
        organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
        form.organisation_id.choices = choices([("", "— aucune (administrateur national) —")] + [
            (organisation.id, organisation.name) for organisation in organisations])
        del form.person_id
    else:
        roles = [Role.MEMBER, Role.SECRETARIAT, Role.ADMIN]
        form.organisation_id.choices = choices([(current_user.organisation.id, current_user.organisation.name)])
        form.person_id.choices = choices([("", "— aucune —")] + [
            (person.id, f"{person.formal_name}{' — ' + person.email if person.email else ''}")
            for person in db.session.scalars(visible_people(current_user))])
    form.role.choices = choices((role.value, role.label) for role in roles)
    return form


@bp.route("/admin/comptes/nouveau", methods=["GET", "POST"])
@account_admin_required
def create():
    form = _account_form()
    submission = Submission(form, url_for("accounts.index"))
    if submission.repeated():
        return submission.answer(_account_sent(form))
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        person_field = getattr(form, "person_id", None)
        person = db.session.get(Person, person_field.data) if person_field and person_field.data else None
        try:
            account = create_account(form.email.data, Role(form.role.data), organisation, person=person)
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field, form.email).errors.append(str(error))
        else:
            try:
                committed = submission.commit()
            except IntegrityError:  # the same address (or person) given an account meanwhile, from another form
                form.email.errors.append("Un compte vient d'être créé pour cette adresse ou cette personne : "
                                         "vérifiez la liste des comptes.")
            else:
                if not committed:  # the same form, posted at the same moment, was saved first
                    return submission.answer(_account_sent(form))
                send_password_reset(account)
                flash(f"Compte créé : {account.email}. Un courriel lui permet de choisir son mot de passe (lien "
                      "valable une heure ; ensuite, « Mot de passe oublié ? » sur la page de connexion).", "success")
                return redirect(url_for("accounts.index"))
    return render_template("accounts/form.html", form=form), 422 if form.errors else 200


def _account_sent(form: AccountForm) -> str:
    """What a repeated account form says was done once: the account, and its e-mail."""
    email = (form.email.data or "").strip()
    return f"le compte {email} n'a été créé (et son courriel envoyé)" if email else "le compte n'a été créé"


def _change(user_id: int, change, message: str):
    account = get_account_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        if account.id == current_user.id:
            flash("Vous ne pouvez pas désactiver votre propre compte.", "error")
        else:
            change(account)
            db.session.commit()
            flash(message.format(email=account.email), "success")
    return redirect(url_for("accounts.index"))


@bp.route("/admin/comptes/<int:user_id>/desactiver", methods=["POST"])
@account_admin_required
def deactivate_account(user_id: int):
    """The account is logged out everywhere at once and can no longer log in."""
    return _change(user_id, deactivate, "Le compte {email} est désactivé : ses sessions sont fermées.")


@bp.route("/admin/comptes/<int:user_id>/reactiver", methods=["POST"])
@account_admin_required
def reactivate_account(user_id: int):
    return _change(user_id, reactivate, "Le compte {email} est réactivé.")

"""``flask create-organisation``, ``create-user``, ``deactivate-user``, ``reactivate-user``."""
from __future__ import annotations

import click
from sqlalchemy import func, select

from app.accounts.domain import (
    AccountError,
    check_new_account,
    create_account,
    deactivate,
    organisation_for_new_account,
    reactivate,
)
from app.auth.passwords import find_account
from app.extensions import db
from app.models import Organisation, Role


@click.command("create-organisation")
@click.argument("name")
@click.option("--short-name", default="", help="Nom court (« ARS Occitanie »).")
@click.option("--secretariat-email", default=None, help="Adresse du secrétariat (expéditeur des convocations).")
def create_organisation_command(name: str, short_name: str, secretariat_email: str | None):
    """Create an organisation (ARS)."""
    name = " ".join(name.split())
    if not name:
        raise click.ClickException("Donnez le nom de l'organisation.")
    if db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())):
        raise click.ClickException(f"L'organisation « {name} » existe déjà.")
    organisation = Organisation(name=name, short_name=short_name.strip(), secretariat_email=secretariat_email)
    db.session.add(organisation)
    db.session.commit()
    click.echo(f"Organisation créée : {organisation.id} {organisation.name}")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.MEMBER.value,
              show_default=True, help="Rôle du compte (national_admin : administrateur de l'installation).")
@click.option("--organisation", "organisation_reference", default=None,
              help="Organisation du compte : nom, nom court ou numéro (facultatif s'il n'y en a qu'une).")
@click.option("--password", prompt="Mot de passe", hide_input=True, confirmation_prompt=True,
              help="Mot de passe (demandé s'il n'est pas donné).")
def create_user_command(email: str, role: str, organisation_reference: str | None, password: str):
    """Create a user account in an organisation."""
    role = Role(role)
    try:
        check_new_account(email, password)
        organisation = None if role is Role.NATIONAL_ADMIN else organisation_for_new_account(organisation_reference)
        user = create_account(email, role, organisation, password=password)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    where = f", {organisation.name}" if organisation is not None else ""
    click.echo(f"Compte créé : {user.email} ({user.role.label}{where}).")


def _change_account(email: str, change, done: str) -> None:
    user = find_account(email)
    if user is None:
        raise click.ClickException(f"Aucun compte pour {email}.")
    change(user)
    db.session.commit()
    click.echo(done.format(email=user.email))


@click.command("deactivate-user")
@click.argument("email")
def deactivate_user_command(email: str):
    """Deactivate an account: it can no longer log in, and its sessions end everywhere at once."""
    _change_account(email, deactivate, "Compte désactivé : {email} (toutes ses sessions sont fermées).")


@click.command("reactivate-user")
@click.argument("email")
def reactivate_user_command(email: str):
    """Reactivate an account."""
    _change_account(email, reactivate, "Compte réactivé : {email}.")


commands = (create_organisation_command, create_user_command, deactivate_user_command, reactivate_user_command)

"""``flask export-person`` and ``flask anonymise-person``: personal data from the command line."""
from __future__ import annotations

from pathlib import Path

import click

from app.extensions import db
from app.models import Person


def find_person(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        raise click.ClickException(f"Aucune personne n°{person_id}.")
    return person


@click.command("export-person")
@click.argument("person_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier JSON à écrire.")
def export_person_command(person_id: int, output: Path):
    """Write everything held about PERSON_ID as JSON (the export is logged in the audit trail)."""
    from app.admin.personal_data import export_json

    text = export_json(find_person(person_id))
    output.write_text(text, encoding="utf-8")
    db.session.commit()
    click.echo(f"Données de la personne n°{person_id} écrites dans {output}")


@click.command("anonymise-person")
@click.argument("person_id", type=int)
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
def anonymise_person_command(person_id: int, yes: bool):
    """Replace the names of PERSON_ID (retention rule ANONYMISE_MINUTES_AFTER_YEARS); logged."""
    from app.admin.personal_data import anonymise_and_log

    person = find_person(person_id)
    if not yes:
        click.confirm(f"Anonymiser définitivement {person.display_name} ?", abort=True)
    rebuilt = anonymise_and_log(person)
    db.session.commit()
    click.echo(f"Personne n°{person_id} anonymisée ; {rebuilt} compte(s) rendu(s) ancien(s) reconstruit(s).")


commands = (export_person_command, anonymise_person_command)

"""flask commands of the documents area, registered by app.cli: the three Word documents."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from app.documents.queries import (
    bodies_by_id,
    load_meeting_for_minutes,
    load_meeting_for_sign_in_sheet,
    meetings_for_synthesis,
    synthesis_themes,
)
from app.documents.redaction import redactions
from app.documents.sign_in_sheet import build_sign_in_sheet
from app.documents.synthesis import NO_MEETING_SELECTED, build_synthesis
from app.documents.word import document_bytes
from app.documents.workflow import minutes_file
from app.extensions import db

output_option = click.option(
    "-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Fichier .docx à écrire.",
)


def write_file(output: Path, content: bytes, what: str) -> None:
    """Write only once the document is fully built: a failed command leaves no file behind."""
    output.write_bytes(content)
    click.echo(f"{what} écrit dans {output} ({len(content)} octets).")


def _meeting_or_fail(meeting, meeting_id: int):
    if meeting is None or meeting.deleted_at is not None:
        raise click.ClickException(f"Séance introuvable : {meeting_id}.")
    return meeting


@click.command("minutes")
@click.argument("meeting_id", type=int)
@output_option
def minutes_command(meeting_id: int, output: Path):
    """Write the compte rendu of a meeting (the validated file once validated, else a draft)."""
    meeting = _meeting_or_fail(load_meeting_for_minutes(meeting_id), meeting_id)
    write_file(output, minutes_file(meeting), "Compte rendu")


@click.command("sign-in-sheet")
@click.argument("meeting_id", type=int)
@output_option
def sign_in_sheet_command(meeting_id: int, output: Path):
    """Write the feuille d'émargement of a meeting."""
    meeting = _meeting_or_fail(load_meeting_for_sign_in_sheet(meeting_id), meeting_id)
    write_file(output, document_bytes(build_sign_in_sheet(meeting)), "Feuille d'émargement")


def parse_day(context, parameter, value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"date invalide « {value} », attendue au format AAAA-MM-JJ.") from None


@click.command("synthesis")
@click.option("--body", "body_ids", type=int, multiple=True, required=True,
              help="Identifiant d'une instance (répétable).")
@click.option("--from", "date_from", required=True, callback=parse_day, help="Première date, AAAA-MM-JJ.")
@click.option("--to", "date_to", required=True, callback=parse_day, help="Dernière date, AAAA-MM-JJ.")
@output_option
def synthesis_command(body_ids: tuple[int, ...], date_from: date, date_to: date, output: Path):
    """Write the synthesis of the meetings of some bodies between two dates, by theme."""
    bodies = bodies_by_id(body_ids)
    missing = sorted(set(body_ids) - set(bodies))
    if missing:
        raise click.ClickException("Instance introuvable : " + ", ".join(map(str, missing)) + ".")
    if len({body.organisation_id for body in bodies.values()}) > 1:  # one ARS's document, its name and logo
        raise click.ClickException("Ces instances relèvent de plusieurs organisations : une synthèse porte sur "
                                   "les instances d'une seule.")
    if date_to < date_from:
        raise click.ClickException("La date de fin (--to) précède la date de début (--from).")
    meetings = meetings_for_synthesis(body_ids, date_from, date_to)
    if not meetings:
        raise click.ClickException(NO_MEETING_SELECTED)
    organisation_id = next(iter(bodies.values())).organisation_id
    write_file(output, document_bytes(build_synthesis(meetings, synthesis_themes(organisation_id))), "Synthèse")


@click.command("redact-validator-addresses")
@click.option("--apply", is_flag=True, help="Réécrire les fichiers (sans cette option : la liste seulement).")
def redact_validator_addresses_command(apply: bool):
    """List the validated comptes rendus whose validation line names an address (validated before 6 December 2026
    by an account without a person); with --apply, remove the address from that line of each frozen file."""
    found = 0
    for redaction in redactions(apply):
        found += 1
        click.echo(f"Séance n°{redaction.meeting_id} : « {redaction.line} » → « {redaction.redacted_line} »")
    if apply:
        db.session.commit()
    if not found:
        click.echo("Aucun compte rendu validé ne nomme une adresse dans sa ligne de validation.")
    elif apply:
        click.echo(f"{found} compte(s) rendu(s) réécrit(s) : l'adresse est retirée de la ligne de validation, "
                   "le reste du document est inchangé.")
    else:
        click.echo(f"{found} compte(s) rendu(s) nomment une adresse. Relancez avec --apply pour la retirer.")


commands: list = [minutes_command, sign_in_sheet_command, synthesis_command, redact_validator_addresses_command]

"""``flask`` commands: demo data, accounts, listings."""
from __future__ import annotations

import click
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.formatting import to_paris
from app.models import Meeting


def register_commands(app: Flask) -> None:
    from app.accounts.cli import commands as account_commands
    from app.admin.cli import commands as admin_commands
    from app.calendar.cli import commands as calendar_commands
    from app.documents.cli import commands as document_commands
    from app.mail.cli import commands as mail_commands

    for command in (demo_command, meetings_command, backup_command, restore_command, generate_load_command,
                    *account_commands, *document_commands, *calendar_commands, *admin_commands, *mail_commands):
        app.cli.add_command(command)


@click.command("demo")
def demo_command():
    """Load the demo data (seed 004 and a few upcoming meetings) into an empty database."""
    from app.demo import DEMO_PASSWORD, load_demo

    if load_demo():
        click.echo("Données de démonstration chargées.")
        click.echo("Comptes : admin@demo.example.fr, secretariat@demo.example.fr, membre@demo.example.fr (ARS "
                   "Occitanie) ; secretariat@bretagne.demo.example.fr, membre@bretagne.demo.example.fr (ARS "
                   f"Bretagne) ; national@demo.example.fr (administrateur national) ; mot de passe : {DEMO_PASSWORD}")
    else:
        click.echo("La base contient déjà des données : rien n'a été modifié.")


@click.command("meetings")
def meetings_command():
    """Print one line per meeting: id, date, start time, body, title (tab-separated, oldest first)."""
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.deleted_at.is_(None)).options(selectinload(Meeting.body))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    for meeting in meetings:
        start = to_paris(meeting.starts_at)
        click.echo("\t".join([str(meeting.id), start.strftime("%Y-%m-%d"), start.strftime("%H:%M"),
                              meeting.body.label, meeting.title]))


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path):
    """Write a consistent copy of the SQLite database to TARGET, even while the app runs."""
    from app.backup import BackupError, backup_database

    try:
        backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Sauvegarde écrite : {target}")


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
def restore_command(backup: Path, yes: bool):
    """Replace the SQLite database by the BACKUP file (checked first). Stop the app servers before."""
    from app.backup import BackupError, restore_database

    if not yes:
        click.confirm("La base actuelle sera remplacée par cette sauvegarde. Continuer ?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore_database(current_app.config["SQLALCHEMY_DATABASE_URI"], backup)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Base restaurée depuis {backup}")


@click.command("generate-load")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="Taille relative : 1 = 25 000 séances, 1 500 000 présences, 600 000 points.")
@click.option("--seed", type=int, default=2020, show_default=True, help="Graine du hasard (jeu reproductible).")
@click.option("--benchmark-meeting/--no-benchmark-meeting", default=True, show_default=True,
              help="Ajouter la séance de référence du banc d'essai (150 présences, 300 points).")
def generate_load_command(scale: float, seed: int, benchmark_meeting: bool):
    """Generate a realistic national dataset for benchmarks (bulk inserts)."""
    import time

    from app.loadgen import LoadSize, create_benchmark_meeting, generate_load

    if scale <= 0:
        raise click.ClickException("--scale doit être positif.")
    started = time.perf_counter()
    counts = generate_load(LoadSize.scaled(scale), seed=seed,
                           progress=lambda message: click.echo(f"  {time.perf_counter() - started:7.1f} s  {message}"))
    for table, count in counts.items():
        click.echo(f"{table:22} {count:>10,}".replace(",", " "))
    if benchmark_meeting:
        meeting = create_benchmark_meeting(seed=seed)
        click.echo(f"Séance de référence : {meeting.id} (instance {meeting.body_id})")
    click.echo(f"Terminé en {time.perf_counter() - started:.1f} s.")

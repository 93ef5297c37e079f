"""flask commands of the calendar area, registered by app.cli."""
from __future__ import annotations

from pathlib import Path

import click

from app.calendar.builders import attendees_of, deadlines_calendar, meeting_calendar
from app.calendar.queries import load_meeting_for_calendar, meeting_deadlines
from app.calendar.reminders import send_reminders


@click.command("calendar")
@click.argument("meeting_id", type=int)
@click.option("--deadlines", is_flag=True, help="Les prochaines échéances de la séance au lieu de la séance.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier .ics à écrire.")
def calendar_command(meeting_id: int, deadlines: bool, output: Path):
    """Write a meeting (or its prochaines échéances) as an .ics file."""
    meeting = load_meeting_for_calendar(meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        raise click.ClickException(f"Aucune séance n'a l'identifiant {meeting_id}.")
    if deadlines:
        calendar = deadlines_calendar(meeting_deadlines(meeting), name=f"Prochaines échéances — {meeting.body.label}")
    else:
        calendar = meeting_calendar(meeting, attendees=attendees_of(meeting.invitations))
    output.write_bytes(calendar.to_ical())
    click.echo(f"Fichier écrit : {output}")


@click.command("send-reminders")
def send_reminders_command():
    """E-mail the reminders that are due (meant for cron; running it twice sends nothing twice)."""
    reminders = send_reminders()
    meetings, deadlines = reminders.meetings.ids, reminders.deadlines.ids
    delivered = reminders.delivered
    if delivered is None:
        click.echo(f"Rappels de séance confiés à l'envoi : {len(meetings)} ; "
                   f"rappels d'échéance confiés à l'envoi : {len(deadlines)}.")
        return
    if delivered.postponed:  # recorded, not queued: cron must hear of it, and nothing was sent
        click.echo(f"Le service d'envoi est injoignable : {len(delivered.postponed)} rappel(s) enregistré(s), "
                   "ils partiront au prochain passage du worker ou par « flask deliver-mail ».", err=True)
        raise SystemExit(1)
    sent = set(delivered.sent)
    click.echo(f"Rappels de séance envoyés : {len(sent.intersection(meetings))} ; "
               f"rappels d'échéance envoyés : {len(sent.intersection(deadlines))}.")
    failures = delivered.failed + delivered.retrying
    if failures:
        click.echo(f"Échec pour {len(failures)} rappel(s) : ils seront réessayés (flask deliver-mail).", err=True)
        raise SystemExit(1)


commands: list = [calendar_command, send_reminders_command]

"""flask commands of e-mail: the worker of background jobs and the outbox sweep."""
from __future__ import annotations

import click
from flask import current_app

from app.jobs import background_enabled, job_queue, run_worker
from app.mail.outbox import deliver_due

SWEEP_JOB = "app.mail.outbox:deliver_due"


@click.command("worker")
@click.option("--burst", is_flag=True, help="S'arrêter quand la file est vide.")
def worker_command(burst: bool):
    """Run the background jobs (e-mails…) of the Redis queue; sends what was left behind at its start and
    every MAIL_SWEEP_SECONDS (what was recorded while Redis was unreachable, retries whose time has come)."""
    if not background_enabled():
        click.echo("REDIS_URL n'est pas configuré : les courriels partent pendant la requête, aucun worker "
                   "n'est nécessaire.")
        return
    from redis.exceptions import RedisError

    try:
        job_queue().connection.ping()
    except RedisError as error:
        click.echo(f"Redis injoignable ({error}) : le worker ne peut pas démarrer. Les courriels restent en "
                   "attente ; ils partiront à son démarrage, ou par « flask deliver-mail ».", err=True)
        raise SystemExit(1) from None
    click.echo(f"Worker de la file « {current_app.config['JOBS_QUEUE']} » démarré.")
    run_worker(SWEEP_JOB, int(current_app.config["MAIL_SWEEP_SECONDS"]), burst=burst)


@click.command("deliver-mail")
def deliver_mail_command():
    """Send the e-mails that are due now (waiting, or whose next try has come): a safety net for cron."""
    delivered = deliver_due()
    click.echo(f"Courriels envoyés : {len(delivered.sent)} ; en attente d'un nouvel essai : "
               f"{len(delivered.retrying)} ; en échec : {len(delivered.failed)}.")
    if delivered.failed or delivered.retrying:
        raise SystemExit(1)


commands: list = [worker_command, deliver_mail_command]

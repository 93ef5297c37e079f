"""E-mail leaves the request: the outbox, a real RQ worker, and SMTP servers that are slow, down, then back."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.formatting import paris_datetime
from app.mail.outbox import deliver, deliver_due
from app.models import AuditEvent, MailKind, MailStatus, OutboxMessage, Role, utc_now
from conftest import create_user, log_in
from ics_support import make_body, make_meeting
from tests.smtp_server import Inbox, SlowInbox, free_port

ROOT = Path(__file__).resolve().parent.parent


def upcoming_meeting(members: int = 3):
    return make_meeting(make_body(members), paris_datetime(date.today() + timedelta(days=30), 14),
                        title="Séance de printemps")


def rows(meeting=None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if meeting is not None:
        query = query.where(OutboxMessage.meeting_id == meeting.id)
    return list(db.session.scalars(query))


def statuses(meeting=None) -> list[MailStatus]:
    return [row.status for row in rows(meeting)]


def page_of(client, meeting) -> str:
    return client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def smtp_server(handler, port: int | None = None) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), enable_SMTPUTF8=True)
    controller.start()
    return controller


def test_the_request_only_records_and_a_worker_delivers_through_a_slow_server(
        app, app_context, secretariat_client, job_queue, mail_settings):
    meeting = upcoming_meeting()
    slow = SlowInbox(delay=0.3)
    server = smtp_server(slow)
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    try:
        response = secretariat_client.post(f"/meetings/{meeting.id}/convocations", follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "3 courriel(s) en cours d&#39;envoi" in page
        assert slow.messages == [], "nothing leaves during the request"
        assert statuses(meeting) == [MailStatus.PENDING] * 3
        assert "0 courriel(s) envoyé(s), 3 en attente d'envoi" in page_of(secretariat_client, meeting)
        assert job_queue.queue.count == 1, "one job for the whole sending"

        job_queue.work()
    finally:
        server.stop()
    assert sorted(recipients[0] for recipients, _ in slow.messages) == [
        "membre1@example.fr", "membre2@example.fr", "membre3@example.fr"]
    assert statuses(meeting) == [MailStatus.SENT] * 3
    page = page_of(secretariat_client, meeting)
    assert "3 courriel(s) envoyé(s)" in page and "en attente" not in page


def test_server_down_then_back_retries_with_backoff_and_sends_each_message_once(
        app, app_context, secretariat_client, job_queue, mail_settings):
    from rq.registry import ScheduledJobRegistry

    meeting = upcoming_meeting()
    port = free_port()
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)  # nobody listens yet
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    job_queue.work()
    waiting = rows(meeting)
    assert [row.status for row in waiting] == [MailStatus.PENDING] * 3
    assert all(row.next_attempt_at is not None and "ConnectionRefusedError" in row.detail for row in waiting)
    page = page_of(secretariat_client, meeting)
    assert "0 courriel(s) envoyé(s)" in page and "3 en attente d'un nouvel essai" in page
    assert "nouvel essai automatique à" in page
    assert ScheduledJobRegistry(queue=job_queue.queue).count == 1, "the retry waits in RQ's scheduler"

    handler = Inbox()
    server = smtp_server(handler, port)  # the server is back
    try:
        time.sleep(max(0.0, (max(row.next_attempt_at for row in waiting) - utc_now()).total_seconds()) + 0.2)
        job_queue.work()
        job_queue.work()  # nothing left: a second worker run sends nothing again
    finally:
        server.stop()
    assert len(handler.messages) == 3
    assert [(row.status, row.attempts) for row in rows(meeting)] == [
        (MailStatus.SENT, 2), (MailStatus.SENT, 1), (MailStatus.SENT, 1)]
    assert "3 courriel(s) envoyé(s)" in page_of(secretariat_client, meeting)


def test_a_server_down_for_good_ends_in_failure_shown_on_the_page(
        app, app_context, secretariat_client, job_queue, mail_settings):
    meeting = upcoming_meeting(members=1)
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    app.config["MAIL_RETRY_DELAYS"] = (0,)
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    job_queue.work()  # first try, retry scheduled at once
    job_queue.work()  # second and last try
    (row,) = rows(meeting)
    assert (row.status, row.attempts, row.sent_at) == (MailStatus.FAILED, 2, None)
    page = page_of(secretariat_client, meeting)
    assert "0 courriel(s) envoyé(s), 1 en échec" in page and "Réessayer les envois en échec" in page
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")  # the button sets it to go again
    assert statuses(meeting) == [MailStatus.PENDING]


def test_sending_twice_queues_nothing_twice_and_two_runs_of_a_job_send_once(
        app, app_context, secretariat_client, job_queue, inbox):
    meeting = upcoming_meeting()
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    page = secretariat_client.post(f"/meetings/{meeting.id}/convocations", follow_redirects=True).get_data(as_text=True)
    assert "Aucun courriel à envoyer" in page
    assert len(rows(meeting)) == 3
    job_queue.work()
    ids = [row.id for row in rows(meeting)]
    assert deliver(ids).sent == [] and deliver_due().sent == [], "a sent row is never claimed again"
    assert len(inbox.messages) == 3


def test_a_message_left_sending_by_a_dead_worker_is_taken_again_once_stale(app, app_context, inbox):
    meeting = upcoming_meeting(members=2)
    from app.calendar.convocations import meeting_mail
    from app.mail.outbox import queue

    queue([meeting_mail(MailKind.CONVOCATION, meeting, invitation.person_id) for invitation in meeting.invitations])
    db.session.commit()
    stale, fresh = rows(meeting)
    stale.status = fresh.status = MailStatus.SENDING
    db.session.commit()
    db.session.execute(OutboxMessage.__table__.update().where(OutboxMessage.id == stale.id)
                       .values(updated_at=utc_now() - timedelta(hours=1)))
    db.session.commit()
    assert deliver_due().sent == [stale.id]
    assert [row.status for row in rows(meeting)] == [MailStatus.SENT, MailStatus.SENDING]
    assert len(inbox.messages) == 1


def test_the_password_reset_form_answers_before_the_mail_leaves(app, app_context, job_queue, inbox):
    user = create_user(Role.MEMBER, email="oubli@example.fr")
    response = app.test_client().post("/mot-de-passe-oublie", data={"email": "oubli@example.fr"})
    assert response.status_code == 302
    assert inbox.messages == []
    job_queue.work()
    (message,) = inbox.to("oubli@example.fr")
    assert "/mot-de-passe/nouveau/" in message.get_content()
    assert rows()[0].kind is MailKind.PASSWORD_RESET and rows()[0].user_id == user.id


def test_the_audit_trail_credits_the_secretariat_member_for_mail_sent_by_the_worker(
        app, app_context, job_queue, inbox):
    meeting = upcoming_meeting(members=1)
    user = create_user(Role.SECRETARIAT, email="assistante@ars.example.fr")
    client = log_in(app.test_client(), user)
    client.post(f"/meetings/{meeting.id}/convocations")
    job_queue.work()
    db.session.expire_all()
    (sent,) = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "OutboxMessage",
                                                          AuditEvent.action == "sent")).all()
    assert (sent.user_email, sent.meeting_id) == ("assistante@ars.example.fr", meeting.id)


def subprocess_database_url(app) -> str:
    """The test database as a URL another process can open (PostgreSQL: with this run's schema)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    return f"{url}?options={quote(options)}" if options else url


def test_flask_worker_command_delivers_what_the_request_recorded(app, app_context, secretariat_client,
                                                                  job_queue, inbox):
    meeting = upcoming_meeting()
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    assert inbox.messages == []
    environment = {**os.environ, "DATABASE_URL": subprocess_database_url(app), "SECRET_KEY": app.config["SECRET_KEY"],
                   "BASE_URL": app.config["BASE_URL"], "MAIL_SERVER": "127.0.0.1",
                   "MAIL_PORT": str(app.config["MAIL_PORT"]), "REDIS_URL": app.config["REDIS_URL"],
                   "JOBS_QUEUE": job_queue.name}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"], cwd=ROOT,
                            env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"Worker de la file « {job_queue.name} » démarré." in result.stdout
    assert len(inbox.messages) == 3
    assert statuses(meeting) == [MailStatus.SENT] * 3


def test_worker_command_without_redis_says_none_is_needed(app, app_context):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0 and "aucun worker n'est nécessaire" in result.output


def test_deliver_mail_command_sends_what_is_due(app, app_context, inbox):
    meeting = upcoming_meeting(members=2)
    from app.calendar.convocations import meeting_mail
    from app.mail.outbox import queue

    queue([meeting_mail(MailKind.CONVOCATION, meeting, invitation.person_id) for invitation in meeting.invitations])
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0 and "Courriels envoyés : 2" in result.output
    assert len(inbox.messages) == 2


def test_an_address_refused_by_the_server_fails_at_once_without_retry(app, app_context, secretariat_client, inbox):
    meeting = upcoming_meeting(members=2)
    inbox.refuse = {"membre2@example.fr"}
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    first, second = rows(meeting)
    assert first.status is MailStatus.SENT
    assert (second.status, second.attempts, second.next_attempt_at) == (MailStatus.FAILED, 1, None)
    assert "550" in second.detail and "membre2@example.fr" not in second.detail, "no address in the error kept"


def test_one_message_that_cannot_be_built_fails_alone(app, app_context, secretariat_client, inbox, monkeypatch):
    import app.calendar.convocations as convocations

    meeting = upcoming_meeting()
    built = convocations.meeting_message

    def broken_for_the_second(meeting, person, *arguments, **keywords):
        if person.email == "membre2@example.fr":
            raise ValueError("a record the templates cannot show")
        return built(meeting, person, *arguments, **keywords)

    monkeypatch.setattr(convocations, "meeting_message", broken_for_the_second)
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == ["membre1@example.fr", "membre3@example.fr"]
    failed = [row for row in rows(meeting) if row.status is MailStatus.FAILED]
    assert [(row.person.email, row.detail) for row in failed] == [
        ("membre2@example.fr", "message impossible à construire (ValueError)")]


def test_subjects_with_accents_keep_every_space_once_folded(app, app_context, inbox):
    """Python 3.11 folds a long subject with accents into encoded words and may drop the space between two
    of them (« 4décembre »); sent for real, each of these subjects arrives as written."""
    from app.mail.smtp import SmtpConnection, new_message

    body = "Commission spécialisée dans le domaine des droits des usagers"
    subjects = [f"{prefix}{body[:cut]} — séance du 4 décembre 2026 à 14 h 30"
                for prefix in ("Pouvoir caduc : ", "Convocation : ", "Rappel : ") for cut in range(10, len(body) + 1)]
    with SmtpConnection() as smtp:
        for subject in subjects:
            message = new_message(subject, "secretariat@ars-occitanie.fr", "ARS Occitanie", "anne@exemple.fr",
                                  "Anne Étoile")
            message.set_content("Bonjour")
            smtp.send(message)
    assert [str(message["Subject"]) for _, message in inbox.messages] == subjects

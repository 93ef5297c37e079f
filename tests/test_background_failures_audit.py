"""Audit of background work when something fails: Redis gone, the SMTP server refusing or silent,
LibreOffice missing, crashing or too slow, a job about a record deleted since. The request answers at
once in French, nothing is lost, nothing half-written, never a 500."""
from __future__ import annotations

import contextvars
import socket
import stat
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from app.admin.trash import move_to_bin
from app.documents import pdf as pdf_module
from app.extensions import db
from app.mail import outbox
from app.jobs import sweeping_worker
from app.mail.cli import SWEEP_JOB
from app.mail.outbox import deliver_due
from app.models import ConvertedPdf, MailKind, Meeting, MailStatus, OutboxMessage, Role, utc_now
from conftest import create_user
from test_mail_outbox import page_of, rows, smtp_server, statuses, upcoming_meeting
from tests.smtp_server import Inbox, free_port


# --- Helpers ----------------------------------------------------------------------------------------

def within(seconds: float, call):
    """``call()`` in a thread (in the test's context); fails when it has not returned after ``seconds``
    (a request left hanging)."""
    outcome, context = {}, contextvars.copy_context()

    def run():
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=context.run, args=(run,), daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"], time.monotonic() - started


class DeadRedis:
    """A Redis address where nothing useful answers: ``refused`` (nobody listens), ``silent`` (the
    connection is accepted, no answer ever comes) or ``unanswered`` (the connection itself is never
    accepted: a full backlog, as a firewall dropping packets)."""

    def __init__(self, kind: str):
        self.sockets: list[socket.socket] = []
        if kind == "refused":
            self.port = free_port()
            return
        server = self.listening(backlog=5 if kind == "silent" else 0)
        if kind == "silent":
            threading.Thread(target=self.accept_and_keep, args=(server,), daemon=True).start()
        else:
            for _ in range(3):  # fill the backlog: later connections wait for an answer that never comes
                filler = socket.socket()
                filler.setblocking(False)
                try:
                    filler.connect(("127.0.0.1", self.port))
                except BlockingIOError:
                    pass
                self.sockets.append(filler)
            time.sleep(0.1)

    def listening(self, backlog: int) -> socket.socket:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(backlog)
        self.port = server.getsockname()[1]
        self.sockets.append(server)
        return server

    def accept_and_keep(self, server: socket.socket) -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            self.sockets.append(connection)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def close(self) -> None:
        for each in self.sockets:
            each.close()


@pytest.fixture
def redis_settings(app, monkeypatch):
    """REDIS_URL and the queue name restored after the test, and the queues made with them forgotten."""
    for name in ("REDIS_URL", "JOBS_QUEUE", "REDIS_TIMEOUT", "SOFFICE_PATH", "PDF_CONVERSION_TIMEOUT",
                 "PDF_RETRY_AFTER", "MAIL_TIMEOUT"):
        monkeypatch.setitem(app.config, name, app.config[name])
    yield app.config
    app.extensions.pop("job_queues", None)


@pytest.fixture(params=["refused", "silent", "unanswered"])
def dead_redis(request, redis_settings):
    dead = DeadRedis(request.param)
    redis_settings.update(REDIS_URL=dead.url, JOBS_QUEUE="seances-absent")
    yield dead
    dead.close()


def fake_soffice(tmp_path, body: str) -> str:
    """An executable standing for LibreOffice: ``$OUT`` is its --outdir, each run adds a line to ``runs``."""
    script = tmp_path / "soffice"
    script.write_text(f"""#!/bin/sh
echo run >> {tmp_path / 'runs'}
while [ $# -gt 0 ]; do [ "$1" = --outdir ] && OUT=$2; shift; done
{body}
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def runs(tmp_path) -> int:
    path = tmp_path / "runs"
    return len(path.read_text().splitlines()) if path.exists() else 0


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped by init does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as status:
            return status.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# --- 1. Redis configured but unreachable -------------------------------------------------------------

def test_with_redis_unreachable_sending_convocations_answers_at_once_and_keeps_the_mail_waiting(
        app, app_context, secretariat_client, inbox, dead_redis):
    meeting = upcoming_meeting()
    response, took = within(15, lambda: secretariat_client.post(f"/meetings/{meeting.id}/convocations",
                                                                follow_redirects=True))
    assert response.status_code == 200
    assert took < app.config["REDIS_TIMEOUT"] + 3, "the request gives up on Redis after REDIS_TIMEOUT"
    page = response.get_data(as_text=True)
    assert "Le service d&#39;envoi est momentanément injoignable : 3 courriel(s) enregistré(s)" in page
    assert inbox.messages == [], "no SMTP work inside the request"
    assert [(row.status, row.next_attempt_at, row.attempts) for row in rows(meeting)] == [
        (MailStatus.PENDING, None, 0)] * 3
    assert "0 courriel(s) envoyé(s), 3 en attente d'envoi" in page_of(secretariat_client, meeting)


def convened_while_redis_is_down(app, secretariat_client, inbox) -> Meeting:
    """A meeting whose 3 convocations were sent while Redis refused connections: recorded, none sent."""
    meeting = upcoming_meeting()
    real_redis = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = DeadRedis("refused").url
    try:
        secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    finally:
        app.config["REDIS_URL"] = real_redis
    assert statuses(meeting) == [MailStatus.PENDING] * 3 and inbox.messages == []
    return meeting


def test_mail_recorded_while_redis_was_down_leaves_when_the_worker_starts(
        app, app_context, secretariat_client, job_queue, inbox):
    meeting = convened_while_redis_is_down(app, secretariat_client, inbox)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])  # the worker is back
    assert result.exit_code == 0, result.output
    assert statuses(meeting) == [MailStatus.SENT] * 3 and len(inbox.messages) == 3


def test_a_worker_that_outlived_a_redis_outage_sends_what_was_recorded_meanwhile(
        app, app_context, secretariat_client, job_queue, inbox):
    """The worker runs on through an outage (RQ waits for Redis to answer again): at its next maintenance,
    MAIL_SWEEP_SECONDS after the last, it sends the e-mails recorded while the queue was unreachable."""
    worker = sweeping_worker(SWEEP_JOB, every=300)
    worker.work(burst=True, logging_level="WARNING")  # running: its start's sweep found nothing
    meeting = convened_while_redis_is_down(app, secretariat_client, inbox)
    worker.work(burst=True, logging_level="WARNING")  # Redis is back, the maintenance is not due yet
    assert statuses(meeting) == [MailStatus.PENDING] * 3 and inbox.messages == []
    worker.last_cleaned_at -= timedelta(seconds=301)  # five minutes later
    worker.work(burst=True, logging_level="WARNING")
    db.session.expire_all()
    assert statuses(meeting) == [MailStatus.SENT] * 3 and len(inbox.messages) == 3


def test_reminders_recorded_while_redis_is_unreachable_are_not_reported_as_sent(
        app, app_context, redis_settings, inbox):
    """Cron's « flask send-reminders » says in French that the reminders wait, and fails so that cron tells
    someone; the rows stay for the worker's next sweep, which sends them once."""
    meeting = upcoming_meeting()
    meeting.body.reminder_days = 40
    db.session.commit()
    redis_settings.update(REDIS_URL=DeadRedis("refused").url, JOBS_QUEUE="seances-absent")
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 1
    assert "injoignable : 3 rappel(s) enregistré(s)" in result.output and "envoyés" not in result.output
    assert statuses(meeting) == [MailStatus.PENDING] * 3 and inbox.messages == []
    deliver_due()
    assert statuses(meeting) == [MailStatus.SENT] * 3 and len(inbox.messages) == 3


def test_the_worker_command_says_in_french_that_redis_cannot_be_reached(app, app_context, redis_settings):
    redis_settings.update(REDIS_URL=DeadRedis("refused").url)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "Redis injoignable" in result.output


def test_with_redis_unreachable_a_password_reset_answers_as_usual_and_the_mail_waits(
        app, app_context, inbox, dead_redis):
    create_user(Role.MEMBER, email="oubli@example.fr")
    known, took = within(15, lambda: app.test_client().post("/mot-de-passe-oublie", data={"email": "oubli@example.fr"}))
    unknown = app.test_client().post("/mot-de-passe-oublie", data={"email": "personne@example.fr"})
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location) == (302, known.location)
    assert took < app.config["REDIS_TIMEOUT"] + 3
    assert [(row.kind, row.status) for row in rows()] == [(MailKind.PASSWORD_RESET, MailStatus.PENDING)]
    assert inbox.messages == []


def test_with_redis_unreachable_a_pdf_is_not_converted_in_the_request_and_the_docx_is_offered(
        app, app_context, secretariat_client, dead_redis, monkeypatch):
    meeting = upcoming_meeting(members=2)
    app.config["SOFFICE_PATH"] = "/usr/bin/true"
    conversions = []
    monkeypatch.setattr(pdf_module, "convert_to_pdf", lambda content: conversions.append(1) or b"%PDF-1.7")
    response, took = within(15, lambda: secretariat_client.get(f"/meetings/{meeting.id}/sign-in-sheet.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "momentanément indisponible" in page
    assert f'href="/meetings/{meeting.id}/sign-in-sheet.docx"' in page
    assert conversions == [] and took < app.config["REDIS_TIMEOUT"] + 3
    assert secretariat_client.get(f"/meetings/{meeting.id}/sign-in-sheet.docx").status_code == 200


# --- 2. The SMTP server refuses or does not answer --------------------------------------------------

class TemporarilyRefusingInbox(Inbox):
    """Answers « 450 mailbox busy » to the addresses of ``busy``."""

    def __init__(self):
        super().__init__()
        self.busy: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.busy:
            return f"450 4.2.1 <{address}>: mailbox busy, try later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_a_recipient_refused_for_good_fails_at_once_with_a_french_reason_on_the_meeting_page(
        app, app_context, secretariat_client, job_queue, inbox):
    meeting = upcoming_meeting(members=2)
    inbox.refuse = {"membre2@example.fr"}
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    job_queue.work()
    first, second = rows(meeting)
    assert (first.status, second.status, second.attempts, second.next_attempt_at) == (
        MailStatus.SENT, MailStatus.FAILED, 1, None)
    assert second.detail.startswith("Adresse du destinataire refusée par le serveur de messagerie (")
    assert "550" in second.detail and "membre2@example.fr" not in second.detail
    page = page_of(secretariat_client, meeting)
    assert "1 en échec" in page and "Adresse du destinataire refusée par le serveur de messagerie" in page


def test_a_recipient_refused_for_now_is_retried_then_sent_once(app, app_context, secretariat_client, mail_settings):
    meeting = upcoming_meeting(members=2)
    handler = TemporarilyRefusingInbox()
    handler.busy = {"membre2@example.fr"}
    server = smtp_server(handler)
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    try:
        secretariat_client.post(f"/meetings/{meeting.id}/convocations")
        busy = rows(meeting)[1]
        assert (busy.status, busy.attempts) == (MailStatus.PENDING, 1) and busy.next_attempt_at is not None
        assert busy.detail.startswith("Adresse du destinataire momentanément refusée")
        handler.busy = set()
        assert deliver_due().sent == [], "not before its retry time"
        busy.next_attempt_at = utc_now() - timedelta(seconds=1)
        db.session.commit()
        assert deliver_due().sent == [busy.id]
    finally:
        server.stop()
    assert [(row.status, row.attempts) for row in rows(meeting)] == [(MailStatus.SENT, 1), (MailStatus.SENT, 2)]
    assert sorted(recipients[0] for recipients, _ in handler.messages) == ["membre1@example.fr", "membre2@example.fr"]


def test_a_silent_smtp_server_times_out_after_mail_timeout_and_the_mail_waits_for_a_retry(
        app, app_context, secretariat_client, mail_settings, redis_settings):
    meeting = upcoming_meeting(members=3)
    silent = DeadRedis("silent")  # any TCP server that never speaks: an SMTP server that hangs
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.port)
    redis_settings["MAIL_TIMEOUT"] = 1
    try:
        response, took = within(15, lambda: secretariat_client.post(f"/meetings/{meeting.id}/convocations",
                                                                    follow_redirects=True))
    finally:
        silent.close()
    assert response.status_code == 200 and took < 5, "one timeout for the batch, not one per message"
    waiting = rows(meeting)
    assert [(row.status, row.attempts) for row in waiting] == [(MailStatus.PENDING, 1), (MailStatus.PENDING, 0),
                                                               (MailStatus.PENDING, 0)]
    assert all(row.next_attempt_at is not None and row.detail.startswith("Le serveur de messagerie ne répond pas")
               for row in waiting)


def test_a_worker_dying_after_the_server_accepted_a_message_sends_it_again_only_once_stale(
        app, app_context, secretariat_client, inbox, monkeypatch):
    """What the README promises: a row is claimed before it leaves; one left « en cours d'envoi » by a dead
    worker is taken again after MAIL_SENDING_STALE_AFTER — the one case where a message may arrive twice."""
    meeting = upcoming_meeting(members=1)
    recorded = outbox.record

    def die_once_sent(row_id, status, *args, **kwargs):
        if status is MailStatus.SENT:
            raise KeyboardInterrupt("the worker is killed")
        return recorded(row_id, status, *args, **kwargs)

    monkeypatch.setattr(outbox, "record", die_once_sent)
    with pytest.raises(KeyboardInterrupt):
        secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    monkeypatch.setattr(outbox, "record", recorded)
    db.session.rollback()
    (row,) = rows(meeting)
    assert (row.status, len(inbox.messages)) == (MailStatus.SENDING, 1)
    assert deliver_due().sent == [] and len(inbox.messages) == 1, "not taken again while it may still be leaving"
    db.session.execute(OutboxMessage.__table__.update().where(OutboxMessage.id == row.id).values(
        updated_at=utc_now() - timedelta(seconds=app.config["MAIL_SENDING_STALE_AFTER"] + 1)))
    db.session.commit()
    assert deliver_due().sent == [row.id] and len(inbox.messages) == 2
    assert deliver_due().sent == [] and len(inbox.messages) == 2


# --- 3. LibreOffice missing, crashing, too slow -----------------------------------------------------

def ask_pdf(client, meeting):
    return client.get(f"/meetings/{meeting.id}/sign-in-sheet.pdf")


def test_libreoffice_missing_says_so_in_french_and_offers_the_docx(
        app, app_context, secretariat_client, redis_settings, tmp_path):
    meeting = upcoming_meeting(members=2)
    redis_settings["SOFFICE_PATH"] = str(tmp_path / "no-soffice-here")
    response = ask_pdf(secretariat_client, meeting)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "La conversion en PDF a échoué" in page
    assert f'href="/meetings/{meeting.id}/sign-in-sheet.docx"' in page


def test_a_crashing_libreoffice_is_reported_then_tried_again_after_pdf_retry_after(
        app, app_context, secretariat_client, redis_settings, tmp_path):
    meeting = upcoming_meeting(members=2)
    redis_settings["SOFFICE_PATH"] = fake_soffice(tmp_path, "echo 'segmentation fault' >&2; exit 139")
    first = ask_pdf(secretariat_client, meeting)
    assert first.status_code == 503 and "La conversion en PDF a échoué" in first.get_data(as_text=True)
    again = ask_pdf(secretariat_client, meeting)
    assert again.status_code == 503 and runs(tmp_path) == 1, "not converted again at every click"
    (row,) = db.session.scalars(select(ConvertedPdf)).all()
    assert row.pdf is None and row.docx is not None, "the source kept for the next try"
    row.converted_at = utc_now() - timedelta(seconds=app.config["PDF_RETRY_AFTER"] + 1)
    db.session.commit()
    redis_settings["SOFFICE_PATH"] = fake_soffice(tmp_path, "printf '%%PDF-1.7\\n%%%%EOF\\n' > $OUT/document.pdf")
    converted = ask_pdf(secretariat_client, meeting)
    assert converted.status_code == 200 and converted.data == b"%PDF-1.7\n%%EOF\n" and runs(tmp_path) == 2


def test_a_half_written_pdf_is_never_served(app, app_context, secretariat_client, redis_settings, tmp_path):
    meeting = upcoming_meeting(members=2)
    redis_settings["SOFFICE_PATH"] = fake_soffice(tmp_path, "printf '%%PDF-1.7\\n1 0 obj' > $OUT/document.pdf")
    response = ask_pdf(secretariat_client, meeting)
    assert response.status_code == 503 and response.mimetype == "text/html"


def test_libreoffice_over_its_timeout_is_stopped_with_every_process_it_started(
        app, app_context, secretariat_client, redis_settings, tmp_path):
    meeting = upcoming_meeting(members=2)
    # Like soffice → oosplash → soffice.bin: the launcher starts the converter and waits for it.
    redis_settings["SOFFICE_PATH"] = fake_soffice(tmp_path, f"sleep 300 & echo $! > {tmp_path / 'child'}; wait")
    redis_settings["PDF_CONVERSION_TIMEOUT"] = 1
    response, took = within(30, lambda: ask_pdf(secretariat_client, meeting))
    assert response.status_code == 503 and "La conversion en PDF a échoué" in response.get_data(as_text=True)
    assert took < 10, "PDF_CONVERSION_TIMEOUT is the limit"
    child = int((tmp_path / "child").read_text())
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child), "no LibreOffice process left behind"


def test_a_failing_conversion_job_ends_cleanly_in_the_worker(
        app, app_context, secretariat_client, job_queue, redis_settings, tmp_path):
    from rq.registry import FailedJobRegistry

    meeting = upcoming_meeting(members=2)
    redis_settings["SOFFICE_PATH"] = fake_soffice(tmp_path, "exit 1")
    assert ask_pdf(secretariat_client, meeting).status_code == 202
    job_queue.work()
    assert FailedJobRegistry(queue=job_queue.queue).count == 0
    response = ask_pdf(secretariat_client, meeting)
    assert response.status_code == 503 and "La conversion en PDF a échoué" in response.get_data(as_text=True)


# --- 4. A job about a record deleted since ------------------------------------------------------------

def test_mail_jobs_for_a_meeting_or_people_binned_or_erased_since_end_cleanly(
        app, app_context, secretariat_client, job_queue, inbox):
    from rq.registry import FailedJobRegistry

    binned, erased, people = upcoming_meeting(members=1), upcoming_meeting(members=1), upcoming_meeting(members=2)
    for meeting in (binned, erased, people):
        secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    move_to_bin(binned)
    db.session.execute(delete(Meeting).where(Meeting.id == erased.id))  # its rows go with it (ON DELETE CASCADE)
    for invitation in people.invitations:
        move_to_bin(invitation.person)
    db.session.commit()
    job_queue.work()
    assert FailedJobRegistry(queue=job_queue.queue).count == 0, "every job ended cleanly"
    assert inbox.messages == [], "nothing sent about the deleted records"
    assert not [row for row in rows() if row.status in (MailStatus.PENDING, MailStatus.SENDING)]


def test_a_conversion_job_whose_pdf_was_dropped_since_ends_cleanly(app, app_context, job_queue, redis_settings):
    from rq.registry import FailedJobRegistry

    redis_settings["SOFFICE_PATH"] = "/usr/bin/true"
    db.session.add(ConvertedPdf(key="dropped", docx=b"PK"))
    db.session.commit()
    from app.jobs import enqueue

    enqueue("app.documents.pdf:convert_cached", "dropped")
    db.session.delete(db.session.get(ConvertedPdf, "dropped"))
    db.session.commit()
    job_queue.work()
    assert FailedJobRegistry(queue=job_queue.queue).count == 0


# --- 5. Without Redis (the SQLite demo): delivery during the request ----------------------------------

def test_without_redis_a_password_reset_with_the_smtp_server_down_answers_and_keeps_the_mail(
        app, app_context, mail_settings):
    assert not app.config["REDIS_URL"]
    create_user(Role.MEMBER, email="oubli@example.fr")
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    response = app.test_client().post("/mot-de-passe-oublie", data={"email": "oubli@example.fr"})
    assert response.status_code == 302
    (row,) = rows()
    assert (row.kind, row.status, row.attempts) == (MailKind.PASSWORD_RESET, MailStatus.PENDING, 1)
    assert row.next_attempt_at is not None and row.detail.startswith("Serveur de messagerie injoignable")

"""Times as people see them, audited: reminders that would arrive too late, and the « J-n » of convocations
sent after the meeting day."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.calendar.convocations import convocation_record, meeting_mail
from app.formatting import paris_today
from app.calendar.reminders import deadline_mails
from app.extensions import db
from app.formatting import PARIS, paris_datetime, plain_date
from app.mail.outbox import deliver_due, queue
from app.models import Deadline, DeadlineKind, MailKind, MailStatus, OutboxMessage, utc_now
from docx_reading import body_text, reopen
from ics_support import make_body, make_meeting, parse_ics


def rows_of(kind: MailKind) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_a_reminder_still_waiting_when_the_meeting_begins_is_not_sent(app, app_context, inbox):
    """Recorded by the morning's cron but delivered after the meeting began (the server was down; the retries
    came later): « nous n'avons pas encore reçu votre réponse », with answer links that no longer answer,
    must not reach people who are already in the meeting."""
    meeting = make_meeting(make_body(2), (utc_now() - timedelta(minutes=10)).astimezone(PARIS), title="Séance du matin")
    # What the cron recorded while the meeting was still ahead.
    queue([meeting_mail(MailKind.REMINDER, meeting, invitation.person_id) for invitation in meeting.invitations])
    db.session.commit()

    deliver_due()

    assert inbox.messages == [], "a reminder to answer a convocation arrives after the meeting has begun"
    assert [(row.status, row.detail) for row in rows_of(MailKind.REMINDER)] == [
        (MailStatus.DROPPED, "séance déjà commencée")] * 2


def test_a_deadline_reminder_still_waiting_after_the_deadline_is_not_sent(app, app_context, inbox):
    """A « Rappel : … le mercredi 2 décembre » delivered once that day has passed tells people of a deadline
    already gone by."""
    meeting = make_meeting(make_body(2), (utc_now() - timedelta(days=10)).astimezone(PARIS), title="Séance")
    passed = Deadline(kind=DeadlineKind.DUE_DATE, title="Contributions attendues", meeting=meeting,
                      due_date=paris_today() - timedelta(days=1))
    db.session.add(passed)
    db.session.commit()
    queue(deadline_mails(passed))
    db.session.commit()

    deliver_due()

    assert inbox.messages == [], "a deadline reminder arrives after the deadline"
    assert {row.status for row in rows_of(MailKind.DEADLINE_REMINDER)} == {MailStatus.DROPPED}


def test_convocations_sent_after_the_meeting_day_read_j_plus_not_j_minus_minus(
        app, app_context, secretariat_client, inbox):
    """A meeting entered afterwards (« saisie a posteriori ») whose convocations the secretariat sends three days
    later: the page, the compte rendu and the dossier's receipts must not print « (J--3) »."""
    sent_on = paris_today()
    meeting = make_meeting(make_body(1), paris_datetime(sent_on - timedelta(days=3), 10), title="Séance passée")
    secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    assert len(inbox.messages) == 1

    sentence = convocation_record(meeting).sentence
    assert sentence.startswith(f"Convocations envoyées le {plain_date(sent_on)} (J+3)"), sentence
    page = secretariat_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    receipts = secretariat_client.get(f"/meetings/{meeting.id}/dossier/receipts").get_data(as_text=True)
    minutes = body_text(reopen(secretariat_client.get(f"/meetings/{meeting.id}/minutes.docx").data))
    for text in (page, receipts, minutes):
        assert "(J--" not in text and f"{plain_date(sent_on)} (J+3)" in text


def test_the_j_notation_counts_days_before_and_after():
    from app.formatting import day_offset

    assert [day_offset(days) for days in (14, 1, 0, -1, -3)] == ["J-14", "J-1", "J-0", "J+1", "J+3"]


def test_a_withdrawal_retried_after_the_person_is_convened_again_does_not_cancel_their_meeting(
        app, app_context, secretariat_client, inbox, mail_settings):
    """Taken off by mistake while the mail server was down (the cancellation waits for its retry), convened again
    and sent the invitation: the late cancellation must not then remove the meeting from their calendar."""
    from test_calendar_convocations import ics_of, parts, send
    from test_calendar_withdrawals_and_links import convene_again, take_off_while_mail_is_down, upcoming_meeting

    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    person_id = take_off_while_mail_is_down(secretariat_client, meeting, mail_settings)
    (withdrawal,) = rows_of(MailKind.WITHDRAWAL)
    assert withdrawal.status is MailStatus.PENDING and withdrawal.next_attempt_at is not None
    convene_again(secretariat_client, meeting, person_id)  # the server is back: convened again and sent
    send(secretariat_client, meeting)
    withdrawal.next_attempt_at = utc_now() - timedelta(seconds=1)  # the retry comes due
    db.session.commit()

    deliver_due()

    methods = [str(parse_ics(ics_of(parts(message)[2]))["METHOD"]) for message in inbox.to("membre2@example.fr")]
    assert methods == ["REQUEST", "REQUEST"], "the cancellation arrives after the new invitation"
    assert rows_of(MailKind.WITHDRAWAL)[0].status is MailStatus.DROPPED

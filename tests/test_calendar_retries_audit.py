"""Calendar audit: e-mails held back by a mail server that was down (retried later, or dropped)
must leave each calendar as the convened list says — no meeting put back for someone taken off the list, no
cancelled meeting left behind for someone convened again."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.mail.outbox import deliver_due
from app.models import Invitation, MailKind, MailStatus, OutboxMessage, utc_now
from ics_support import parse_ics
from test_calendar_changes import titulaire_with_substitute
from test_calendar_convocations import ics_of, links_of, parts, send, upcoming_meeting
from tests.smtp_server import free_port


def test_a_suppleant_taken_off_the_list_before_their_notice_left_gets_no_invitation(
        app, app_context, secretariat_client, inbox, mail_settings):
    """The titulaire answers « mon suppléant me remplace » while the mail server is down: the suppléant is
    convened and their notice (with the invitation) waits for a retry. The secretariat then takes the
    suppléant off the convened list — no cancellation is due, they hold nothing yet. The late notice must not
    then put the meeting in their calendar: nothing would ever take it out."""
    meeting = upcoming_meeting()
    titulaire, substitute = titulaire_with_substitute(meeting)
    send(secretariat_client, meeting)
    answer_url = links_of(inbox, titulaire.email)["substitute"]
    port = mail_settings["MAIL_PORT"]
    mail_settings.update(MAIL_PORT=free_port())  # the server is down: the notice waits for a retry
    assert app.test_client().post(answer_url, data={"response": "substitute"}).status_code == 302
    db.session.expire_all()
    (notice,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MailKind.SUBSTITUTE_NOTICE))
    assert notice.status is MailStatus.PENDING and notice.next_attempt_at is not None
    mail_settings.update(MAIL_PORT=port)
    invitation = db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id,
                                                            Invitation.person_id == substitute.id))
    assert secretariat_client.post(f"/meetings/{meeting.id}/convened/{invitation.id}/remove").status_code == 302
    notice.next_attempt_at = utc_now() - timedelta(seconds=1)  # the retry comes due
    db.session.commit()

    deliver_due()

    requests = [message for message in inbox.to(substitute.email) if message.get_content_type() == "multipart/mixed"
                and str(parse_ics(ics_of(parts(message)[2]))["METHOD"]) == "REQUEST"]
    assert requests == [], "the suppléant taken off the list receives the invitation afterwards"
    db.session.expire_all()
    assert db.session.get(OutboxMessage, notice.id).status is MailStatus.DROPPED


def test_a_person_convened_again_before_their_withdrawal_left_gets_the_cancellation_of_the_meeting(
        app, app_context, secretariat_client, inbox, mail_settings):
    """Taken off the list by mistake while the mail server was down, then convened again before the withdrawal
    left: the withdrawal is dropped, so their calendar still holds the convocation. When the meeting is then
    cancelled, they must receive the cancellation like everyone else, or they will come to a meeting that no
    longer takes place."""
    from test_calendar_withdrawals_and_links import convene_again, take_off_while_mail_is_down

    meeting = upcoming_meeting()
    send(secretariat_client, meeting)
    person_id = take_off_while_mail_is_down(secretariat_client, meeting, mail_settings)
    convene_again(secretariat_client, meeting, person_id)  # the mistake is seen at once
    db.session.expire_all()
    (withdrawal,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == MailKind.WITHDRAWAL))
    withdrawal.next_attempt_at = utc_now() - timedelta(seconds=1)  # the retry comes due
    db.session.commit()
    deliver_due()
    assert db.session.get(OutboxMessage, withdrawal.id).status is MailStatus.DROPPED
    assert [str(parse_ics(ics_of(parts(m)[2]))["METHOD"]) for m in inbox.to("membre2@example.fr")] == ["REQUEST"]

    assert secretariat_client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    send(secretariat_client, meeting)

    methods = [str(parse_ics(ics_of(parts(m)[2]))["METHOD"]) for m in inbox.to("membre2@example.fr")]
    assert methods == ["REQUEST", "CANCEL"], "the cancelled meeting stays in their calendar"
    others = [str(parse_ics(ics_of(parts(m)[2]))["METHOD"]) for m in inbox.to("membre1@example.fr")]
    assert others == ["REQUEST", "CANCEL"]

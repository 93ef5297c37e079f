"""The convocation delay, checked and proven (issue 13, part 5): on time needs nothing; late asks for
the reason of urgency, recorded and shown; the meeting page and the compte rendu state « Convocations envoyées le
… (J-n) ». Today is read when each test runs, not when the module is collected: a suite that runs past
midnight in Paris failed three tests."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.calendar.convocations import convocation_record
from app.documents.typography import french_typography
from app.extensions import db
from app.formatting import paris_datetime, paris_today, plain_date
from app.models import ConvocationSending, OutboxMessage, Role
from conftest import create_user, log_in
from docx_reading import body_text, reopen
from ics_support import make_body, make_meeting


def meeting_in(days: int, delay: int = 10):
    body = make_body()
    body.convocation_days = delay
    return make_meeting(body, paris_datetime(paris_today() + timedelta(days=days), 14), title="Séance de printemps")


def page(client, meeting) -> str:
    return client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_sending_on_time_needs_nothing_and_the_page_states_the_day_and_j_minus(app, app_context, secretariat_client,
                                                                               inbox):
    meeting = meeting_in(14)
    shown = page(secretariat_client, meeting)
    assert f'<form method="post" action="/meetings/{meeting.id}/convocations">' in shown, "one click, no question"
    response = secretariat_client.post(f"/meetings/{meeting.id}/convocations")
    assert response.status_code == 302
    assert len(inbox.messages) == 3
    assert f"Convocations envoyées le {plain_date(paris_today())} (J-14)." in page(secretariat_client, meeting)
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=meeting.invitations[0].person))
    assert f"Convocations envoyées le {plain_date(paris_today())} (J-14)." in page(member, meeting), "members read it too"
    record = convocation_record(meeting)
    assert (record.sent_on, record.days_before, record.late, record.urgency_reason) == (paris_today(), 14, False, "")
    (sending,) = db.session.scalars(select(ConvocationSending)).all()
    assert (sending.late, sending.days_before, sending.urgency_reason) == (False, 14, "")


def test_sending_on_the_last_day_of_the_delay_is_on_time(app_context, secretariat_client, inbox):
    meeting = meeting_in(10)
    assert secretariat_client.post(f"/meetings/{meeting.id}/convocations").status_code == 302
    assert convocation_record(meeting).sentence == f"Convocations envoyées le {plain_date(paris_today())} (J-10)"


def test_a_late_sending_asks_for_the_reason_of_urgency_and_records_it(app_context, secretariat_client, inbox):
    meeting = meeting_in(5)
    shown = page(secretariat_client, meeting)
    assert f'href="/meetings/{meeting.id}/convocations">Envoyer les convocations…</a>' in shown
    question = secretariat_client.get(f"/meetings/{meeting.id}/convocations").get_data(as_text=True)
    assert "La séance a lieu dans 5 jour(s) (J-5) : le délai de convocation de l'instance (10 jours)" in question
    assert "Motif d&#39;urgence" in question

    refused = secretariat_client.post(f"/meetings/{meeting.id}/convocations", data={"urgency": "  "})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="urgency-erreurs"' in text and "Indiquez le motif d&#39;urgence" in text
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0 and inbox.messages == []

    reason = "Avis urgent demandé par le directeur général sur le projet régional de santé"
    assert secretariat_client.post(f"/meetings/{meeting.id}/convocations", data={"urgency": reason}).status_code == 302
    assert len(inbox.messages) == 3
    (sending,) = db.session.scalars(select(ConvocationSending)).all()
    assert (sending.late, sending.days_before, sending.urgency_reason) == (True, 5, reason)
    expected = (f"Convocations envoyées le {plain_date(paris_today())} (J-5), en deçà du délai de 10 jours ; "
                f"motif d'urgence : {reason}")
    assert convocation_record(meeting).sentence == expected
    assert expected.replace("'", "&#39;") in page(secretariat_client, meeting)
    # The compte rendu states it too, after the header block and before the quorum.
    minutes_text = body_text(reopen(secretariat_client.get(f"/meetings/{meeting.id}/minutes.docx").data))
    assert french_typography(expected + ".") in minutes_text


def test_an_update_sent_late_needs_no_reason_once_the_convocations_left_on_time(app_context, secretariat_client,
                                                                               inbox):
    meeting = meeting_in(3)
    db.session.add(ConvocationSending(meeting_id=meeting.id, sequence=0, days_before=20, late=False))
    from app.calendar.convocations import meeting_mail
    from app.mail.outbox import deliver, queue
    from app.models import MailKind

    queued = queue([meeting_mail(MailKind.CONVOCATION, meeting, i.person_id) for i in meeting.invitations])
    db.session.commit()
    deliver(queued.ids)
    meeting.place = "Salle Pasteur"
    db.session.commit()
    assert secretariat_client.post(f"/meetings/{meeting.id}/convocations").status_code == 302
    assert len([m for _, m in inbox.messages if m["Subject"].startswith("Modification")]) == 3


def test_the_compte_rendu_function_says_nothing_before_any_convocation(app_context):
    assert convocation_record(meeting_in(20)) is None

"""The load generator writes consistent data in bulk, on SQLite and PostgreSQL."""
import hashlib
import io
from datetime import datetime, timezone

from docx import Document
from sqlalchemy import func, select

from app.calendar.convocations import convocation_record
from app.extensions import db
from app.loadgen import MINUTES_PUBLISHED_AFTER, LoadSize, generate_load
from app.models import (AgendaItem, AgendaItemNature, Attendance, Body, BodyKind, DocumentChunk, DocumentVersion,
                        Invitation, MailStatus, Meeting, MeetingDocument, MeetingStatus, Minutes, MinutesAction,
                        MinutesStatus, Organisation, OutboxMessage, Person, RoundTablePoint, Vote)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_generate_load_at_a_small_scale(app_context):
    size = LoadSize(organisations=2, bodies_per_organisation=25, meetings=120, attendances=3_000, points=900,
                    deadlines=200)
    counts = generate_load(size, seed=1)
    assert counts["attendance"] == count(Attendance) == 3_000
    assert count(Meeting) == 120 and count(RoundTablePoint) == 900
    assert count(Organisation) == 2 and count(Body) == 50
    # every attendance points at a person of the same organisation as its meeting's body
    mismatched = db.session.scalar(
        select(func.count()).select_from(Attendance).join(Meeting).join(Body).join(Person, Attendance.person_id == Person.id)
        .where(Person.organisation_id != Body.organisation_id)
    )
    assert mismatched == 0
    # each member present, excused or absent had been convened: as many convocations, the same people
    assert counts["invitation"] == count(Invitation) == 3_000
    assert db.session.scalar(select(func.count()).select_from(Attendance).join(Invitation, (
        Invitation.meeting_id == Attendance.meeting_id) & (Invitation.person_id == Attendance.person_id))) == 3_000
    # the convocations of every meeting held went out on J-14, an e-mail sent to each member convened
    for meeting in db.session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.HELD)):
        record = convocation_record(meeting)
        assert record.days_before == 14 and not record.late, meeting.id
        sent = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.meeting_id == meeting.id, OutboxMessage.status == MailStatus.SENT))
        assert sent == len(meeting.invitations)
    # every meeting has its ordre du jour and a note in its dossier, whose bytes are stored
    assert count(AgendaItem) == 4 * 120
    documents_per_meeting = db.session.execute(
        select(MeetingDocument.meeting_id, func.count()).group_by(MeetingDocument.meeting_id)).all()
    assert len(documents_per_meeting) == 120 and {number for _, number in documents_per_meeting} <= {1, 2}
    version = db.session.scalars(select(DocumentVersion)).first()
    chunk = db.session.get(DocumentChunk, (version.id, 0))
    assert hashlib.sha256(chunk.data).hexdigest() == version.sha256 and len(chunk.data) == version.size
    # votes only on items « pour avis » of the CRSA and its commissions, in meetings held, with a lawful quorum
    votes = db.session.scalars(select(Vote)).all()
    assert votes and counts["vote"] == len(votes)
    for vote in votes:
        meeting = vote.agenda_item.meeting
        assert vote.agenda_item.nature is AgendaItemNature.FOR_OPINION and meeting.status is MeetingStatus.HELD
        assert meeting.body.kind in {BodyKind.CRSA_PLENARY, BodyKind.PERMANENT_COMMISSION,
                                     BodyKind.SPECIALISED_COMMISSION}
        assert 2 * vote.quorum_required >= vote.quorum_base and vote.quorum_counted >= vote.quorum_required
        assert vote.votes_for + vote.votes_against + vote.abstentions == vote.quorum_counted
    # the compte rendu of every meeting held long enough ago is validated then published, its frozen file a real
    # compte rendu (its body's); the more recent ones are still being written
    held_long_ago = set(db.session.scalars(select(Meeting.id).where(
        Meeting.status == MeetingStatus.HELD, Meeting.starts_at <= datetime.now(timezone.utc) - MINUTES_PUBLISHED_AFTER)))
    minutes = db.session.scalars(select(Minutes)).all()
    assert held_long_ago and {record.meeting_id for record in minutes} == held_long_ago
    assert counts["minutes"] == len(minutes) < counts["meeting"]
    for record in minutes:
        assert record.status is MinutesStatus.PUBLISHED and record.validated_at < record.published_at
        assert [event.action for event in record.events] == [MinutesAction.VALIDATED, MinutesAction.PUBLISHED]
        assert hashlib.sha256(record.document).hexdigest() == record.document_sha256
        assert "quorum" in record.quorum_statement.lower()  # as computed for its body's file
    text = [paragraph.text for paragraph in Document(io.BytesIO(minutes[0].document)).paragraphs]
    assert any(line.startswith("Compte rendu validé le ") for line in text) and "PROJET" not in " ".join(text)
    # ids were handed out explicitly: new rows still get fresh ids afterwards (sequences moved on PostgreSQL)
    organisation = Organisation(name="ARS après le chargement")
    db.session.add(organisation)
    db.session.commit()
    assert organisation.id > counts["organisation"]


def test_generate_load_command_prints_the_counts(app, app_context):
    result = app.test_cli_runner().invoke(args=["generate-load", "--scale", "0.002"])
    assert result.exit_code == 0, result.output
    assert "attendance" in result.output and "Terminé" in result.output
    assert count(Meeting) == 50 + 1 + 120  # and the benchmark meeting with its body's history
    assert "Séance de référence" in result.output


def test_benchmark_meeting_has_the_size_of_a_large_plenary(app_context):
    from app.loadgen import create_benchmark_meeting
    from app.meetings.queries import load_meeting_for_display

    meeting_id = create_benchmark_meeting(other_meetings=5).id
    db.session.expunge_all()
    meeting = load_meeting_for_display(meeting_id)
    points = [point for section in meeting.sections for point in section.points]
    assert len(meeting.attendances) == len(meeting.invitations) == 150
    assert len(points) == 300
    assert sum(point.parent_id is not None for point in points) > 100  # nested
    assert all(point.themes for point in points)
    assert count(Meeting) == 6

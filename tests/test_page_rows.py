"""The meeting page reads rows in proportion to what it shows: each person, point, theme tag, deadline
and agenda item once (with the body's composition for the quorum), not again per relation; and its long
lists (attendees, convened people, points, seats) are plain rows: the mapped objects it builds do not
grow with the meeting."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.calendar.convocations import mail_key
from app.extensions import db
from app.formatting import plain_date, to_paris
from app.loadgen import create_benchmark_meeting
from app.models import (AgendaItemNature, ConvocationSending, DocumentVersion, MailKind, MailStatus, MeetingDocument,
                        OutboxMessage, Role, RoundTablePoint, RoundTableSection, Vote, VoteBallot, VoteChoice,
                        VoteOutcome, point_themes)
from tests.conftest import create_user, log_in, test_organisation
from tests.query_count import counted_objects, counted_queries, counted_rows, fresh_session


def displayed_items(meeting) -> int:
    """What the staff's meeting page shows: attendees, points, their theme tags, deadlines, agenda items."""
    tags = db.session.scalar(
        select(func.count()).select_from(point_themes)
        .join(RoundTablePoint, RoundTablePoint.id == point_themes.c.point_id)
        .join(RoundTableSection, RoundTableSection.id == RoundTablePoint.section_id)
        .where(RoundTableSection.meeting_id == meeting.id))
    points = sum(len(section.points) for section in meeting.sections)
    return len(meeting.attendances) + points + tags + len(meeting.deadlines) + len(meeting.agenda_items)


def test_the_meeting_page_reads_at_most_twice_the_rows_it_shows(app_context, secretariat_client):
    meeting = create_benchmark_meeting(attendees=60, points=120, other_meetings=3, deadlines=4,
                                       organisation=test_organisation())
    shown = displayed_items(meeting)
    url = f"/meetings/{meeting.id}"
    fresh_session()
    with counted_rows() as counts:
        response = secretariat_client.get(url)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("fr-tag fr-tag--sm") > 0
    read = sum(rows for _, rows in counts)
    assert read <= 2 * shown, f"{read} rows read for {shown} items shown: {sorted(counts, key=lambda c: -c[1])[:5]}"


@pytest.mark.parametrize("who", ["staff", "member"])
def test_the_meeting_page_builds_no_mapped_object_per_attendee_or_point(app, app_context, secretariat_client, who):
    built = []
    for size in (1, 4):
        meeting = create_benchmark_meeting(attendees=15 * size, points=30 * size, other_meetings=2, deadlines=3,
                                           seed=size, organisation=test_organisation())
        client = secretariat_client if who == "staff" else log_in(
            app.test_client(), create_user(Role.MEMBER, person=meeting.attendances[0].person))
        url = f"/meetings/{meeting.id}"
        fresh_session()
        with counted_objects() as objects:
            assert client.get(url).status_code == 200
        built.append(objects)
    assert built[0] == built[1], f"small meeting: {dict(built[0])}; four times larger: {dict(built[1])}"
    assert sum(built[1].values()) <= 25, dict(built[1])


def test_the_meeting_page_runs_eight_statements_for_staff_and_six_for_a_member(app, app_context, secretariat_client):
    """Staff: the account with its organisation, the meeting with its body, minutes, agenda with its votes and
    deadlines (one statement), attendees, convened people, the points with their themes (one statement), the
    e-mails, the body's seats (quorum), documents. A member of a meeting whose compte rendu is not published: no
    points, no e-mails; what their seats open (permission) and the first convocation come with the meeting."""
    meeting = create_benchmark_meeting(attendees=15, points=30, other_meetings=2, deadlines=3,
                                       organisation=test_organisation())
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=meeting.attendances[0].person))
    url = f"/meetings/{meeting.id}"
    for client, expected in ((secretariat_client, 8), (member, 6)):
        fresh_session()
        with counted_queries() as statements:
            assert client.get(url).status_code == 200
        assert len(statements) == expected, "\n".join(statement[:100] for statement in statements)


@pytest.mark.parametrize("who, email_rows", [("staff", 15), ("member", 0)])
def test_the_meeting_page_reads_the_emails_of_the_meeting_once_for_staff_and_not_for_members(
        app, app_context, secretariat_client, who, email_rows):
    """Convocations sent to the 15 convened, then a document added to the dossier, and an avis voted by roll call:
    the page states when they went out, marks the document added since and shows the avis. Staff's account of the
    e-mails reads each e-mail once, as plain rows, and finds the first convocation among them for the account and
    the dossier's marks; a member's page reads only that first one, with the meeting (both read them all as mapped
    objects, and again for the dossier's marks; then staff read that date again, twice; then a member's read it in
    a statement of its own). The dossier's versions come with its
    documents, and the ballots, which the page does not show, are not read."""
    meeting = create_benchmark_meeting(attendees=15, points=30, other_meetings=2, deadlines=3,
                                       organisation=test_organisation())
    sent_at = meeting.starts_at - timedelta(days=14)
    sending = ConvocationSending(meeting_id=meeting.id, sequence=meeting.ical_sequence, requested_at=sent_at,
                                 days_before=14)
    db.session.add(sending)
    db.session.flush()
    db.session.add_all(OutboxMessage(key=mail_key(MailKind.CONVOCATION, meeting.id, invitation.person_id,
                                                  meeting.ical_sequence),
                                     kind=MailKind.CONVOCATION, status=MailStatus.SENT, meeting_id=meeting.id,
                                     sequence=meeting.ical_sequence, person_id=invitation.person_id,
                                     sending_id=sending.id, sent_at=sent_at)
                       for invitation in meeting.invitations)
    document = MeetingDocument(meeting_id=meeting.id, title="Note complémentaire",
                               published_at=sent_at + timedelta(days=3))
    document.versions.append(DocumentVersion(filename="note.pdf", mimetype="application/pdf", size=3, sha256="0" * 64,
                                             uploaded_at=sent_at + timedelta(days=3)))
    db.session.add(document)
    item = meeting.agenda_items[1]
    item.nature = AgendaItemNature.FOR_OPINION
    db.session.add(Vote(agenda_item=item, roll_call=True, votes_for=14, votes_against=1, abstentions=0, not_voting=0,
                        abstentions_in_base=False, president_casting_vote=False, outcome=VoteOutcome.ADOPTED,
                        quorum_statement="Quorum atteint : 15 membres sur 15 (8 requis)", quorum_counted=15,
                        quorum_base=15, quorum_required=8, avis_text="Avis favorable au projet.",
                        published_at=sent_at + timedelta(days=15),
                        ballots=[VoteBallot(person_id=attendance.person_id, choice=VoteChoice.FOR, position=position)
                                 for position, attendance in enumerate(meeting.attendances)]))
    db.session.commit()
    url = f"/meetings/{meeting.id}"
    client = secretariat_client if who == "staff" else log_in(
        app.test_client(), create_user(Role.MEMBER, person=meeting.attendances[0].person))
    fresh_session()
    with counted_objects() as objects, counted_queries() as statements, counted_rows() as rows:
        response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Avis favorable au projet." in page
    assert not [statement for statement in statements if "FROM vote_ballot" in statement]
    assert not [statement for statement in statements if statement.lstrip().startswith("SELECT document_version")]
    assert f"Convocations envoyées le {plain_date(to_paris(sent_at).date())} (J-14)" in page
    assert f"ajouté le {plain_date(to_paris(sent_at + timedelta(days=3)).date())}" in page
    assert sum(count for statement, count in rows if statement.startswith("SELECT outbox_message")) == email_rows
    assert objects["OutboxMessage"] == 0, dict(objects)


def test_my_meetings_reads_the_published_dossiers_with_their_versions_in_one_statement(app, app_context):
    """« Mes séances » lists each meeting's published documents: they come with their versions and agenda items
    in one statement (before: then the versions « select in », and the items not yet loaded)."""
    meeting = create_benchmark_meeting(attendees=5, points=3, other_meetings=0, deadlines=0,
                                       organisation=test_organisation())
    for position, item in enumerate(meeting.agenda_items[:2], start=1):
        document = MeetingDocument(meeting_id=meeting.id, agenda_item=item, title=f"Note de cadrage n°{position}",
                                   position=position,
                                   published_at=meeting.starts_at - timedelta(days=12))
        document.versions.append(DocumentVersion(filename=f"note-{position}.pdf", mimetype="application/pdf", size=3,
                                                 sha256="0" * 64, uploaded_at=meeting.starts_at - timedelta(days=12)))
        db.session.add(document)
    db.session.commit()
    member = log_in(app.test_client(), create_user(Role.MEMBER, person=meeting.attendances[0].person))
    fresh_session()
    with counted_queries() as statements:
        page = member.get("/mes-seances").get_data(as_text=True)
    assert "Note de cadrage n°1" in page and "Note de cadrage n°2" in page
    dossier = [statement for statement in statements
               if "meeting_document" in statement or "document_version" in statement]
    assert len(dossier) == 1, dossier

"""The meeting page reads rows in proportion to what it shows: each person, point, theme tag, deadline
and agenda item once (with the body's composition for the quorum), not again per relation."""
from sqlalchemy import func, select

from app.extensions import db
from app.loadgen import create_benchmark_meeting
from app.models import RoundTablePoint, RoundTableSection, point_themes
from tests.conftest import test_organisation
from tests.query_count import counted_rows, fresh_session


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

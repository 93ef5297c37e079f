"""What the round-table editor and its writes read: the sections and points they show or change, and the
people a point may name, without the rest of the meeting."""
from __future__ import annotations

from sqlalchemy import bindparam, select, union
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models.people import PersonRow, person_columns, person_row
from app.meetings.queries import POINT_WITH_SPEAKER, nest_points
from app.models import Attendance, Invitation, Person, RoundTablePoint, RoundTableSection

# Each point with its speaker and themes.
POINT_DETAILS = (*POINT_WITH_SPEAKER, selectinload(RoundTablePoint.themes))


# Built once, the meeting and the section bind parameters: building the statement, its loader options and its
# cache key on each call cost more than running it (the editor and every write of a point read it).
SECTIONS = (select(RoundTableSection).where(RoundTableSection.meeting_id == bindparam("meeting_id"))
            .order_by(RoundTableSection.position)
            .options(joinedload(RoundTableSection.points).options(*POINT_DETAILS)))
ONE_SECTION = SECTIONS.where(RoundTableSection.id == bindparam("section_id"))


def sections_with_points(meeting_id: int, section_id: int | None = None) -> list[RoundTableSection]:
    """The meeting's sections in order (only ``section_id`` when given), each with its points and their
    speakers (joined), then the points' themes: two queries whatever the number of points."""
    if section_id is None:
        found = db.session.scalars(SECTIONS, {"meeting_id": meeting_id})
    else:
        found = db.session.scalars(ONE_SECTION, {"meeting_id": meeting_id, "section_id": section_id})
    sections = list(found.unique())
    nest_points(sections)
    return sections


def meeting_people(meeting_id: int, speaker_id: int | None = None) -> list[PersonRow]:
    """The people of the meeting's attendance sheet and those convened, each once, by id (``speaker_choices``
    orders them by name): who a point may name as its speaker. Not a person in the bin (the sheet keeps them for
    its history), unless a point being edited names them already (``speaker_id``): saving it keeps its speaker.
    One query, plain rows (only their names are shown)."""
    named = union(select(Attendance.person_id).where(Attendance.meeting_id == meeting_id),
                  select(Invitation.person_id).where(Invitation.meeting_id == meeting_id))
    person = Person.__table__
    offered = person.c.deleted_at.is_(None)
    if speaker_id is not None:
        offered = offered | (person.c.id == speaker_id)
    rows = db.session.execute(select(*person_columns(person)).where(person.c.id.in_(named), offered)
                              .order_by(person.c.id))
    return [person_row(row) for row in rows]

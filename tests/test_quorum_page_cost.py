"""The quorum's seats read as plain rows (``quorum_composition``): one statement, no mapped object, each row
taken as it comes (``SeatRow``), and the same seats, people and suppléants as the mapped composition."""
from __future__ import annotations

from datetime import datetime, timezone

from app.bodies.composition import _SEATS, SeatRow, body_composition, quorum_composition
from app.extensions import db
from app.meetings.page import load_meeting, meeting_page
from app.meetings.quorum import quorum_status
from app.meetings.roster import meeting_day
from app.models import InvitationResponse, Seat
from app.models.people import PersonRow
from tests.meeting_factories import add_member, make_body, make_meeting
from tests.query_count import counted_objects, counted_queries


def test_the_seats_statement_selects_the_fields_of_a_seat_row_in_order():
    # ``quorum_composition`` builds each ``SeatRow`` from its row by position.
    assert tuple(column.name for column in _SEATS.selected_columns) == SeatRow._fields


def test_the_plain_seats_read_as_the_mapped_composition(app_context):
    body = make_body("Instance des suppléants")
    titulaire = add_member(body, "Titulaire")
    titulaire.person.email = "titulaire@exemple.fr"
    first = add_member(body, "Premier", seat=Seat.SUPPLEANT, substitute_for=titulaire, voting=False)
    first.person.email = "premier@exemple.fr"
    add_member(body, "Second", seat=Seat.SUPPLEANT, substitute_for=titulaire)
    add_member(body, "Consultatif", voting=False)
    left = add_member(body, "Parti")
    left.person.deleted_at = datetime(2020, 1, 1, tzinfo=timezone.utc)
    meeting = make_meeting(body)
    next(invitation for invitation in meeting.invitations
         if invitation.person_id == titulaire.person_id).response = InvitationResponse.SUBSTITUTE
    db.session.commit()
    person_id, civility = titulaire.person_id, titulaire.person.civility
    left_id, meeting_id = left.person_id, meeting.id
    db.session.expunge_all()

    page = meeting_page(load_meeting(meeting_id), with_record=False)
    day = meeting_day(page)
    with counted_queries() as statements, counted_objects() as built:
        plain = quorum_composition(page.body, day)
    assert len(statements) == 1 and not built
    mapped = body_composition(page.body, day)

    assert list(plain.by_person) == list(mapped.by_person)
    assert plain.seat_ids == mapped.seat_ids and plain.seats_in_office == 1
    named = [(person.id, person.formal_name, person.email) for person in plain.substitutes(person_id)]
    assert named == [(person.id, person.formal_name, person.email) for person in mapped.substitutes(person_id)]
    assert named[0][2] == "premier@exemple.fr"
    assert plain.person(person_id) == PersonRow(person_id, civility, "Anne", "Titulaire",
                                                "titulaire@exemple.fr")
    assert plain.person(left_id) is None  # a deleted person holds no seat
    assert plain.roles_of(person_id) == []

    # The titulaire's first suppléant sits in their place: the seat is filled, by either composition.
    assert quorum_status(page, plain) == quorum_status(page, mapped) == quorum_status(page)
    assert quorum_status(page).present == 1

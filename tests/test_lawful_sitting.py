"""How the app decides that a sitting was lawful, against DOMAIN.md: who votes for a seat, the president's
casting vote, the quorum's exact share and base, the forecast, the second convocation (D.1432-30, -47, -50)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.bodies.rules import quorum_sentence
from app.extensions import db
from app.meetings.quorum import quorum_status
from app.models import (
    AgendaItem,
    AgendaItemNature,
    Attendance,
    AttendanceStatus,
    InvitationResponse,
    Membership,
    Seat,
    Vote,
    VoteOutcome,
)
from tests.meeting_factories import add_member, make_body, make_meeting, make_president

PRESENT, EXCUSED, ABSENT, REPRESENTED = (AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT,
                                         AttendanceStatus.REPRESENTED)
AVIS = "La CRSA émet un avis favorable au projet régional de santé."


def record(meeting, statuses: list[tuple[Membership, AttendanceStatus]]) -> None:
    """The attendance sheet in the order given (the sheet's order is the convened list's: by name)."""
    for position, (membership, status) in enumerate(statuses, start=1):
        meeting.attendances.append(Attendance(person=membership.person, status=status, position=position,
                                              voting=membership.voting))
    meeting.agenda_items.append(AgendaItem(position=1, title="Projet régional de santé",
                                           nature=AgendaItemNature.FOR_OPINION, submitted_text=AVIS))
    db.session.commit()


def titulaire_with_suppleant_both_present(*, roll_call: bool, president: bool):
    """A body of 8 titulaires; the first (« MARTIN ») has a suppléant « ALBERT » who came too: the sheet,
    in name order, lists the suppléant first. Everyone is present."""
    body = make_body("CRSA de test", roll_call_votes=roll_call)
    titulaire = add_member(body, "Martin", first_name="Paul")
    others = [add_member(body, f"Membre{index:02d}") for index in range(7)]
    substitute = add_member(body, "Albert", seat=Seat.SUPPLEANT, substitute_for=titulaire, first_name="Zoé")
    if president:
        make_president(titulaire)
    meeting = make_meeting(body)
    record(meeting, [(substitute, PRESENT), (titulaire, PRESENT), *[(m, PRESENT) for m in others]])
    return meeting, titulaire, substitute, others


def votes_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Vote))


# --- A titulaire present votes for their seat, even with their suppléant listed first -------------------

def test_roll_call_the_titulaire_present_votes_not_their_suppleant_listed_first(secretariat_client):
    """D.1432-30: a suppléant sits only in place of an absent titulaire. With both present, the vote of
    the seat is the titulaire's, whoever comes first on the sheet."""
    meeting, titulaire, substitute, others = titulaire_with_suppleant_both_present(roll_call=True, president=False)
    data = {"agenda_item_id": meeting.agenda_items[0].id, "question": AVIS,
            **{f"choice_{m.person.id}": "pour" for m in [titulaire, *others]}}
    response = secretariat_client.post(f"/meetings/{meeting.id}/votes/new", data=data)
    assert response.status_code == 302, "the roll call naming the titulaire present was refused"
    assert votes_count() == 1


def test_the_presidents_casting_vote_counts_when_their_suppleant_also_came(secretariat_client):
    """D.1432-47: the president's vote decides a tie. The president sits (present); their suppléant came
    too and is listed first on the sheet: the president is among the voters, their vote breaks the tie."""
    meeting, _, _, _ = titulaire_with_suppleant_both_present(roll_call=False, president=True)
    data = {"agenda_item_id": meeting.agenda_items[0].id, "question": AVIS, "votes_for": 4, "votes_against": 4,
            "abstentions": 0, "not_voting": 0, "president_choice": "pour"}
    response = secretariat_client.post(f"/meetings/{meeting.id}/votes/new", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    vote = db.session.scalar(select(Vote))
    assert vote.outcome is VoteOutcome.ADOPTED and vote.decided_by_casting_vote


# --- The quorum's share applied exactly (no float error) ------------------------------------------

def body_of(size: int, **settings):
    body = make_body(f"Instance de {size}", **settings)
    return body, [add_member(body, f"Membre{index:03d}") for index in range(size)]


@pytest.mark.parametrize("fraction, strict, seats, required", [
    (0.55, False, 100, 55),  # « au moins 55 % » of 100: 55, the app asks 56 (100 × 0.55 = 55.000000000000007)
    (0.56, False, 25, 14),   # « au moins 56 % » of 25: 14, the app asks 15
    (0.29, True, 100, 30),   # « plus de 29 % » of 100: 30 (the float product is 28.999999999999996)
])
def test_the_quorum_share_is_computed_exactly(app_context, fraction, strict, seats, required):
    body, members = body_of(seats, quorum_fraction=fraction, quorum_strict=strict)
    assert body.quorum_required(seats) == required


# --- « le tiers », « les deux tiers »: the share said is the share applied --------------------------------

@pytest.mark.parametrize("fraction, seats, words, required", [
    (0.33, 100, "le tiers au moins", 34),       # a third of 100 is 33.3: at least a third is 34, not 33
    (0.67, 30, "les deux tiers au moins", 20),  # two thirds of 30 are 20, not 21
])
def test_the_share_the_body_page_states_is_the_share_the_quorum_applies(app_context, fraction, seats, words, required):
    body, _ = body_of(seats, quorum_fraction=fraction)
    sentence = quorum_sentence(body, seats)
    assert words in sentence  # what the body page and the settings say the rule is
    assert body.quorum_required(seats) == required, sentence


# --- Two overlapping mandates of one member are one seat of the quorum's base --------------------

def test_a_renewed_mandate_overlapping_the_old_one_is_one_seat_in_the_base(app_context):
    """The base is the voting seats in office; one person holds one seat (D.1432-30). A renewed
    mandate starting on the day the old one ends (both dates included; the form now refuses it) is one seat."""
    body, members = body_of(4)
    members[0].start_date, members[0].end_date = date(2015, 6, 4), date(2020, 6, 4)
    db.session.add(Membership(person=members[0].person, body=body, title=members[0].title, seat=Seat.TITULAIRE,
                              voting=True, start_date=date(2020, 6, 4)))
    db.session.commit()
    meeting = make_meeting(body, convene=members)  # 4 June 2020
    record(meeting, [(members[0], PRESENT), (members[1], PRESENT), (members[2], EXCUSED), (members[3], EXCUSED)])
    status = quorum_status(meeting)
    assert (status.voting_members, status.counted, status.required, status.reached) == (4, 2, 2, True)


# --- The forecast quorum counts no seat nobody will fill --------------------------------------------

def test_forecast_does_not_count_a_seat_whose_suppleant_declined(app_context):
    """Before the sitting, the quorum is forecast from the answers: the titulaire answered « mon suppléant me
    remplace » but the suppléant answered « excusé »: nobody fills the seat."""
    body, members = body_of(4)
    substitute = add_member(body, "Suppleante", seat=Seat.SUPPLEANT, substitute_for=members[1])
    meeting = make_meeting(body)
    answers = {members[0].person_id: InvitationResponse.PRESENT,
               members[1].person_id: InvitationResponse.SUBSTITUTE,
               substitute.person_id: InvitationResponse.EXCUSED,
               members[2].person_id: InvitationResponse.EXCUSED, members[3].person_id: InvitationResponse.EXCUSED}
    for invitation in meeting.invitations:
        invitation.response = answers[invitation.person_id]
    db.session.commit()
    status = quorum_status(meeting)
    assert (status.counted, status.required, status.reached) == (1, 2, False), status.label


def test_forecast_does_not_count_a_pouvoir_whose_holder_declined(app_context):
    """A pouvoir is held by a titulaire present (D.1432-50): once its holder answered « excusé », the
    forecast does not count the seat as represented."""
    body, members = body_of(4)
    meeting = make_meeting(body)
    invitations = {invitation.person_id: invitation for invitation in meeting.invitations}
    invitations[members[0].person_id].response = InvitationResponse.PRESENT
    invitations[members[1].person_id].response = InvitationResponse.PROXY
    invitations[members[1].person_id].proxy_holder = members[2].person
    invitations[members[2].person_id].response = InvitationResponse.EXCUSED  # answered afterwards
    invitations[members[3].person_id].response = InvitationResponse.EXCUSED
    db.session.commit()
    status = quorum_status(meeting)
    assert (status.counted, status.required, status.reached) == (1, 2, False), status.label


# --- A second convocation is exempt from the quorum only as D.1432-50 convenes it -----------

def reconvened_lawfully(secretariat_client):
    """A body of 10 whose sitting had 3 present, reconvened on 12 June 2020 (within 8 days), and the form of
    « Modifier la séance » of that second convocation as it stands."""
    body, members = body_of(10)
    first = make_meeting(body)
    record(first, [(m, PRESENT if i < 3 else EXCUSED) for i, m in enumerate(members)])
    assert not quorum_status(first).reached
    response = secretariat_client.post(f"/meetings/{first.id}/second-convocation", data={
        "day": "12/06/2020", "starts": "10:00", "ends": "12:00", "place": "ARS", "a_posteriori": "y"})
    assert response.status_code == 302
    second = first.second_convocations[0]
    assert quorum_status(second).required == 0
    form = {"title": second.title, "place": "ARS", "visio_url": "", "context": "", "working_method": "",
            "agenda": "\n".join(item.title for item in second.agenda_items), "day": "2020-06-12",
            "starts": "10:00", "ends": "12:00", "a_posteriori": "y", "version": str(second.version)}
    return first, second, form


def test_a_second_convocation_is_not_moved_past_its_delay(secretariat_client):
    """D.1432-50: the second convocation sits within the body's 8 days; « Modifier la séance » refuses
    another day, says why, and keeps what was typed."""
    first, second, form = reconvened_lawfully(secretariat_client)
    response = secretariat_client.post(f"/meetings/{second.id}/edit", data={**form, "day": "2020-07-20"})
    assert response.status_code == 200
    assert "dans les 8 jours qui suivent la séance sans quorum" in response.text
    assert 'value="2020-07-20"' in response.text
    db.session.expire_all()
    assert second.starts_at.date() == date(2020, 6, 12)
    assert quorum_status(second).required == 0


def test_a_second_convocation_on_another_agenda_needs_its_quorum_again(secretariat_client):
    """D.1432-50: the exemption holds on the same agenda. Given another agenda, the sitting needs its quorum,
    and its page says so."""
    first, second, form = reconvened_lawfully(secretariat_client)
    agenda = "Approbation du compte rendu\nAvis sur un autre projet, jamais inscrit"
    response = secretariat_client.post(f"/meetings/{second.id}/edit", data={**form, "agenda": agenda})
    assert response.status_code == 302
    db.session.expire_all()
    status = quorum_status(second)
    assert (status.required, status.reached, status.second_convocation) == (5, False, False), status.label
    page = secretariat_client.get(f"/meetings/{second.id}").text
    assert "le quorum est de nouveau requis" in page


# --- A second convocation's convocations are not called late (compte rendu, receipts) -----------------

def second_convocation_sent_six_days_ahead():
    """The 12 June 2020 second convocation of a meeting without quorum, its convocation sent on 6 June
    (J-6): within the law (D.1432-50: within 8 days), and « pas en retard » for « Envoyer les convocations »."""
    from datetime import datetime, timezone

    from app.models import MailKind, MailStatus, OutboxMessage

    body, members = body_of(4)
    first = make_meeting(body)
    second = make_meeting(body, day=date(2020, 6, 12), second_convocation_of_id=first.id)
    for invitation in second.invitations:
        db.session.add(OutboxMessage(key=f"second-convocation:{second.id}:{invitation.person_id}", kind=MailKind.CONVOCATION,
                                     status=MailStatus.SENT, meeting_id=second.id, sequence=0,
                                     person_id=invitation.person_id,
                                     sent_at=datetime(2020, 6, 6, 9, 0, tzinfo=timezone.utc)))
    db.session.commit()
    return second


def test_the_compte_rendu_does_not_call_a_second_convocation_late(app_context):
    from app.calendar.convocations import convocation_record, plan_sending

    second = second_convocation_sent_six_days_ahead()
    assert not plan_sending(second, date(2020, 6, 6)).late  # the sending did not ask for an urgency reason
    record_ = convocation_record(second)
    assert not record_.late and "en deçà du délai" not in record_.sentence, record_.sentence


def test_the_receipts_page_says_a_second_convocation_reached_members_in_time(app_context):
    from app.dossier.receipts import receipt_report

    second = second_convocation_sent_six_days_ahead()
    report = receipt_report(second)
    assert [member.in_time for member in report.members] == [True] * 4


def test_a_second_convocation_needs_its_quorum_once_the_first_sitting_is_found_quorate(secretariat_client):
    """D.1432-50: the exemption follows a sitting without quorum. The first sheet corrected afterwards to a
    quorum (a member recorded excused by mistake), the second convocation needs its own."""
    first, second, _ = reconvened_lawfully(secretariat_client)
    for attendance in first.attendances[3:5]:
        attendance.status = PRESENT
    db.session.commit()
    assert quorum_status(first).reached
    status = quorum_status(second)
    assert (status.required, status.second_convocation) == (5, False), status.label

"""A realistic national dataset for benchmarks: bulk inserts, not one ORM object at a time.

Default size: 18 ARS, about 25 bodies each, 25,000 meetings over 10 years, 1,500,000 attendance rows and as
many convocations (with their e-mails sent), 600,000 tour-de-table points, 50,000 deadlines; each meeting with
its ordre du jour and dossier, its avis voted in the CRSA and its commissions, and once held long enough its
compte rendu validated and published. ``scale`` shrinks or grows every count together.
"""
from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable, NamedTuple

from sqlalchemy import func, insert, select, text

from app.calendar.convocations import mail_key
from app.extensions import db
from app.formatting import paris_datetime, plain_date
from app.meetings.defaults import DEFAULT_AGENDA_ITEM, DEFAULT_SECTION_TITLES
from app.models import (
    AgendaItem,
    AgendaItemNature,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Capacity,
    Civility,
    ConvocationSending,
    Deadline,
    DeadlineKind,
    DocumentChunk,
    DocumentVersion,
    Invitation,
    InvitationResponse,
    MailKind,
    MailStatus,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    Membership,
    Minutes,
    MinutesAction,
    MinutesEvent,
    MinutesStatus,
    Organisation,
    OutboxMessage,
    PRESETS,
    Person,
    RoundTablePoint,
    RoundTableSection,
    Seat,
    Theme,
    Vote,
    VoteOutcome,
    ensure_default_themes,
)

REGIONS = [
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse", "Grand Est",
    "Guadeloupe", "Guyane", "Hauts-de-France", "Île-de-France", "La Réunion", "Martinique", "Mayotte",
    "Normandie", "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
]
LAST_NAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent", "Simon",
    "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont",
    "Lambert", "Fontaine", "Rousseau", "Vincent", "Müller", "Lefebvre", "Faure", "André", "Mercier", "Blanc",
    "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin",
    "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
]
FIRST_NAMES = [
    (Civility.MR, "Jean"), (Civility.MRS, "Marie"), (Civility.MR, "Pierre"), (Civility.MRS, "Nathalie"),
    (Civility.MR, "Michel"), (Civility.MRS, "Isabelle"), (Civility.MR, "Philippe"), (Civility.MRS, "Sylvie"),
    (Civility.MR, "Alain"), (Civility.MRS, "Catherine"), (Civility.MR, "Laurent"), (Civility.MRS, "Françoise"),
    (Civility.MR, "Éric"), (Civility.MRS, "Hélène"), (Civility.MR, "François"), (Civility.MRS, "Céline"),
]
TITLES = [
    "Président URPS Médecins", "Représentant de France Assos Santé", "Directeur de centre hospitalier",
    "Conseil départemental", "Représentante des usagers", "Président de la CSOS", "Fédération hospitalière",
    "Représentant des EHPAD", "Ordre des infirmiers", "Union régionale des professionnels de santé",
    "Mutualité française", "Conseil régional", "Association de patients", "Représentant des salariés",
]
POINT_WORDS = [
    "coordination", "parcours", "télémédecine", "prévention", "attractivité des métiers", "démocratie sanitaire",
    "articulation ville-hôpital", "soins non programmés", "santé mentale", "EHPAD", "handicap", "précarité",
    "formation", "financement", "gouvernance", "territoires", "usagers", "numérique en santé", "urgences",
    "coopération entre acteurs", "accès aux soins", "médecine de ville", "crise sanitaire", "vaccination",
]


@dataclass
class LoadSize:
    organisations: int = 18
    bodies_per_organisation: int = 25
    meetings: int = 25_000
    attendances: int = 1_500_000
    points: int = 600_000
    deadlines: int = 50_000
    years: int = 10

    @classmethod
    def scaled(cls, scale: float) -> "LoadSize":
        base = cls()
        return cls(
            organisations=max(1, min(18, round(base.organisations * min(1.0, scale * 10)))),
            bodies_per_organisation=base.bodies_per_organisation,
            meetings=max(1, round(base.meetings * scale)),
            attendances=max(1, round(base.attendances * scale)),
            points=max(1, round(base.points * scale)),
            deadlines=max(1, round(base.deadlines * scale)),
            years=base.years,
        )


class IdAllocator:
    """Hands out primary keys above the current maximum, so rows can be inserted in bulk with their ids."""

    def __init__(self):
        self.next_ids: dict[str, int] = {}

    def take(self, model, count: int = 1) -> int:
        table = model.__tablename__
        if table not in self.next_ids:
            self.next_ids[table] = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        first = self.next_ids[table]
        self.next_ids[table] += count
        return first


def bulk_insert(model, rows: Iterable[dict], batch_size: int = 10_000) -> int:
    """Insert ``rows`` (dicts with the same keys) in batches; returns the number inserted."""
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            db.session.execute(insert(model), batch)
            total += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(model), batch)
        total += len(batch)
    return total


def reset_postgresql_sequences(models) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))"
        ))


def generate_load(size: LoadSize, seed: int = 2020, today: date | None = None,
                  progress: Callable[[str], None] = lambda message: None) -> dict[str, int]:
    """Generate the dataset and commit it; returns the number of rows per table."""
    rng = random.Random(seed)
    today = today or date.today()
    ids = IdAllocator()
    counts: dict[str, int] = {}
    now = datetime.now(timezone.utc)

    # Organisations and bodies.
    first_org = ids.take(Organisation, size.organisations)
    existing_names = set(db.session.scalars(select(Organisation.name)))
    org_rows = []
    for index in range(size.organisations):
        name = f"Agence Régionale de Santé {REGIONS[index % len(REGIONS)]}"
        if name in existing_names:
            name += f" (charge {uuid.uuid4().hex[:6]})"
        org_rows.append({"id": first_org + index, "name": name, "short_name": f"ARS {index + 1}",
                         "secretariat_email": f"ds-{index + 1}@ars.example.fr", "logo": None, "logo_mimetype": None})
    counts["organisation"] = bulk_insert(Organisation, org_rows)

    body_rows, body_sizes = [], []
    first_body = ids.take(Body, size.organisations * size.bodies_per_organisation)
    for org_index in range(size.organisations):
        org_id = first_org + org_index
        base = first_body + org_index * size.bodies_per_organisation
        for offset in range(size.bodies_per_organisation):
            if offset == 0:
                kind, name, members, parent = BodyKind.CRSA_PLENARY, "Conférence Régionale de la Santé et de l'Autonomie", 120, None
            elif offset == 1:
                kind, name, members, parent = BodyKind.PERMANENT_COMMISSION, "Commission permanente", 40, base
            elif offset <= 5:
                kind, name, members, parent = BodyKind.SPECIALISED_COMMISSION, f"Commission spécialisée n°{offset - 1}", 60, base
            elif offset <= 18:
                kind, name, members, parent = BodyKind.CTS, f"Conseil territorial de santé n°{offset - 5}", 75, None
            else:
                kind, name, members, parent = BodyKind.WORKING_GROUP, f"Groupe de travail n°{offset - 18}", 30, base
            body_rows.append({"id": base + offset, "organisation_id": org_id, "parent_id": parent, "kind": kind,
                              "name": name, "short_name": f"{kind.label[:4]}-{offset}", "territory": "",
                              **PRESETS[kind].rules.settings()})
            body_sizes.append((base + offset, org_id, members))
    counts["body"] = bulk_insert(Body, body_rows)
    progress(f"{counts['body']} instances")

    # People and memberships: each body gets its own members (some people sit in two bodies).
    total_seats = sum(members for _, _, members in body_sizes)
    first_person = ids.take(Person, total_seats)
    first_membership = ids.take(Membership, total_seats)
    person_rows, membership_rows, body_members = [], [], {}
    seat = 0
    for body_id, org_id, members in body_sizes:
        body_members[body_id] = []
        for _ in range(members):
            civility, first_name = rng.choice(FIRST_NAMES)
            person_id = first_person + seat
            person_rows.append({"id": person_id, "organisation_id": org_id, "civility": civility,
                                "first_name": first_name, "last_name": rng.choice(LAST_NAMES),
                                "email": f"membre{person_id}@exemple.fr", "affiliation": "", "feed_token": None,
                                "deleted_at": None})
            title = rng.choice(TITLES)
            membership_rows.append({"id": first_membership + seat, "person_id": person_id, "body_id": body_id,
                                    "title": title, "college": f"Collège {rng.randint(1, 8)}",
                                    "seat": Seat.TITULAIRE, "substitute_for_id": None, "voting": True,
                                    "start_date": today - timedelta(days=365 * size.years), "end_date": None})
            body_members[body_id].append((person_id, title))
            seat += 1
    counts["person"] = bulk_insert(Person, person_rows)
    counts["membership"] = bulk_insert(Membership, membership_rows)
    progress(f"{counts['person']} personnes")

    # Meetings spread over the years, more for plenaries and CTS; attendance sized to the body.
    # Plenaries meet three times as often as the average body, territorial councils twice.
    body_ids = [body_id for body_id, _, members in body_sizes
                for _ in range(3 if members >= 100 else 2 if members >= 75 else 1)]
    first_meeting = ids.take(Meeting, size.meetings)
    start_day = today - timedelta(days=365 * size.years - 60)
    span = 365 * size.years
    meeting_rows, meeting_bodies, meeting_facts = [], [], []
    body_kinds = {row["id"]: row["kind"] for row in body_rows}
    for index in range(size.meetings):
        body_id = body_ids[index % len(body_ids)]
        day = start_day + timedelta(days=rng.randrange(span))
        starts_at = paris_datetime(day, rng.choice([9, 10, 14, 15]), rng.choice([0, 30]))
        status = MeetingStatus.HELD if day < today else MeetingStatus.PLANNED
        if rng.random() < 0.03:
            status = MeetingStatus.CANCELLED
        meeting_rows.append({
            "id": first_meeting + index, "body_id": body_id, "title": f"Séance n°{index + 1}",
            "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2), "place": "Siège de l'ARS",
            "visio_url": "", "status": status, "context": "Contexte de la séance : " + " ; ".join(rng.sample(POINT_WORDS, 4)),
            "working_method": "", "round_table_conclusion": "", "ical_uid": f"{uuid.uuid4()}@seances",
            "ical_sequence": 0, "version": 1, "created_at": now, "updated_at": now, "deleted_at": None,
        })
        meeting_bodies.append(body_id)
        meeting_facts.append(MeetingFacts(body_id, starts_at, status is MeetingStatus.HELD))
    counts["meeting"] = bulk_insert(Meeting, meeting_rows)
    del meeting_rows
    progress(f"{counts['meeting']} séances")

    def convened():
        """(meeting index, position, person id, title) of each member convened to each meeting: what remains is
        spread over the meetings that remain, small bodies giving what they can, the plenaries the rest, so
        that the total is exact whenever the bodies are big enough. The same for attendances and invitations."""
        produced = 0
        order = sorted(range(size.meetings), key=lambda index: len(body_members[meeting_bodies[index]]))
        for rank, index in enumerate(order):
            members = body_members[meeting_bodies[index]]
            wanted = min(len(members), -(-(size.attendances - produced) // (size.meetings - rank)))
            for position, (person_id, title) in enumerate(members[:wanted]):
                yield index, position, person_id, title
            produced += wanted

    first_attendance = ids.take(Attendance, size.attendances)
    statuses = [AttendanceStatus.PRESENT] * 7 + [AttendanceStatus.EXCUSED] * 2 + [AttendanceStatus.ABSENT]
    counts["attendance"] = bulk_insert(Attendance, (
        {"id": first_attendance + number, "meeting_id": first_meeting + index, "person_id": person_id,
         "status": rng.choice(statuses), "represented_by_id": None, "capacity": Capacity.MEMBER, "title": title,
         "voting": True, "position": position}
        for number, (index, position, person_id, title) in enumerate(convened())))
    progress(f"{counts['attendance']} présences")
    counts["invitation"] = bulk_insert(Invitation, invitation_rows(
        convened(), ids.take(Invitation, counts["attendance"]), first_meeting, meeting_facts, rng))
    counts.update(sent_convocations(convened(), ids, first_meeting, meeting_facts, now))
    progress(f"{counts['invitation']} convocations, {counts['outbox_message']} envoyées")
    counts.update(dossier_rows(ids, first_meeting, meeting_facts, body_kinds,
                               {body_id: len(members) for body_id, members in body_members.items()}, rng))
    progress(f"{counts['agenda_item']} points de l'ordre du jour, {counts['vote']} votes, "
             f"{counts['meeting_document']} documents")

    sections_per_meeting = len(DEFAULT_SECTION_TITLES)
    first_section = ids.take(RoundTableSection, size.meetings * sections_per_meeting)
    counts["round_table_section"] = bulk_insert(RoundTableSection, (
        {"id": first_section + index * sections_per_meeting + position, "meeting_id": first_meeting + index,
         "position": position + 1, "title": title}
        for index in range(size.meetings) for position, title in enumerate(DEFAULT_SECTION_TITLES)
    ))
    first_point = ids.take(RoundTablePoint, size.points)

    def point_rows():
        for number in range(size.points):
            meeting_index = number % size.meetings
            section_id = first_section + meeting_index * sections_per_meeting + rng.randrange(sections_per_meeting)
            words = rng.sample(POINT_WORDS, 3)
            yield {"id": first_point + number, "section_id": section_id, "meeting_id": first_meeting + meeting_index,
                   "parent_id": None,
                   "position": number // size.meetings + 1, "is_proposal": section_id % sections_per_meeting == 0,
                   "speaker_id": None,
                   "text": f"Renforcer {words[0]} en lien avec {words[1]} : {words[2]}, retour d'expérience n°{number + 1}."}

    counts["round_table_point"] = bulk_insert(RoundTablePoint, point_rows())
    progress(f"{counts['round_table_point']} points")

    first_deadline = ids.take(Deadline, size.deadlines)

    def deadline_rows():
        for number in range(size.deadlines):
            meeting_index = number % size.meetings
            due = today - timedelta(days=365 * size.years - 90) + timedelta(days=rng.randrange(span))
            yield {"id": first_deadline + number, "meeting_id": first_meeting + meeting_index, "position": number,
                   "kind": DeadlineKind.DUE_DATE, "title": f"Contributions attendues ({rng.choice(POINT_WORDS)})",
                   "due_date": due, "due_at": None, "body_id": meeting_bodies[meeting_index],
                   "announced_meeting_id": None, "ical_uid": f"{uuid.uuid4()}@seances"}

    counts["deadline"] = bulk_insert(Deadline, deadline_rows())
    counts.update(published_minutes(ids, first_meeting, meeting_facts, now))
    progress(f"{counts['minutes']} comptes rendus publiés")
    reset_postgresql_sequences(GENERATED_MODELS)
    db.session.commit()
    progress("terminé")
    return counts


# The tables ``generate_load`` fills with ids of its own (``DocumentChunk`` too, keyed by its version).
GENERATED_MODELS = (Organisation, Body, Person, Membership, Meeting, Attendance, Invitation, ConvocationSending,
                    OutboxMessage, AgendaItem, Vote, MeetingDocument, DocumentVersion, RoundTableSection,
                    RoundTablePoint, Deadline, Minutes, MinutesEvent)


class MeetingFacts(NamedTuple):
    body_id: int
    starts_at: datetime
    held: bool


VOTING_BODIES = {BodyKind.CRSA_PLENARY, BodyKind.PERMANENT_COMMISSION, BodyKind.SPECIALISED_COMMISSION}
CONVOCATION_DAYS_BEFORE = 14  # J-14: within every body's delay
AGENDA_ITEMS_PER_MEETING = 4  # the approval of the last compte rendu, then three points
# The bytes of every generated dossier document: a small PDF-like file of 2 kB, one chunk.
DOCUMENT_BYTES = b"%PDF-1.4\n% Seances, document de charge\n" + b"0" * 2000 + b"\n%%EOF\n"


def invitation_rows(convened, first_id: int, first_meeting: int, meetings: list[MeetingFacts], rng: random.Random):
    """A convocation for each member ``convened``, answered as members answer: most of a held meeting's, some
    of an upcoming one's, a few days before it."""
    held_answers = [InvitationResponse.PRESENT] * 6 + [InvitationResponse.EXCUSED] * 2 + [None] * 2
    upcoming_answers = [InvitationResponse.PRESENT] * 4 + [InvitationResponse.EXCUSED] + [None] * 5
    for number, (index, _position, person_id, title) in enumerate(convened):
        facts = meetings[index]
        response = rng.choice(held_answers if facts.held else upcoming_answers)
        yield {"id": first_id + number, "meeting_id": first_meeting + index, "person_id": person_id,
               "capacity": Capacity.MEMBER, "title": title, "response": response, "proxy_holder_id": None,
               "responded_at": facts.starts_at - timedelta(days=rng.randint(1, 9)) if response else None}


def sent_convocations(convened, ids: IdAllocator, first_meeting: int, meetings: list[MeetingFacts],
                      now: datetime) -> dict[str, int]:
    """The convocations of each meeting, sent through the outbox ``CONVOCATION_DAYS_BEFORE`` days before it
    once that day has come: one press of « Envoyer les convocations », an e-mail sent to each member convened."""
    sent_at = {index: facts.starts_at - timedelta(days=CONVOCATION_DAYS_BEFORE) for index, facts in enumerate(meetings)
               if facts.starts_at - timedelta(days=CONVOCATION_DAYS_BEFORE) <= now}
    first_sending = ids.take(ConvocationSending, len(sent_at))
    sending_ids = {index: first_sending + number for number, index in enumerate(sent_at)}
    counts = {"convocation_sending": bulk_insert(ConvocationSending, (
        {"id": sending_ids[index], "meeting_id": first_meeting + index, "sequence": 0, "requested_at": when,
         "requested_by_id": None, "days_before": CONVOCATION_DAYS_BEFORE, "late": False, "delay_days": None,
         "urgency_reason": ""} for index, when in sent_at.items()))}
    mails = [(index, person_id) for index, _position, person_id, _title in convened if index in sent_at]
    first_mail = ids.take(OutboxMessage, len(mails))
    counts["outbox_message"] = bulk_insert(OutboxMessage, (
        {"id": first_mail + number, "key": mail_key(MailKind.CONVOCATION, first_meeting + index, person_id, 0),
         "kind": MailKind.CONVOCATION, "status": MailStatus.SENT, "meeting_id": first_meeting + index, "sequence": 0,
         "person_id": person_id, "user_id": None, "deadline_id": None, "about_person_id": None,
         "consultation_answer_id": None, "sending_id": sending_ids[index], "attempts": 1, "next_attempt_at": None,
         "detail": "", "created_at": sent_at[index], "updated_at": sent_at[index], "sent_at": sent_at[index]}
        for number, (index, person_id) in enumerate(mails)))
    return counts


def dossier_rows(ids: IdAllocator, first_meeting: int, meetings: list[MeetingFacts], body_kinds: dict,
                 seats: dict[int, int], rng: random.Random) -> dict[str, int]:
    """Each meeting's ordre du jour (``AGENDA_ITEMS_PER_MEETING`` items; in the CRSA and its commissions the
    second is « pour avis », voted once the meeting is held, its avis mostly published) and its dossier: a
    note sent with the convocation, and the draft avis for an item « pour avis » (one version each)."""
    counts = {}
    first_item = ids.take(AgendaItem, len(meetings) * AGENDA_ITEMS_PER_MEETING)
    voting = [body_kinds[facts.body_id] in VOTING_BODIES for facts in meetings]

    def item_rows():
        for index, facts in enumerate(meetings):
            words = rng.sample(POINT_WORDS, AGENDA_ITEMS_PER_MEETING)
            for position in range(AGENDA_ITEMS_PER_MEETING):
                opinion = position == 1 and voting[index]
                title = (DEFAULT_AGENDA_ITEM if position == 0
                         else f"Avis sur le projet relatif à : {words[position]}" if opinion
                         else f"Point sur {words[position]}")
                yield {"id": first_item + index * AGENDA_ITEMS_PER_MEETING + position,
                       "meeting_id": first_meeting + index, "position": position + 1, "title": title,
                       "description": "", "submitted_text": "",
                       "nature": AgendaItemNature.FOR_OPINION if opinion else
                       AgendaItemNature.FOR_INFORMATION if position else None}

    counts["agenda_item"] = bulk_insert(AgendaItem, item_rows())
    voted = [index for index, facts in enumerate(meetings) if voting[index] and facts.held]
    first_vote = ids.take(Vote, len(voted))

    def vote_rows():
        for number, index in enumerate(voted):
            facts = meetings[index]
            base = seats[facts.body_id]
            required = -(-base // 2)  # « au moins la moitié » of the members in office
            counted = rng.randint(required, base)
            votes_for = rng.randint(counted // 2, counted)
            votes_against = rng.randint(0, counted - votes_for)
            abstentions = counted - votes_for - votes_against
            adopted = votes_for > votes_against
            yield {"id": first_vote + number, "agenda_item_id": first_item + index * AGENDA_ITEMS_PER_MEETING + 1,
                   "question": "", "roll_call": False, "votes_for": votes_for, "votes_against": votes_against,
                   "abstentions": abstentions, "not_voting": 0, "abstentions_in_base": False,
                   "president_casting_vote": False, "president_choice": None,
                   "outcome": VoteOutcome.ADOPTED if adopted else VoteOutcome.REJECTED,
                   "decided_by_casting_vote": False,
                   "quorum_statement": f"Quorum atteint : {counted} membres sur {base} ({required} requis)",
                   "quorum_counted": counted, "quorum_base": base, "quorum_required": required,
                   "avis_text": "Avis favorable." if adopted else "Avis défavorable.",
                   "recorded_at": facts.starts_at + timedelta(hours=1), "recorded_by_id": None, "reopened_at": None,
                   "published_at": facts.starts_at + timedelta(days=2) if rng.random() < 0.8 else None}

    counts["vote"] = bulk_insert(Vote, vote_rows())
    documents = [(index, None, "Note de présentation", "note-de-presentation.pdf") for index in range(len(meetings))]
    documents += [(index, first_item + index * AGENDA_ITEMS_PER_MEETING + 1, "Projet d'avis", "projet-d-avis.pdf")
                  for index in range(len(meetings)) if voting[index]]
    first_document = ids.take(MeetingDocument, len(documents))
    first_version = ids.take(DocumentVersion, len(documents))
    sha256 = hashlib.sha256(DOCUMENT_BYTES).hexdigest()
    counts["meeting_document"] = bulk_insert(MeetingDocument, (
        {"id": first_document + number, "meeting_id": first_meeting + index, "agenda_item_id": item_id,
         "title": title, "position": 1 if item_id is None else 2, "presented_at_meeting": False,
         "published_at": meetings[index].starts_at - timedelta(days=12), "withdrawn_at": None,
         "created_at": meetings[index].starts_at - timedelta(days=13)}
        for number, (index, item_id, title, _) in enumerate(documents)))
    bulk_insert(DocumentVersion, (
        {"id": first_version + number, "document_id": first_document + number, "number": 1, "filename": filename,
         "mimetype": "application/pdf", "size": len(DOCUMENT_BYTES), "sha256": sha256,
         "uploaded_at": meetings[index].starts_at - timedelta(days=13), "uploaded_by_id": None, "storage": "database"}
        for number, (index, _, _, filename) in enumerate(documents)))
    bulk_insert(DocumentChunk, ({"version_id": first_version + number, "index": 0, "data": DOCUMENT_BYTES}
                                for number in range(len(documents))), batch_size=2_000)
    return counts


# A compte rendu is validated at the body's next sitting and then published: the meetings held longer ago than
# this have theirs; the more recent ones are still being written (no row until the secretariat acts on it).
MINUTES_PUBLISHED_AFTER = timedelta(days=90)
MINUTES_VALIDATED_AFTER = timedelta(days=30)
MINUTES_PUBLISHED_ON_VALIDATION = timedelta(days=5)


def minutes_dates(facts: MeetingFacts) -> tuple[datetime, datetime]:
    """When a generated compte rendu was validated, then published."""
    validated_at = facts.starts_at + MINUTES_VALIDATED_AFTER
    return validated_at, validated_at + MINUTES_PUBLISHED_ON_VALIDATION


def published_minutes(ids: IdAllocator, first_meeting: int, meetings: list[MeetingFacts],
                      now: datetime) -> dict[str, int]:
    """The compte rendu of each meeting held more than ``MINUTES_PUBLISHED_AFTER`` ago, validated then published
    (its frozen file, its two events). The frozen file is a real compte rendu, built as validation builds it, of
    each body's first such meeting: its body's other meetings share its bytes (building 25,000 would take a
    quarter of an hour), so that every file has the size of its body's."""
    from app.documents.minutes import build_minutes
    from app.documents.queries import load_meeting_for_minutes
    from app.documents.workflow import minutes_facts
    from app.documents.word import document_bytes

    published = [index for index, facts in enumerate(meetings)
                 if facts.held and facts.starts_at <= now - MINUTES_PUBLISHED_AFTER]
    files: dict[int, tuple[bytes, str, str]] = {}  # body id: (frozen bytes, their digest, the quorum sentence)
    for index in published:
        body_id = meetings[index].body_id
        if body_id not in files:
            meeting = load_meeting_for_minutes(first_meeting + index)
            facts = minutes_facts(meeting)
            validated_at, _ = minutes_dates(meetings[index])
            content = document_bytes(build_minutes(
                meeting, draft=False, quorum_statement=facts.quorum_statement, presiding=facts.presiding,
                convocations=facts.convocations, validation=f"Compte rendu validé le {plain_date(validated_at)}."))
            files[body_id] = content, hashlib.sha256(content).hexdigest(), facts.quorum_statement
    db.session.expunge_all()  # the meetings read for the files, with their people: not kept for the inserts
    first_minutes = ids.take(Minutes, len(published))
    first_event = ids.take(MinutesEvent, 2 * len(published))

    def minutes_rows():
        for number, index in enumerate(published):
            facts = meetings[index]
            content, sha256, quorum = files[facts.body_id]
            validated_at, published_at = minutes_dates(facts)
            yield {"id": first_minutes + number, "meeting_id": first_meeting + index,
                   "status": MinutesStatus.PUBLISHED, "document": content, "document_sha256": sha256,
                   "document_size": len(content), "quorum_statement": quorum, "validated_at": validated_at,
                   "validated_by_id": None, "published_at": published_at, "published_by_id": None, "public_at": None}

    def event_rows():
        for number, index in enumerate(published):
            actions = zip((MinutesAction.VALIDATED, MinutesAction.PUBLISHED), minutes_dates(meetings[index]))
            for offset, (action, at) in enumerate(actions):
                yield {"id": first_event + 2 * number + offset, "minutes_id": first_minutes + number,
                       "action": action, "user_id": None, "at": at, "comment": ""}

    return {"minutes": bulk_insert(Minutes, minutes_rows(), batch_size=500),
            "minutes_event": bulk_insert(MinutesEvent, event_rows())}


BENCHMARK_BODY_NAME = "Conférence plénière de référence"


def create_benchmark_meeting(attendees: int = 150, points: int = 300, other_meetings: int = 120,
                             deadlines: int = 10, seed: int = 2020, today: date | None = None,
                             organisation: Organisation | None = None) -> Meeting:
    """One held meeting sized like the largest plenaries (150 attendees, 300 nested and themed points),
    in its own body (of ``organisation``, else of a new ARS) with ``other_meetings`` lighter meetings
    over the years and ``deadlines`` upcoming deadlines: the fixed target of the benchmark and of the
    query-bound tests.

    Built with ORM objects (about a thousand rows): the nesting and the themes stay readable."""
    rng = random.Random(seed)
    today = today or date.today()
    ensure_default_themes()
    themes = list(db.session.scalars(select(Theme).order_by(Theme.position)))
    organisation = organisation or Organisation(name=f"ARS de référence {uuid.uuid4().hex[:6]}", short_name="ARS réf.")
    name = BENCHMARK_BODY_NAME
    if organisation.id is not None and db.session.scalar(
            select(Body.id).where(Body.organisation_id == organisation.id, Body.name == name)):
        name += f" {uuid.uuid4().hex[:6]}"  # a second one in the same ARS
    body = Body(organisation=organisation, kind=BodyKind.CRSA_PLENARY, name=name, short_name="CRSA réf.")
    members = []
    for index in range(attendees):
        civility, first_name = rng.choice(FIRST_NAMES)
        person = Person(organisation=organisation, civility=civility, first_name=first_name,
                        last_name=f"{rng.choice(LAST_NAMES)}-{index + 1}", email=f"reference{index + 1}@exemple.fr")
        members.append(Membership(person=person, body=body, title=rng.choice(TITLES),
                                  college=f"Collège {rng.randint(1, 8)}", seat=Seat.TITULAIRE, voting=True,
                                  start_date=today - timedelta(days=365 * 6)))
    db.session.add_all(members)

    starts_at = paris_datetime(today - timedelta(days=14), 14)
    meeting = Meeting(body=body, title="Séance plénière de référence", starts_at=starts_at,
                      ends_at=starts_at + timedelta(hours=3), place="Siège de l'ARS, salle du conseil",
                      status=MeetingStatus.HELD, context="Contexte de la séance : " + " ; ".join(POINT_WORDS[:6]),
                      round_table_conclusion="A l'issue du tour de table, il est convenu de poursuivre les travaux.")
    meeting.agenda_items = [AgendaItem(position=1, title=DEFAULT_AGENDA_ITEM)] + [
        AgendaItem(position=index + 2, title=f"Point sur {word}") for index, word in enumerate(POINT_WORDS[:5])
    ]
    statuses = [AttendanceStatus.PRESENT] * 7 + [AttendanceStatus.EXCUSED] * 2 + [AttendanceStatus.ABSENT]
    for position, membership in enumerate(members):
        meeting.invitations.append(Invitation(person=membership.person, title=membership.title))
        meeting.attendances.append(Attendance(person=membership.person, title=membership.title, voting=True,
                                              status=rng.choice(statuses), capacity=Capacity.MEMBER,
                                              position=position))
    meeting.sections = [RoundTableSection(position=position + 1, title=title)
                        for position, title in enumerate(DEFAULT_SECTION_TITLES)]
    parent = None
    for number in range(points):
        section = meeting.sections[number * len(meeting.sections) // points]
        words = rng.sample(POINT_WORDS, 3)
        nested = number % 3 != 0 and parent is not None and parent.section is section
        point = RoundTablePoint(
            position=number, is_proposal=section.title == "Propositions",
            speaker=rng.choice(members).person if number % 4 == 0 else None,
            text=f"Renforcer {words[0]} en lien avec {words[1]} : {words[2]}, retour d'expérience n°{number + 1}.",
            themes=rng.sample(themes, rng.randint(1, 2)) if themes else [],
        )
        section.points.append(point)
        if nested:
            point.parent = parent
        else:
            parent = point
    meeting.deadlines = [
        Deadline(position=index, kind=DeadlineKind.DUE_DATE, body=body, due_date=today + timedelta(days=7 * (index + 1)),
                 title=f"Contributions attendues ({POINT_WORDS[index % len(POINT_WORDS)]})")
        for index in range(deadlines)
    ]
    db.session.add(meeting)
    for index in range(other_meetings):
        day = today - timedelta(days=30 * (other_meetings - index)) + timedelta(days=30 * 12)
        other_start = paris_datetime(day, 10)
        db.session.add(Meeting(body=body, title=f"Séance plénière n°{index + 1}", starts_at=other_start,
                               ends_at=other_start + timedelta(hours=2), place="Siège de l'ARS",
                               status=MeetingStatus.HELD if day < today else MeetingStatus.PLANNED))
    db.session.commit()
    return meeting

"""How long the « Envoyer les convocations » request takes with the outbox (prints figures; not a test).

    .venv/bin/python bench/bench_convocations.py [--runs 9] [--redis redis://127.0.0.1:6379/0]

Builds a throwaway SQLite database (or the one of ``--database``) with a body of 150 members, then
times the request that sends a meeting's convocations to 10, 50 and 150 people, with jobs going to
an RQ queue of its own on Redis (deleted afterwards): the request only records the messages and
queues one job, so its time must not grow with the number of recipients (target: ≤ 200 ms for 150).
Median and slowest of ``--runs`` requests, each on a fresh meeting. Then what the worker does with one of them:
the time to build the 150 e-mails (text, HTML, invitation and answer links of each), without sending them.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.calendar.convocations import build_meeting_emails  # noqa: E402
from app.extensions import db  # noqa: E402
from app.formatting import paris_datetime  # noqa: E402
from app.models import (  # noqa: E402
    Body,
    BodyKind,
    Capacity,
    Civility,
    Invitation,
    Meeting,
    Membership,
    OutboxMessage,
    Organisation,
    Person,
    Role,
    Seat,
    User,
    ensure_default_themes,
)

SIZES = (10, 50, 150)
TARGET_MS = 200
PASSWORD = "mot-de-passe-du-banc-1"


def build(members: int) -> tuple[Body, list[Person]]:
    organisation = Organisation(name="ARS du banc d'essai", short_name="ARS", secretariat_email="secretariat@ars.example.fr")
    body = Body(organisation=organisation, kind=BodyKind.CTS, name="Conseil territorial du banc", short_name="CTS")
    people = [Person(organisation=organisation, civility=Civility.MRS, first_name=f"Anne{n}", last_name=f"Membre{n}",
                     email=f"membre{n}@example.fr") for n in range(members)]
    db.session.add_all([Membership(person=person, body=body, title="Membre", seat=Seat.TITULAIRE,
                                   start_date=date(2020, 1, 1)) for person in people])
    user = User(email="secretariat@banc.example.fr", role=Role.SECRETARIAT, organisation=organisation)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return body, people


def new_meeting(body: Body, people: list[Person], index: int) -> int:
    start = paris_datetime(date.today() + timedelta(days=30 + index), 14)
    meeting = Meeting(body=body, title=f"Séance {index}", starts_at=start, ends_at=start + timedelta(hours=2))
    meeting.invitations = [Invitation(person=person, capacity=Capacity.MEMBER) for person in people]
    db.session.add(meeting)
    db.session.commit()
    return meeting.id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    arguments = parser.parse_args()

    folder = tempfile.TemporaryDirectory()
    queue_name = f"seances-bench-{uuid.uuid4().hex}"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": arguments.database or f"sqlite:///{folder.name}/bench.sqlite",
        "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "REDIS_URL": arguments.redis, "JOBS_QUEUE": queue_name,
    })
    from app.jobs import job_queue

    with app.app_context():
        db.create_all()
        ensure_default_themes()
        job_queue().connection.ping()
        body, people = build(max(SIZES))
        body_id, person_ids = body.id, [person.id for person in people]
    client = app.test_client()  # requests run outside the set-up's app context, as in production
    client.post("/login", data={"email": "secretariat@banc.example.fr", "password": PASSWORD})
    print(f"Requête « Envoyer les convocations » (file RQ « {queue_name} », {arguments.runs} essais par taille)")
    results = {}
    for size in SIZES:
        timings = []
        for run in range(arguments.runs):
            with app.app_context():
                meeting_id = new_meeting(db.session.get(Body, body_id),
                                         [db.session.get(Person, person_id) for person_id in person_ids[:size]],
                                         size * 1000 + run)
            started = time.perf_counter()
            response = client.post(f"/meetings/{meeting_id}/convocations")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
        results[size] = statistics.median(timings)
        last_meeting_id = meeting_id
        print(f"  {size:>4} destinataires : médiane {results[size]:6.1f} ms, plus lente {max(timings):6.1f} ms")
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.meeting_id == last_meeting_id)))
        started = time.perf_counter()
        built = build_meeting_emails(rows)
        build_ms = (time.perf_counter() - started) * 1000
        assert len(built) == len(rows) == max(SIZES) and all(isinstance(m, EmailMessage) for m in built.values())
        print(f"  le worker construit les {len(rows)} courriels d'une séance (sans les envoyer) : {build_ms:.0f} ms, "
              f"{build_ms / len(rows):.1f} ms par courriel")
        queue = job_queue()
        queued = queue.count
        keys = queue.connection.keys(f"rq:*{queue_name}*")
        job_keys = [f"rq:job:{job_id}" for job_id in queue.job_ids]
        queue.connection.delete(*(keys + job_keys))
        db.drop_all()
    growth = results[max(SIZES)] / results[min(SIZES)]
    print(f"  {queued} tâches mises en file ; 150 / 10 destinataires : × {growth:.2f} ; "
          f"objectif ≤ {TARGET_MS} ms pour 150 : {'atteint' if results[150] <= TARGET_MS else 'MANQUÉ'}")
    return 0 if results[150] <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())

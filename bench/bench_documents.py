"""How long the Word builders take on big inputs (prints figures; not part of the test suite).

    .venv/bin/python bench/bench_documents.py [--runs 7]

Builds, in memory (no database), a meeting with 150 attendees and 300 round-table points and
40 meetings holding 2,000 points, then times build + save of the compte rendu and of the synthesis
(median of several runs). As a baseline, python-docx alone writes a plain document with the same
number of paragraphs and table rows with its public API (unstyled ``add_paragraph``; cells filled
through their ``w:tc`` elements, then through ``row.cells``). The builders beat it on long documents
because they insert paragraphs before ``w:sectPr`` directly (``add_paragraph`` searches for that
place among all the body's children each time).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docx  # noqa: E402
from docx.table import _Cell  # noqa: E402

from app.documents.minutes import build_minutes  # noqa: E402
from app.documents.synthesis import build_synthesis  # noqa: E402
from app.documents.word import document_bytes  # noqa: E402
from app.formatting import paris_datetime  # noqa: E402
from app.models import (  # noqa: E402
    SEGUR_PILLARS,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Capacity,
    Civility,
    Deadline,
    DeadlineKind,
    Meeting,
    Organisation,
    Person,
    RoundTablePoint,
    RoundTableSection,
    Theme,
)

TEXT = ("Renforcer la coopération entre les acteurs du territoire, l’hôpital et la ville « au plus près » "
        "des usagers & des aidants")


class Ids:
    """Explicit ids: the builders link sub-points to their parent by id, as loaded from the database."""

    def __init__(self):
        self.value = 0

    def __call__(self) -> int:
        self.value += 1
        return self.value


def make_meeting(ids: Ids, organisation: Organisation, body: Body, day: date, points: int, attendees: int,
                 themes: list[Theme]) -> Meeting:
    meeting = Meeting(id=ids(), body=body, title=f"Séance du {day:%d/%m/%Y}", starts_at=paris_datetime(day, 10),
                      place="", visio_url="",
                      ends_at=paris_datetime(day, 12), context=f"{TEXT}\n- {TEXT}\n- {TEXT}",
                      working_method=TEXT, round_table_conclusion=TEXT)
    statuses = [(AttendanceStatus.PRESENT, Capacity.MEMBER)] * 6 + [(AttendanceStatus.EXCUSED, Capacity.MEMBER)] * 2 \
        + [(AttendanceStatus.PRESENT, Capacity.ARS_STAFF), (AttendanceStatus.PRESENT, Capacity.GUEST)]
    for index in range(attendees):
        person = Person(id=ids(), organisation=organisation, civility=Civility.MRS if index % 2 else Civility.MR,
                        last_name=f"Nom-{index:03d}", first_name="Prénom")
        status, capacity = statuses[index % len(statuses)]
        meeting.attendances.append(Attendance(person=person, status=status, capacity=capacity, position=index,
                                              title="Président(e) de la commission spécialisée « prévention »"))
    sections_count = max(1, points // 30)
    for section_index in range(sections_count):
        section = RoundTableSection(id=ids(), position=section_index, title=f"Section {section_index + 1}")
        meeting.sections.append(section)
        parent = None
        for index in range(points // sections_count):
            point = RoundTablePoint(id=ids(), position=index, text=TEXT, is_proposal=index % 10 == 0,
                                    themes=[themes[index % 5]] if index % 5 < 4 else [])
            if index % 3 == 0:
                parent = point
            else:  # two sub-points under every third point
                point.parent_id = parent.id
                point.themes = []
            section.points.append(point)
    meeting.deadlines = [Deadline(position=index, kind=DeadlineKind.DUE_DATE, title="Réunion du groupe",
                                  due_date=day + timedelta(days=7 * index)) for index in range(5)]
    return meeting


def median_seconds(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def plain_document(paragraphs: int, rows: int, public_cells: bool) -> bytes:
    document = docx.Document()
    for _ in range(paragraphs):
        document.add_paragraph(TEXT)
    table = document.add_table(rows=rows, cols=2)
    if public_cells:
        for row in table.rows:
            for cell in row.cells:
                cell.text = TEXT
    else:
        for tr in table._tbl.tr_lst:
            for tc in tr.tc_lst:
                _Cell(tc, table).text = TEXT
    return document_bytes(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    from app import create_app
    from app.extensions import db

    # The builders look up the meeting's votes and the dossier's documents: an empty database in memory.
    with create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        db.create_all()
        compare_builders(runs)


def compare_builders(runs: int) -> None:
    ids = Ids()
    organisation = Organisation(id=ids(), name="Agence Régionale de Santé Occitanie")
    body = Body(id=ids(), organisation=organisation, kind=BodyKind.CRSA_PLENARY, name="CRSA", short_name="CRSA")
    themes = [Theme(id=ids(), code=code, name=name, position=position)
              for position, (code, name) in enumerate(SEGUR_PILLARS, start=1)]
    big = make_meeting(ids, organisation, body, date(2020, 5, 28), points=300, attendees=150, themes=themes)
    many = [make_meeting(ids, organisation, body, date(2020, 1, 1) + timedelta(days=7 * index), points=50,
                         attendees=0, themes=themes) for index in range(40)]

    minutes = build_minutes(big)
    minutes_rows = sum(len(table.rows) for table in minutes.tables)
    synthesis = build_synthesis(many, themes)
    synthesis_rows = sum(len(table.rows) for table in synthesis.tables)
    cases = [
        (f"compte rendu, 150 participants, 300 points ({len(minutes.paragraphs)} paragraphes, "
         f"{minutes_rows} lignes)", lambda: document_bytes(build_minutes(big)),
         len(minutes.paragraphs), minutes_rows),
        (f"synthèse, 40 séances, 2 000 points ({len(synthesis.paragraphs)} paragraphes, "
         f"{synthesis_rows} lignes)", lambda: document_bytes(build_synthesis(many, themes)),
         len(synthesis.paragraphs), synthesis_rows),
    ]
    print(f"Médiane de {runs} exécutions (construction + enregistrement .docx)")
    for label, build, paragraphs, rows in cases:
        built = median_seconds(build, runs)
        fast = median_seconds(lambda: plain_document(paragraphs, rows, public_cells=False), runs)
        public = median_seconds(lambda: plain_document(paragraphs, rows, public_cells=True), runs)
        print(f"- {label}")
        print(f"    builder Séances                                    {built * 1000:8.1f} ms")
        print(f"    python-docx seul : add_paragraph, cellules par w:tc {fast * 1000:8.1f} ms")
        print(f"    python-docx seul : add_paragraph, row.cells         {public * 1000:8.1f} ms")


if __name__ == "__main__":
    main()

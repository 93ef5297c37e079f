"""Builders read what was loaded up front: the number of queries does not grow with the rows."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.documents.minutes import build_minutes
from app.documents.queries import load_meeting_for_minutes, load_meeting_for_sign_in_sheet, meetings_for_synthesis
from app.documents.sign_in_sheet import build_sign_in_sheet
from app.documents.synthesis import build_synthesis
from app.extensions import db
from app.models import RoundTablePoint, RoundTableSection
from tests.query_count import counted_queries


def queries_to_build(demo) -> list[int]:
    db.session.expire_all()
    counts = []
    with counted_queries() as statements:
        build_minutes(load_meeting_for_minutes(demo.id))
    counts.append(len(statements))
    db.session.expire_all()
    with counted_queries() as statements:
        build_sign_in_sheet(load_meeting_for_sign_in_sheet(demo.id))
    counts.append(len(statements))
    db.session.expire_all()
    with counted_queries() as statements:
        build_synthesis(meetings_for_synthesis([demo.body_id], date(2020, 1, 1), date(2020, 12, 31)))
    counts.append(len(statements))
    return counts


def test_documents_cost_the_same_queries_with_ten_times_more_points(demo):
    before = queries_to_build(demo)
    section = db.session.scalar(select(RoundTableSection).where(RoundTableSection.meeting_id == demo.id))
    for index in range(150):
        parent = RoundTablePoint(position=100 + index, text=f"Point {index}", section=section)
        db.session.add(parent)
        db.session.add(RoundTablePoint(position=1, text=f"Sous-point {index}", section=section, parent=parent))
    db.session.commit()
    assert queries_to_build(demo) == before

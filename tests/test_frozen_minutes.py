"""A validated compte rendu is served as its frozen bytes: nothing of the meeting is read again, its ETag
is the SHA-256 of the file, and a browser that holds it gets a 304; a draft is still built."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.extensions import db
from app.models import Minutes
from tests.query_count import counted_rows, fresh_session


def test_the_frozen_file_is_served_without_reading_the_meeting_again(demo, secretariat_client):
    url = f"/meetings/{demo.id}/minutes.docx"
    fresh_session()
    with counted_rows() as draft_rows:
        assert secretariat_client.get(url).status_code == 200
    secretariat_client.post(f"/meetings/{demo.id}/minutes/validate")
    frozen = db.session.scalar(select(Minutes.document).where(Minutes.meeting_id == demo.id))
    fresh_session()
    with counted_rows() as frozen_rows:
        response = secretariat_client.get(url)
    assert response.status_code == 200 and response.data == frozen
    assert response.headers["ETag"] == f'"{hashlib.sha256(frozen).hexdigest()}"'
    read = [statement for statement, rows in frozen_rows if "attendance" in statement or "round_table" in statement]
    assert read == [] and sum(rows for _, rows in frozen_rows) < sum(rows for _, rows in draft_rows) / 4

    again = secretariat_client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_draft_has_no_etag_and_is_built_each_time(demo, secretariat_client):
    response = secretariat_client.get(f"/meetings/{demo.id}/minutes.docx")
    assert response.status_code == 200 and "ETag" not in response.headers

"""A validated compte rendu is served as its frozen bytes: nothing of the meeting is read again, its ETag
is the SHA-256 of the file, and a browser that holds it gets a 304; a draft is still built."""
from __future__ import annotations

import hashlib
import os
import tracemalloc

from sqlalchemy import select

from app.extensions import db
from app.models import Minutes
from tests.query_count import counted_queries, counted_rows, fresh_session


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


def validated(client, meeting_id: int) -> Minutes:
    assert client.post(f"/meetings/{meeting_id}/minutes/validate").status_code == 302
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id))


def test_the_download_is_one_query_with_the_account_and_a_304_reads_no_file(demo, secretariat_client):
    """Like a static file: the session's account, the permission, the digest, the size and the bytes of a file of
    one piece, in one query of the needed columns (``app/documents/frozen.py``); a browser holding it reads
    nothing more."""
    url = f"/meetings/{demo.id}/minutes.docx"
    minutes = validated(secretariat_client, demo.id)
    assert minutes.document_sha256 == hashlib.sha256(minutes.document).hexdigest()
    assert minutes.document_size == len(minutes.document)
    fresh_session()
    with counted_queries() as statements:
        response = secretariat_client.get(url)
    assert response.status_code == 200 and response.data == minutes.document
    assert response.content_length == minutes.document_size
    assert 'filename=compte-rendu-' in response.headers["Content-Disposition"]
    assert len(statements) == 1, statements
    assert not any("FROM meeting" in statement and "round_table" in statement for statement in statements)

    fresh_session()
    with counted_queries() as statements:
        again = secretariat_client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == response.headers["ETag"]
    assert len(statements) == 1 and not any("substr" in statement.lower() for statement in statements)


def assert_sent_by_pieces(response, expected: bytes) -> None:
    """``response`` sends ``expected`` (21 MB) as it reads it, by pieces of at most 1 MB, holding less than
    5 MB at any time."""
    assert not isinstance(response.response, (bytes, list))  # a generator, read as it is sent
    digest, sizes = hashlib.sha256(), []
    tracemalloc.start()
    try:
        for piece in response.response:
            digest.update(piece)
            sizes.append(len(piece))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    response.close()
    assert digest.hexdigest() == hashlib.sha256(expected).hexdigest()
    assert max(sizes) <= 1024 * 1024 and len(sizes) == 21
    assert peak < 5 * 1024 * 1024, f"{peak / 1024 / 1024:.1f} MB held while sending a 20 MB file"


def test_a_large_frozen_file_is_streamed_by_pieces_of_one_megabyte(demo, secretariat_client):
    """A 20 MB compte rendu (pictures…) never sits whole in the worker's memory: read and sent by pieces
    of at most 1 MB, one query each."""
    url = f"/meetings/{demo.id}/minutes.docx"
    minutes = validated(secretariat_client, demo.id)
    big = os.urandom(20 * 1024 * 1024 + 123)
    minutes.document = big
    db.session.commit()
    del minutes
    fresh_session()
    with counted_queries() as statements:
        response = secretariat_client.get(url, buffered=False)
        assert response.status_code == 200 and response.content_length == len(big)
        assert_sent_by_pieces(response, big)
    if db.engine.dialect.name == "sqlite":
        # SQLite's substr() loads the whole value in its own memory (unseen by tracemalloc) for each piece:
        # the pieces are read from its incremental blob instead (bench/mixed.py measures the workers' memory).
        assert not any("substr" in statement.lower() for statement in statements)
    # The account with the facts (the file is too large to come with them), then one query per piece and the
    # empty one that ends it.
    assert len(statements) == 1 + 21 + 1, len(statements)


def test_reopening_forgets_the_digest_and_the_draft_is_built_again(demo, secretariat_client):
    validated(secretariat_client, demo.id)
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/reopen", data={"confirm": "y", "reason": "erreur"}).status_code == 302
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == demo.id))
    assert minutes.document is None and minutes.document_sha256 is None and minutes.document_size is None
    response = secretariat_client.get(f"/meetings/{demo.id}/minutes.docx")
    assert response.status_code == 200 and "ETag" not in response.headers


def test_the_public_download_is_the_frozen_file_too(app, demo, secretariat_client):
    """On the public page (no account), the same as members get: one query, the ETag and its 304, a large
    file streamed by pieces."""
    minutes = validated(secretariat_client, demo.id)
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/publish").status_code == 302
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/public").status_code == 302
    url, anonymous = f"/public/comptes-rendus/{minutes.id}.docx", app.test_client()
    db.session.refresh(minutes)
    frozen, digest = minutes.document, minutes.document_sha256
    fresh_session()
    with counted_queries() as statements:
        response = anonymous.get(url)
    assert response.status_code == 200 and response.data == frozen
    assert response.headers["ETag"] == f'"{digest}"' and len(statements) == 1, statements
    assert response.headers["Content-Disposition"].startswith("attachment; filename=compte-rendu-")
    again = anonymous.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""

    big = os.urandom(20 * 1024 * 1024 + 123)
    db.session.get(Minutes, minutes.id).document = big
    db.session.commit()
    fresh_session()
    response = anonymous.get(url, buffered=False)
    assert response.status_code == 200 and response.content_length == len(big)
    assert_sent_by_pieces(response, big)

"""A compte rendu's download read with the session's account in one statement: a validated one, the most frequent
download of a member's, then costs one query in all, as a static file costs none."""
from __future__ import annotations

from app.access import may_open
from app.auth.claims import current_session_claims
from app.documents.queries import MinutesDownload, session_minutes_download
from app.documents.workflow import status_visible_to
from app.permissions import meeting_access_refusal


def minutes_download_for_session(meeting_id: int, endpoint: str) -> MinutesDownload | None:
    """The facts of the meeting's compte rendu when the session's account may download it, read with the account in
    one statement: the same checks as the account's loading (active, same session generation, login not too old),
    the matrix (``may_open``), the meeting's permission and the minutes' status. None in every other case (no
    session, an ended one, a refusal, no such meeting): the ordinary path, the account loaded, then answers it (the
    login page, 404, 403)."""
    claims = current_session_claims()
    if claims is None:
        return None
    read = session_minutes_download(claims.user_id, meeting_id)
    if read is None or not claims.hold_for(read.active, read.session_generation):
        return None
    account, download = read.account, read.download
    if not may_open(account, endpoint) or meeting_access_refusal(account, *download.access) is not None:
        return None
    return download if status_visible_to(account, download.status) else None

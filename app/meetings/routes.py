from flask import abort, render_template
from flask_login import current_user, login_required

from app.meetings import bp
from app.meetings.outline import deadline_outline
from app.meetings.queries import load_meeting_for_display
from app.permissions import can_view_meeting


@bp.route("/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    meeting = load_meeting_for_display(meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        abort(404)
    if not can_view_meeting(current_user, meeting):
        abort(403)
    return render_template(
        "meetings/detail.html", meeting=meeting, deadline_lines=deadline_outline(meeting.deadlines)
    )

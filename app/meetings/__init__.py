from flask import Blueprint

from app.urls import id_url

# No URL prefix: a meeting is created under its body (/bodies/<id>/meetings/new).
bp = Blueprint("meetings", __name__)
bp.add_app_template_global(id_url)  # the meeting page's per-person links


@bp.app_template_global()
def second_convocation_notice(meeting):
    """For the meeting page, the convocation e-mails and any template showing a second convocation."""
    from app.meetings.second_convocation import second_convocation_notice as notice

    return notice(meeting)


@bp.app_template_global()
def meeting_pending_tasks(meeting):
    """The « À faire » list of the meeting page (meetings/_pending.html)."""
    from app.meetings.pending import pending_tasks

    return pending_tasks(meeting)


from app.meetings import routes  # noqa: E402,F401

from flask import Blueprint

# No URL prefix: a meeting is created under its body (/bodies/<id>/meetings/new).
bp = Blueprint("meetings", __name__)


@bp.app_template_global()
def second_convocation_notice(meeting):
    """For the meeting page, the convocation e-mails and any template showing a second convocation."""
    from app.meetings.second_convocation import second_convocation_notice as notice

    return notice(meeting)


from app.meetings import routes  # noqa: E402,F401

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from app.main import bp
from app.meetings.queries import upcoming_meetings


@bp.route("/")
@login_required
def home():
    if current_user.is_national_admin:  # no ARS's meetings: their work is organisations and accounts
        return redirect(url_for("organisation.index"))
    meetings = upcoming_meetings(current_user, limit=20)
    return render_template("main/home.html", meetings=meetings)

from flask import render_template
from flask_login import current_user, login_required

from app.main import bp
from app.meetings.queries import upcoming_meetings


@bp.route("/")
@login_required
def home():
    meetings = upcoming_meetings(current_user, limit=20)
    return render_template("main/home.html", meetings=meetings)

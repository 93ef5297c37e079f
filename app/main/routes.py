from flask import current_app, redirect, render_template, url_for
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


# The three pages a public service site links from its footer (public: no login needed).
CONFORMITY_LABELS = {"non": "non conforme", "partiellement": "partiellement conforme", "totalement": "totalement conforme"}


@bp.app_context_processor
def footer_helpers():
    return {"accessibility_conformity": accessibility_conformity}


def accessibility_conformity() -> str:
    """« non conforme », « partiellement conforme » or « totalement conforme » (setting ACCESSIBILITY_CONFORMITY)."""
    return CONFORMITY_LABELS.get(current_app.config["ACCESSIBILITY_CONFORMITY"], CONFORMITY_LABELS["non"])


@bp.route("/accessibilite")
def accessibility():
    return render_template("main/accessibility.html", audit=current_app.config["ACCESSIBILITY_AUDIT"])


@bp.route("/mentions-legales")
def legal_notice():
    return render_template("main/legal_notice.html", hosting=current_app.config["HOSTING_PROVIDER"])


@bp.route("/donnees-personnelles")
def personal_data():
    config = current_app.config
    return render_template("main/personal_data.html", anonymise_years=config["ANONYMISE_MINUTES_AFTER_YEARS"],
                           answer_link_days=config["ANSWER_LINK_MAX_AGE_DAYS"])

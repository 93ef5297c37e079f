"""Routes of the calendar area: .ics downloads, secret feeds, convocations and answers."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.calendar import bp
from app.calendar.answers import AnswerLinkError, answer_options, read_answer_token, record_answer
from app.calendar.builders import deadlines_calendar, meeting_calendar
from app.calendar.convocations import delivery_summary, send_convocations
from app.calendar.feeds import feed_ics, ics_response, regenerate_feed_token
from app.calendar.forms import AnswerForm, ConfirmForm
from app.calendar.queries import find_feed_owner, load_deadline, load_meeting_for_calendar, meeting_deadlines
from app.calendar.urls import webcal_url
from app.extensions import db
from app.formatting import to_paris
from app.models import Body, Person
from app.permissions import can_view_meeting, get_body_or_404, get_meeting_or_404, staff_required


@bp.app_context_processor
def calendar_helpers():
    """Helpers for the partials this area adds to the meeting and body pages."""
    return {"calendar_feed_url": lambda owner: webcal_url(owner.feed_token) if owner.feed_token else None,
            "convocation_summary": delivery_summary}


def meeting_filename(meeting, suffix: str = "") -> str:
    return f"seance-{to_paris(meeting.starts_at):%Y%m%d}-{meeting.id}{suffix}.ics"


@bp.route("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    get_meeting_or_404(meeting_id)
    meeting = load_meeting_for_calendar(meeting_id)
    return ics_response(meeting_calendar(meeting, with_attendees=current_user.is_staff).to_ical(),
                        meeting_filename(meeting))


@bp.route("/meetings/<int:meeting_id>/deadlines.ics")
@login_required
def meeting_deadlines_ics(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id)
    calendar = deadlines_calendar(meeting_deadlines(meeting), name=f"Prochaines échéances — {meeting.body.label}")
    return ics_response(calendar.to_ical(), meeting_filename(meeting, "-echeances"))


@bp.route("/deadlines/<int:deadline_id>.ics")
@login_required
def deadline_ics(deadline_id: int):
    deadline = load_deadline(deadline_id)
    if deadline is None or deadline.meeting.deleted_at is not None:
        abort(404)
    if not can_view_meeting(current_user, deadline.meeting):
        abort(403)
    return ics_response(deadlines_calendar([deadline]).to_ical(), f"echeance-{deadline.due_date:%Y%m%d}-{deadline.id}.ics")


@bp.route("/feeds/<token>.ics")
def feed(token: str):
    """Works without a session: the secret token is the credential."""
    owner = find_feed_owner(token)
    if owner is None:
        abort(404)
    kind = "instance" if isinstance(owner, Body) else "personne"
    return ics_response(feed_ics(owner), f"seances-{kind}-{owner.id}.ics", public=True)


@bp.route("/bodies/<int:body_id>/feed/regenerate", methods=["POST"])
@staff_required
def regenerate_body_feed(body_id: int):
    body = get_body_or_404(body_id)
    if ConfirmForm().validate_on_submit():
        regenerate_feed_token(body)
        db.session.commit()
        flash("Nouveau lien d'abonnement créé : l'ancien ne fonctionne plus.", "success")
    return redirect(url_for("bodies.detail", body_id=body.id))


def _own_person() -> Person | None:
    person = current_user.person
    return person if person is not None and person.deleted_at is None else None


@bp.route("/mon-agenda")
@login_required
def my_feed():
    return render_template("calendar/my_feed.html", person=_own_person(), form=ConfirmForm())


@bp.route("/mon-agenda/nouveau-lien", methods=["POST"])
@login_required
def regenerate_my_feed():
    person = _own_person()
    if person is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        regenerate_feed_token(person)
        db.session.commit()
        flash("Nouveau lien d'abonnement créé : l'ancien ne fonctionne plus.", "success")
    return redirect(url_for("calendar.my_feed"))


@bp.route("/meetings/<int:meeting_id>/convocations", methods=["POST"])
@staff_required
def send_meeting_convocations(meeting_id: int):
    get_meeting_or_404(meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    meeting = load_meeting_for_calendar(meeting_id)
    report = send_convocations(meeting)
    if report.sent:
        flash(f"Courriel envoyé à {len(report.sent)} personne(s).", "success")
    if report.failed:
        flash("Échec de l'envoi pour : " + ", ".join(name for name, _ in report.failed)
              + ". Vous pouvez réessayer.", "error")
    if report.without_email:
        flash("Sans adresse électronique (non convoqués par courriel) : " + ", ".join(report.without_email), "warning")
    if not report.sent and not report.failed:
        flash("Aucun courriel à envoyer : chaque personne a déjà reçu cette version de la séance.", "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


@bp.route("/reponse/<token>", methods=["GET", "POST"])
def answer(token: str):
    """A convened person answers from the link of their e-mail, without logging in.
    GET only shows the form (mail scanners open links); POST records the answer."""
    try:
        link = read_answer_token(token)
    except AnswerLinkError as error:
        return render_template("calendar/answer_invalid.html", message=error.message), error.status
    invitation = link.invitation
    options = answer_options(invitation)
    form = AnswerForm(invitation, options)
    if request.method == "GET" and request.args.get("reponse") in {r.value for r in options.responses}:
        form.response.data = request.args["reponse"]
    if form.validate_on_submit():
        response, holder = form.chosen_response, form.chosen_holder
        if not record_answer(link, response, holder):
            return render_template("calendar/answer_invalid.html", message="Ce lien de réponse a déjà été utilisé."), 410
        confirmation = f"Votre réponse est enregistrée : {response.label}"
        if holder is not None:
            confirmation += f" à {holder.display_name}"
        flash(confirmation + ". Merci.", "success")
        return redirect(url_for("calendar.answer_recorded"))
    return render_template("calendar/answer.html", form=form, invitation=invitation, meeting=invitation.meeting)


@bp.route("/reponse-enregistree")
def answer_recorded():
    return render_template("calendar/answer_recorded.html")

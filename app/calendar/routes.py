"""Routes of the calendar area: .ics downloads, secret feeds, convocations and answers."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.audit import log_security_event
from app.calendar import bp
from app.calendar.answers import AnswerLinkError, answer_options, read_answer_token, record_answer
from app.calendar.builders import attendees_of, deadlines_calendar, meeting_calendar
from app.calendar.convocations import (
    convocation_record,
    last_urgency_reason,
    mailing_progress,
    plan_sending,
    send_planned,
)
from app.calendar.feeds import (
    feed_ics,
    ics_response,
    regenerate_body_feed_link,
    regenerate_feed_token,
)
from app.calendar.forms import AnswerForm, ConfirmForm, SendingForm
from app.calendar.notices import tell_people_concerned
from app.calendar.queries import (
    body_feed_link,
    find_feed_owner,
    load_deadline,
    load_meeting_for_calendar,
    load_own_copy,
    meeting_deadlines,
)
from app.calendar.urls import feed_url, webcal_url
from app.extensions import db, limit_from_config, limiter
from app.formatting import paris_today, to_paris
from app.meetings.outline import shown_deadlines
from app.models import Body, Person
from app.permissions import check_meeting, get_body_or_404, get_meeting_or_404, staff_required


def calendar_feed_url(owner: Body | Person, token: str | None = None) -> str | None:
    """The feed address to show: a person's own, or for a body the current user's own link, whose ``token``
    the body's page read with the body (None: they asked for none)."""
    if isinstance(owner, Person):
        token = owner.feed_token
    return feed_url(token) if token else None


@bp.app_context_processor
def calendar_helpers():
    """Helpers for the partials this area adds to the meeting and body pages."""
    return {"calendar_feed_url": calendar_feed_url, "mailing_progress": mailing_progress,
            "convocation_record": convocation_record}


bp.add_app_template_filter(webcal_url, "webcal")


def meeting_filename(meeting, suffix: str = "") -> str:
    return f"seance-{to_paris(meeting.starts_at):%Y%m%d}-{meeting.id}{suffix}.ics"


@bp.route("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    # A member's file is their own copy (naming them alone): at their SEQUENCE, as their e-mails; staff's, the
    # meeting's, naming everyone convened (no person: nobody's withdrawals counted).
    meeting, sequence, named, member_value = load_own_copy(meeting_id, current_user)
    check_meeting(meeting, member_value=member_value)
    calendar = meeting_calendar(meeting, attendees=attendees_of(named), sequence=sequence)
    return ics_response(calendar.to_ical(), meeting_filename(meeting))


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
    if deadline is None or not shown_deadlines([deadline]):
        abort(404)
    check_meeting(deadline.meeting)
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
@login_required
def regenerate_body_feed(body_id: int):
    """The user's own link to the body's calendar, created or replaced (the old one stops at once)."""
    body = get_body_or_404(body_id)
    if ConfirmForm().validate_on_submit():
        link = body_feed_link(body, current_user)
        regenerate_body_feed_link(body, current_user, link)
        if link is not None:
            # Security events are read by the national admins too: the body's number, never its name.
            log_security_event("feed_link_regenerated", current_user, f"instance n° {body.id}")
        db.session.commit()
        flash("Nouveau lien d'abonnement créé : l'ancien ne fonctionne plus." if link is not None
              else "Votre lien d'abonnement personnel est créé.", "success")
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
        if person.feed_token:
            log_security_event("feed_link_regenerated", current_user, "agenda personnel")
        regenerate_feed_token(person)
        db.session.commit()
        flash("Nouveau lien d'abonnement créé : l'ancien ne fonctionne plus.", "success")
    return redirect(url_for("calendar.my_feed"))


@bp.route("/meetings/<int:meeting_id>/convocations", methods=["GET", "POST"])
@staff_required
def send_meeting_convocations(meeting_id: int):
    """Send (GET: what would be sent). Later than the body's delay, asks for the reason of urgency."""
    get_meeting_or_404(meeting_id)
    meeting = load_meeting_for_calendar(meeting_id)
    plan = plan_sending(meeting, paris_today())
    form = SendingForm(plan.late)
    if form.validate_on_submit():
        outcome = send_planned(plan, current_user.id, form.urgency.data or "")
        for message, category in outcome.messages():
            flash(message, category)
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    if not form.is_filled_in() and plan.late:
        form.urgency.data = last_urgency_reason(meeting)
    return render_template("calendar/send.html", form=form, meeting=meeting, plan=plan), 422 if form.errors else 200


@bp.route("/reponse/<token>", methods=["GET", "POST"])
@limiter.limit(limit_from_config("ANSWER_RATE_LIMIT"), methods=["POST"])
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
        tell_people_concerned(invitation, paris_today())
        confirmation = f"Votre réponse est enregistrée : {response.label}"
        if holder is not None:
            confirmation += f" à {holder.display_name}"
        flash(confirmation + ". Merci.", "success")
        lapsed = options.lapse_confirmation(response)
        if lapsed:
            flash(lapsed, "warning")
        return redirect(url_for("calendar.answer_recorded"))
    return render_template("calendar/answer.html", form=form, invitation=invitation, meeting=invitation.meeting)


@bp.route("/reponse-enregistree")
def answer_recorded():
    return render_template("calendar/answer_recorded.html")

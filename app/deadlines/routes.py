from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.confirmations import confirmation_page
from app.deadlines import bp
from app.deadlines.forms import DueDateDeadlineForm, NextMeetingDeadlineForm
from app.deadlines.queries import upcoming_deadlines, upcoming_deadlines_parameters
from app.expired_forms import form_shown_on
from app.extensions import db
from app.formatting import long_date, paris_datetime, paris_today, to_paris
from app.forms import choices, draft_key, id_number, page_number
from app.pagination import counted_page
from app.meetings.defaults import DEFAULT_AGENDA_ITEM
from app.meetings.forms import ConfirmForm
from app.meetings.outline import deadline_when
from app.meetings.scheduling import MeetingDetails, Occurrence, schedule_meeting
from app.models import Deadline, DeadlineKind, Meeting
from app.permissions import (account_parameters, get_body_or_404, get_editable_meeting_or_404, staff_required,
                             visible_bodies, visible_body_names)
from app.submissions import Submission, answer_repeat

PAGE_SIZE = 25


@bp.route("/deadlines")
@login_required
def index():
    """Upcoming deadlines of the bodies the user may see, by date; ``?body=<id>`` keeps one body."""
    bodies = db.session.execute(visible_body_names(current_user.is_staff), account_parameters(current_user)).all()
    body_id = request.args.get("body", type=id_number)
    visible_body_ids = {body.id for body in bodies}
    page = counted_page(upcoming_deadlines(one_body=bool(body_id)), page=page_number(), per_page=PAGE_SIZE,
                        parameters=upcoming_deadlines_parameters(visible_body_ids, body_id, paris_today()))
    return render_template("deadlines/index.html", page=page, bodies=bodies, body_id=body_id,
                           visible_body_ids=visible_body_ids)


def _next_meeting_form(meeting: Meeting, posted: bool = True) -> NextMeetingDeadlineForm:
    """``posted=False``: the form as the page offers it (the meeting's body and place), beside the other form
    refused (422), whose post holds nothing of this one."""
    next_form = (NextMeetingDeadlineForm(prefix="prochaine") if posted
                 else NextMeetingDeadlineForm(prefix="prochaine", formdata=None))
    bodies = db.session.scalars(visible_bodies(current_user))
    next_form.body_id.choices = choices((body.id, body.name) for body in bodies)
    if not (posted and next_form.is_filled_in()):
        next_form.body_id.data = meeting.body_id
        next_form.place.data = meeting.place
    next_form.meeting_day = to_paris(meeting.starts_at).date()
    return next_form


def _due_date_form(meeting: Meeting) -> DueDateDeadlineForm:
    due_form = DueDateDeadlineForm(prefix="butoir")
    due_form.meeting_day = to_paris(meeting.starts_at).date()
    return due_form


def _forms(meeting: Meeting) -> tuple[NextMeetingDeadlineForm, DueDateDeadlineForm]:
    return _next_meeting_form(meeting), _due_date_form(meeting)


# The échéance forms keep what is typed in the browser until saved (``draft_key``): a browser that lost its
# session cookie altogether still has the text after the login.
NEXT_MEETING_DRAFT, DUE_DATE_DRAFT = "deadline-next-meeting", "deadline-due-date"


def _page_url(meeting_id: int, saved: str) -> str:
    """The deadlines page after ``saved`` (a draft's form name) was recorded: the browser forgets its draft."""
    return url_for("deadlines.new", meeting_id=meeting_id, saved=draft_key(meeting_id, saved))


def _render(meeting: Meeting, next_form, due_form, refused=None):
    """``refused``: the form just refused, summed up at the top of the page (base.html reads ``form``)."""
    deadlines = db.session.scalars(
        select(Deadline).where(Deadline.meeting_id == meeting.id)
        .options(selectinload(Deadline.announced_meeting)).order_by(Deadline.position, Deadline.id)
    ).all()
    return render_template("deadlines/new.html", meeting=meeting, deadlines=deadlines, next_form=next_form,
                           due_form=due_form, deadline_when=deadline_when, form=refused,
                           next_draft=draft_key(meeting.id, NEXT_MEETING_DRAFT),
                           due_draft=draft_key(meeting.id, DUE_DATE_DRAFT))


def _submission(meeting_id: int, form) -> Submission:
    """The post of an échéance form: recorded once, however often the same form is sent (app/submissions.py)."""
    return Submission(form, url_for("deadlines.new", meeting_id=meeting_id))


def _already_sent(meeting_id: int, what: str, saved: str):
    """The answer to an échéance form posted again (a double tap, « Renvoyer »): the deadlines page, as the
    first post got, nothing created."""
    return answer_repeat(what, _page_url(meeting_id, saved))


def _due_date_sent(form) -> str:
    return f"l'échéance « {(form.title.data or '').strip()} » n'a été enregistrée"


def _next_meeting_sent(form) -> str:
    title = (form.title.data or "").strip()
    return f"la réunion « {title} » n'a été planifiée" if title else "la réunion n'a été planifiée"


def _record(meeting: Meeting, deadline: Deadline, message: str, submission: Submission, already_sent: str,
            saved: str):
    """Append ``deadline`` after the meeting's others, commit with the form's token, and come back to the
    deadlines page (``saved``: the form, whose draft the browser forgets)."""
    meeting_id = meeting.id
    last = db.session.scalar(select(func.max(Deadline.position)).where(Deadline.meeting_id == meeting_id))
    deadline.position = (last or 0) + 1
    deadline.meeting = meeting
    db.session.add(deadline)
    # Worded before the commit, which expires the rows: reading them after would load them again.
    added = f"Échéance ajoutée : {deadline.title} {deadline_when(deadline)}{message}."
    if not submission.commit():  # the same form, posted at the same moment, was saved first
        return _already_sent(meeting_id, already_sent, saved)
    flash(added, "success")
    return redirect(_page_url(meeting_id, saved))


@bp.route("/meetings/<int:meeting_id>/deadlines")
@staff_required
def new(meeting_id: int):
    meeting = get_editable_meeting_or_404(meeting_id)
    return _render(meeting, *_forms(meeting))


@bp.route("/meetings/<int:meeting_id>/deadlines/next-meeting", methods=["POST"])
@form_shown_on("deadlines.new")
@staff_required
def add_next_meeting(meeting_id: int):
    """Announce the next meeting of a body and create that meeting in the same step."""
    meeting = get_editable_meeting_or_404(meeting_id)
    next_form, due_form = _forms(meeting)
    submission = _submission(meeting_id, next_form)
    if submission.repeated():
        return _already_sent(meeting_id, _next_meeting_sent(next_form), NEXT_MEETING_DRAFT)
    if not next_form.validate_on_submit():
        return _render(meeting, next_form, due_form, refused=next_form), 422
    body = get_body_or_404(next_form.body_id.data)
    title = next_form.title.data.strip() or f"Réunion — {body.name}"
    occurrence = Occurrence(next_form.day.data, next_form.starts.data, next_form.ends.data)
    announced = schedule_meeting(body, occurrence, MeetingDetails(
        title=title, place=next_form.place.data.strip(), agenda_titles=(DEFAULT_AGENDA_ITEM,)))
    deadline = Deadline(kind=DeadlineKind.NEXT_MEETING, title=title, body=body, due_date=occurrence.day,
                        due_at=occurrence.starts_at, announced_meeting=announced)
    return _record(meeting, deadline, " ; la réunion a été planifiée", submission, _next_meeting_sent(next_form),
                   NEXT_MEETING_DRAFT)


@bp.route("/meetings/<int:meeting_id>/deadlines/due-date", methods=["POST"])
@form_shown_on("deadlines.new")
@staff_required
def add_due_date(meeting_id: int):
    meeting = get_editable_meeting_or_404(meeting_id)
    due_form = _due_date_form(meeting)
    submission = _submission(meeting_id, due_form)
    if submission.repeated():
        return _already_sent(meeting_id, _due_date_sent(due_form), DUE_DATE_DRAFT)
    if not due_form.validate_on_submit():
        return _render(meeting, _next_meeting_form(meeting, posted=False), due_form, refused=due_form), 422
    day, at = due_form.day.data, due_form.at.data
    deadline = Deadline(kind=DeadlineKind.DUE_DATE, title=due_form.title.data.strip(), due_date=day,
                        due_at=paris_datetime(day, at.hour, at.minute) if at else None)
    return _record(meeting, deadline, "", submission, _due_date_sent(due_form), DUE_DATE_DRAFT)


@bp.route("/deadlines/<int:deadline_id>/delete", methods=["GET", "POST"])
@staff_required
def delete(deadline_id: int):
    """GET: what goes, asked first; POST: the announcement goes, but a meeting it created stays planned
    (cancel it from its page)."""
    deadline = db.get_or_404(Deadline, deadline_id)
    meeting = get_editable_meeting_or_404(deadline.meeting_id)
    form = ConfirmForm()
    if request.method == "GET":
        consequences = [f"L'échéance « {deadline.title} » {deadline_when(deadline)} ne sera plus annoncée : "
                        "elle disparaît de la page de la séance, du compte rendu et des agendas abonnés."]
        if deadline.announced_meeting is not None:
            consequences.append(f"La réunion du {long_date(deadline.announced_meeting.starts_at)} qu'elle annonce "
                                "reste planifiée : annulez-la depuis sa page si elle n'a plus lieu.")
        return confirmation_page(meeting, heading="Supprimer l'échéance", consequences=consequences, form=form,
                                 button="Oui, supprimer l'échéance", back=url_for("deadlines.new", meeting_id=meeting.id))
    if not form.validate_on_submit():
        abort(400)
    db.session.delete(deadline)
    db.session.commit()
    flash(f"L'échéance « {deadline.title} » a été supprimée.", "success")
    return redirect(url_for("deadlines.new", meeting_id=meeting.id))

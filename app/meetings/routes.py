import secrets
from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.concurrency import StaleEditError, check_version
from app.extensions import db
from app.formatting import long_date, short_date, to_paris
from app.forms import choices
from app.meetings import bp
from app.meetings.defaults import DEFAULT_AGENDA_ITEM
from app.meetings.forms import ConfirmForm, InvitationForm, MeetingForm, SecondConvocationForm, SeriesForm
from app.meetings.outline import deadline_outline
from app.meetings.page import load_meeting_for_page, meeting_page, member_value
from app.meetings.quorum import quorum_status
from app.meetings.second_convocation import (
    latest_day,
    occurrence_refusal,
    reconvening_refusal,
    schedule_second_convocation,
)
from app.meetings.scheduling import (
    MeetingDetails,
    Occurrence,
    agenda_lines,
    agenda_refusal,
    convene,
    members_to_convene,
    occurrence_of,
    replace_agenda,
    schedule_meeting,
)
from app.models import Capacity, Civility, Invitation, Meeting, MeetingStatus, Person, utc_now
from app.people.domain import typed_name
from app.permissions import (
    Opening,
    checked_meeting_opening,
    get_body_or_404,
    get_editable_meeting_or_404,
    get_meeting_or_404,
    staff_required,
    visible_people,
)
from app.submissions import CREATION_TOKEN, Submission, answer_repeat


@bp.route("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    from app.documents.workflow import minutes_visible_to  # documents imports meetings

    meeting, reads = load_meeting_for_page(current_user, meeting_id)
    opening = checked_meeting_opening(meeting, member_value=member_value(reads))
    record_visible = minutes_visible_to(current_user, meeting)
    return render_template(
        "meetings/detail.html", meeting=meeting_page(meeting, with_record=record_visible, reads=reads),
        deadline_lines=deadline_outline(meeting.deadlines), record_visible=record_visible,
        body_open=opening is Opening.BODY,
    )


def details_from(form) -> MeetingDetails:
    """The shared part of a meeting form or a series form."""
    return MeetingDetails(
        title=form.title.data.strip(), place=form.place.data.strip(), visio_url=(form.visio_url.data or "").strip(),
        context=form.context.data.strip(), working_method=form.working_method.data.strip(),
        agenda_titles=agenda_lines(form.agenda.data),
    )


def _prefill_new(form, body) -> None:
    if not form.is_filled_in():
        form.title.data = f"Réunion — {body.name}"
        form.agenda.data = DEFAULT_AGENDA_ITEM


def creation_token(form: MeetingForm | SeriesForm, body) -> str | None:
    """The planning form's token (a new one when the form is first shown); anything else posted is ignored,
    and so is a token of another body's meeting (a form tampered with: it plans without one)."""
    if not form.is_filled_in():
        form.creation_token.data = secrets.token_urlsafe(24)
    token = form.creation_token.data or ""
    if not CREATION_TOKEN.fullmatch(token):
        return None
    elsewhere = db.session.scalar(select(Meeting.id).where(Meeting.creation_token == token, Meeting.body_id != body.id))
    return None if elsewhere is not None else token


def already_planned(body, token: str | None, *, series: bool = False):
    """The answer to a planning form posted again (Back, then submit): the meeting it created (the first
    of the series), or None."""
    meeting = token and db.session.scalar(select(Meeting).where(Meeting.creation_token == token,
                                                                Meeting.body_id == body.id))
    if not meeting:
        return None
    if series:  # it leads to the body's page, where the series is listed
        flash(f"Ce formulaire avait déjà été envoyé : la série commençant le {long_date(meeting.starts_at)} "
              "est planifiée une seule fois.", "info")
        return redirect(url_for("bodies.detail", body_id=body.id))
    if meeting.deleted_at is not None:
        flash("Ce formulaire avait déjà planifié une séance, supprimée depuis : rien n'a été créé.", "info")
        return redirect(url_for("bodies.detail", body_id=body.id))
    flash(f"Ce formulaire avait déjà été envoyé : la séance du {long_date(meeting.starts_at)} est planifiée "
          "une seule fois.", "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


def commit_planned(body, token: str | None, *, series: bool = False):
    """Commit what the planning form created; None, or the answer when the same form, posted twice at
    once, was committed first by the other request (the token is unique)."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if answer := already_planned(body, token, series=series):
            return answer
        raise
    return None


@bp.route("/bodies/<int:body_id>/meetings/new", methods=["GET", "POST"])
@staff_required
def create(body_id: int):
    body = get_body_or_404(body_id)
    form = MeetingForm()
    _prefill_new(form, body)
    token = creation_token(form, body)
    if form.validate_on_submit():
        if answer := already_planned(body, token):
            return answer
        occurrence = Occurrence(form.day.data, form.starts.data, form.ends.data)
        meeting = schedule_meeting(body, occurrence, details_from(form))
        meeting.creation_token = token
        if answer := commit_planned(body, token):
            return answer
        flash(f"La séance du {long_date(meeting.starts_at)} a été planifiée ; "
              f"{len(meeting.invitations)} personne(s) convoquée(s).", "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, body=body, meeting=None)


@bp.route("/bodies/<int:body_id>/meetings/series", methods=["GET", "POST"])
@staff_required
def create_series(body_id: int):
    """Several meetings in one go (the working group on three Tuesdays), each editable alone afterwards."""
    body = get_body_or_404(body_id)
    form = SeriesForm()
    _prefill_new(form, body)
    token = creation_token(form, body)
    if form.validate_on_submit():
        if answer := already_planned(body, token, series=True):
            return answer
        details = details_from(form)
        meetings = [schedule_meeting(body, occurrence, details) for occurrence in form.parsed_occurrences]
        meetings[0].creation_token = token
        if answer := commit_planned(body, token, series=True):
            return answer
        flash(f"{len(meetings)} séance(s) planifiée(s) : "
              + ", ".join(short_date(meeting.starts_at) for meeting in meetings) + ".", "success")
        return redirect(url_for("bodies.detail", body_id=body.id))
    return render_template("meetings/series_form.html", form=form, body=body)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(meeting_id: int):
    meeting = get_editable_meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting)
    occurrence = occurrence_of(meeting)
    form.unchanged = (occurrence.day, occurrence.starts)  # a past meeting's other fields stay editable
    if not form.is_filled_in():
        form.day.data, form.starts.data, form.ends.data = occurrence.day, occurrence.starts, occurrence.ends
        form.agenda.data = "\n".join(item.title for item in meeting.agenda_items)
        form.version.data = str(meeting.version)
    stale_message = None
    if (form.validate_on_submit() and not refused_second_convocation_day(meeting, form)
            and not refused_agenda(meeting, form)):
        try:
            check_version(form.version.data, meeting.version, "cette séance")
            occurrence = Occurrence(form.day.data, form.starts.data, form.ends.data)
            details = details_from(form)
            meeting.title, meeting.place, meeting.visio_url = details.title, details.place, details.visio_url
            meeting.context, meeting.working_method = details.context, details.working_method
            meeting.starts_at, meeting.ends_at = occurrence.starts_at, occurrence.ends_at
            replace_agenda(meeting, details.agenda_titles)  # SEQUENCE follows (app/calendar/sequence.py)
            try:
                db.session.commit()
            except StaleDataError as error:  # saved by someone else between our check and our UPDATE
                raise StaleEditError("cette séance") from error
            flash("La séance a été modifiée.", "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        except StaleEditError as error:
            db.session.rollback()
            stale_message = error.message
            form.version.data = str(meeting.version)  # saving again now overwrites knowingly
    return render_template("meetings/form.html", form=form, body=meeting.body, meeting=meeting,
                           stale_message=stale_message), 409 if stale_message else 200


def refused_agenda(meeting, form: MeetingForm) -> bool:
    """An item put to the vote is neither removed nor renamed: the agenda's field says why, nothing is saved."""
    refusal = agenda_refusal(meeting, agenda_lines(form.agenda.data))
    if refusal:
        form.agenda.errors.append(refusal)
    return refusal is not None


def refused_second_convocation_day(meeting, form: MeetingForm) -> bool:
    """A second convocation moves only within its delay after the sitting without quorum (D.1432-50): else
    the day's field says why, and nothing is saved."""
    if meeting.first_convocation is None:
        return False
    refusal = occurrence_refusal(meeting.first_convocation, Occurrence(form.day.data, form.starts.data, form.ends.data))
    if refusal:
        form.day.errors.append(refusal)
    return refusal is not None


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@staff_required
def cancel(meeting_id: int):
    """The meeting is kept, marked annulée, so that invitations can be withdrawn and history read."""
    return _confirm_status_change(meeting_id, cancelled=True)


@bp.route("/meetings/<int:meeting_id>/restore", methods=["GET", "POST"])
@staff_required
def restore(meeting_id: int):
    """Undo a cancellation: the meeting is planned again (held, if it is over)."""
    return _confirm_status_change(meeting_id, cancelled=False)


def _confirm_status_change(meeting_id: int, cancelled: bool):
    """Ask, then cancel or restore. Either way calendars get a new version of the event (SEQUENCE),
    and the next sending of convocations tells those convened."""
    meeting = get_editable_meeting_or_404(meeting_id)
    if meeting.is_cancelled == cancelled:
        flash("Cette séance est déjà annulée." if cancelled else "Cette séance n'est pas annulée.", "info")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    new_status = MeetingStatus.CANCELLED if cancelled else meeting.status_when_restored(utc_now())
    form = ConfirmForm()
    if form.validate_on_submit():
        meeting.status = new_status
        db.session.commit()
        flash(f"La séance du {long_date(meeting.starts_at)} est {'annulée' if cancelled else 'rétablie'}.", "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/status_change.html", form=form, meeting=meeting, cancelling=cancelled,
                           new_status=new_status)


# « Reconvoquer » posted twice (a double tap, « Renvoyer ») leads to the second convocation its first post planned.
SECOND_CONVOCATION_SENT = "la seconde convocation n'a été planifiée"


@bp.route("/meetings/<int:meeting_id>/second-convocation", methods=["GET", "POST"])
@staff_required
def second_convocation(meeting_id: int):
    """« Reconvoquer »: the meeting without quorum sits again within the body's delay, same agenda and
    convened list. The first meeting is not changed (its compte rendu may already be validated)."""
    meeting = get_meeting_or_404(meeting_id)
    form = SecondConvocationForm(obj=meeting)
    submission = Submission(form, url_for("meetings.second_convocation", meeting_id=meeting.id))
    if submission.repeated():  # before the refusal « déjà reconvoquée »: to the meeting the first post planned
        return submission.answer(SECOND_CONVOCATION_SENT)
    refusal = reconvening_refusal(meeting, quorum_status(meeting))
    if refusal:
        flash(refusal, "info")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    if not form.is_filled_in():
        occurrence = occurrence_of(meeting)
        form.day.data = min(occurrence.day + timedelta(days=7), latest_day(meeting))
        form.starts.data, form.ends.data = occurrence.starts, occurrence.ends
    if form.validate_on_submit():
        occurrence = Occurrence(form.day.data, form.starts.data, form.ends.data)
        refusal = occurrence_refusal(meeting, occurrence)
        if refusal:
            form.day.errors.append(refusal)
        else:
            second = schedule_second_convocation(meeting, occurrence, form.place.data.strip(),
                                                 (form.visio_url.data or "").strip())
            if not submission.commit(shown_at=lambda: url_for("meetings.detail", meeting_id=second.id)):
                return submission.answer(SECOND_CONVOCATION_SENT)  # the same form, posted at the same moment, won
            flash(f"Seconde convocation planifiée le {long_date(second.starts_at)} ; "
                  f"{len(second.invitations)} personne(s) convoquée(s). Envoyez-leur les convocations.", "success")
            return redirect(url_for("meetings.detail", meeting_id=second.id))
    return render_template("meetings/second_convocation.html", form=form, meeting=meeting,
                           latest=latest_day(meeting)), 422 if form.errors else 200


def _invitation_form(meeting: Meeting, invitations: list[Invitation]) -> InvitationForm:
    """The form to convene one more person: everyone of the ARS not convened yet is offered."""
    form = InvitationForm()
    form.organisation_id = meeting.body.organisation_id
    convened = {invitation.person_id for invitation in invitations}
    people = db.session.scalars(visible_people(current_user)).all()
    form.person_id.choices = choices([(0, "— choisir —")] + [
        (person.id, f"{person.formal_name}{' — ' + person.affiliation if person.affiliation else ''}")
        for person in people if person.id not in convened
    ])
    return form


def _convened_people(meeting: Meeting) -> list[Invitation]:
    """Members first, then ARS staff, then guests; by name in each group."""
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id).options(selectinload(Invitation.person))
    ).all()
    order = list(Capacity)
    return sorted(invitations, key=lambda invitation: (order.index(invitation.capacity), invitation.person.sort_key))


@bp.route("/meetings/<int:meeting_id>/convened", methods=["GET", "POST"])
@staff_required
def convened(meeting_id: int):
    """The convened list: members by default, plus guests and ARS staff added by hand."""
    meeting = get_editable_meeting_or_404(meeting_id)
    invitations = _convened_people(meeting)
    form = _invitation_form(meeting, invitations)
    url = url_for("meetings.convened", meeting_id=meeting.id)
    submission = Submission(form, url)
    if submission.repeated():
        return _invitation_already_sent(form, invitations, url)
    if form.validate_on_submit():
        if form.person_id.data:
            person = db.session.get(Person, form.person_id.data)
        else:  # a guest or an ARS colleague seen for the first time
            person = Person(
                organisation_id=meeting.body.organisation_id, civility=Civility(form.new_civility.data),
                first_name=form.new_first_name.data.strip(), last_name=form.new_last_name.data.strip(),
                email=(form.new_email.data or "").strip() or None, affiliation=form.new_affiliation.data.strip(),
            )
        db.session.add(Invitation(meeting=meeting, person=person, capacity=Capacity(form.capacity.data),
                                  title=form.title.data.strip()))
        convened_now = f"{person.display_name} est convoqué(e)."
        if not submission.commit():  # the same form, posted at the same moment, was saved first
            return _invitation_already_sent(form, _convened_people(meeting), url)
        flash(convened_now, "success")
        return redirect(url)
    return render_template("meetings/convened.html", meeting=meeting, form=form, invitations=invitations)


def _invitation_already_sent(form: InvitationForm, invitations: list[Invitation], url: str):
    """The answer to the form posted again (a double tap, « Renvoyer »): the list, nobody convened twice. The
    person is named from the list (one already known) or as typed (a new one), never from another ARS."""
    chosen = next((invitation.person for invitation in invitations if form.person_id.data
                   and invitation.person_id == form.person_id.data), None)
    name = chosen.display_name if chosen is not None else (
        typed_name(form.new_civility.data, form.new_first_name.data, form.new_last_name.data) or "la personne")
    return answer_repeat(f"{name} n'a été convoqué(e)", url)


@bp.route("/meetings/<int:meeting_id>/convened/members", methods=["POST"])
@staff_required
def convene_current_members(meeting_id: int):
    """After members joined the body (an import, a new seat), convene those the list misses."""
    meeting = get_editable_meeting_or_404(meeting_id)
    if ConfirmForm().validate_on_submit():
        added = convene(meeting, members_to_convene(meeting.body, to_paris(meeting.starts_at).date()))
        try:
            db.session.commit()
        except IntegrityError:  # the same button posted at the same moment (a double tap, another tab) won
            db.session.rollback()
            flash("La liste des convoqués a été complétée au même moment par une autre demande : personne "
                  "n'est convoqué deux fois ; vérifiez la liste ci-dessous.", "info")
            return redirect(url_for("meetings.convened", meeting_id=meeting_id))
        flash(f"{added} membre(s) ajouté(s) à la liste." if added else "Tous les membres sont déjà convoqués.",
              "success" if added else "info")
    return redirect(url_for("meetings.convened", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/convened/<int:invitation_id>/remove", methods=["POST"])
@staff_required
def remove_invitation(meeting_id: int, invitation_id: int):
    meeting = get_editable_meeting_or_404(meeting_id)
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.meeting_id != meeting.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        from app.calendar.convocations import queue_withdrawal  # the calendar area imports meetings
        from app.mail.outbox import deliver_soon

        name = invitation.person.display_name
        withdrawal = queue_withdrawal(invitation)  # they hold an invitation: their calendar drops it
        db.session.delete(invitation)
        db.session.commit()
        deliver_soon(withdrawal.ids)
        flash(f"{name} n'est plus convoqué(e)" + (" ; l'annulation lui est envoyée." if withdrawal.ids else "."),
              "success")
    return redirect(url_for("meetings.convened", meeting_id=meeting.id))

"""Routes of the votes area: an item's nature, the vote, the avis text, reopening and publishing; the public
page and feed; written consultations and their personal links."""
from __future__ import annotations

from functools import partial

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.bodies.roles import president_of
from app.documents.downloads import send_docx, send_frozen_docx
from app.documents.queries import frozen_minutes_pieces
from app.documents.word import document_bytes
from app.extensions import db, limit_from_config, limiter
from app.formatting import paris_datetime, to_paris
from app.forms import id_from_text
from app.meetings.roster import meeting_day
from app.mail.outbox import deliver_soon
from app.models import Meeting, MinutesStatus, Organisation, WrittenConsultation, utc_now
from app.permissions import (
    check_body,
    get_body_or_404,
    get_editable_meeting_or_404,
    get_meeting_or_404,
    staff_required,
)
from app.submissions import Submission
from app.votes import bp, consultations, public
from app.votes.documents import build_avis_extract, build_consultation_extract, consultation_outcome_label
from app.votes.domain import (
    VoteInput,
    choice_field,
    counts_sentence,
    nature_refusal,
    outcome_label,
    outcome_sentence,
    quorum_refusal,
    record_vote,
    reopen_vote,
    vote_refusals,
    votes_of_loaded_items,
    voting_context,
)
from app.votes.forms import (
    AgendaItemNatureForm,
    AvisForm,
    ConsultationAnswerForm,
    ConsultationForm,
    optional_choice,
    vote_form,
)
from app.votes.outcome import VoteCounts
from app.votes.queries import get_editable_item_or_404, get_vote_or_404


@bp.app_template_global()
def votes_of_meeting(meeting: Meeting):
    """For the meeting page: every vote of the meeting, read with its agenda items (``app.meetings.page.MEETING``)."""
    return votes_of_loaded_items(meeting)


bp.add_app_template_global(outcome_label, "vote_outcome_label")
bp.add_app_template_global(consultation_outcome_label, "consultation_outcome_label")
bp.add_app_template_global(counts_sentence, "vote_counts_sentence")
bp.add_app_template_global(outcome_sentence, "vote_outcome_sentence")
bp.add_app_template_global(public.minutes_are_public, "minutes_are_public")


def meeting_votes_url(meeting_id: int) -> str:
    return url_for("meetings.detail", meeting_id=meeting_id, _anchor="votes")


@bp.route("/agenda-items/<int:item_id>/vote-settings", methods=["GET", "POST"])
@staff_required
def edit_item(item_id: int):
    item = get_editable_item_or_404(item_id)
    form = AgendaItemNatureForm(obj=item)
    if form.validate_on_submit() and not form.refused(nature_refusal(item, form.nature.data)):
        item.nature, item.submitted_text = form.nature.data, form.submitted_text.data.strip()
        db.session.commit()
        flash(f"Le point « {item.title} » est enregistré.", "success")
        return redirect(meeting_votes_url(item.meeting_id))
    return render_template("votes/item_form.html", form=form, item=item, meeting=item.meeting)


def posted_choices(form, context) -> dict:
    """Person id → choice of a roll call, with any ``choice_<id>`` posted for someone not among the voters."""
    chosen = {voter.person.id: form[choice_field(voter.person.id)].data for voter in context.voters}
    for key in request.form:
        if key.startswith("choice_"):
            suffix = key.removeprefix("choice_")
            person_id = id_from_text(suffix) or 0
            if person_id not in chosen:
                try:
                    chosen[person_id] = optional_choice(request.form[key])
                except ValueError:
                    chosen[person_id] = None
    return chosen


@bp.route("/meetings/<int:meeting_id>/votes/new", methods=["GET", "POST"])
@staff_required
def new(meeting_id: int):
    meeting = get_editable_meeting_or_404(meeting_id)
    context = voting_context(meeting)
    items = list(meeting.agenda_items)
    form = vote_form(context, items)
    if not form.is_filled_in():
        item = next((item for item in items if item.id == request.args.get("item", type=int)), None)
        if item is not None:
            form.agenda_item_id.data, form.question.data = item.id, item.submitted_text
    submission = Submission(form, meeting_votes_url(meeting.id))
    if submission.repeated():
        return submission.answer(_vote_sent(form, items))
    if form.validate_on_submit():
        item = next(item for item in items if item.id == form.agenda_item_id.data)
        entry = VoteInput(item=item, question=form.question.data.strip(), interests=set(form.interests.data or ()))
        if context.roll_call:
            entry.choices = posted_choices(form, context)
        else:
            entry.counts = VoteCounts(form.votes_for.data, form.votes_against.data, form.abstentions.data,
                                      form.not_voting.data)
            entry.president_choice = form.president_choice.data if context.president else None
        refusals = vote_refusals(context, entry)
        if not refusals:
            vote = record_vote(context, entry, current_user)
            if not submission.commit():  # the same form, posted at the same moment, was saved first
                return submission.answer(_vote_sent(form, items))
            flash(f"Vote enregistré sur « {item.title} » : {outcome_label(vote).lower()}.", "success")
            return redirect(meeting_votes_url(meeting.id))
        form.add_refusals(refusals)
    return render_template("votes/new.html", form=form, meeting=meeting, context=context,
                           quorum_refusal=quorum_refusal(context))


def _vote_sent(form, items) -> str:
    """What a repeated vote form says was recorded once: the vote on the item chosen."""
    item = next((item for item in items if item.id == form.agenda_item_id.data), None)
    return f"le vote sur « {item.title} » n'a été enregistré" if item is not None else "le vote n'a été enregistré"


@bp.route("/votes/<int:vote_id>/avis", methods=["GET", "POST"])
@staff_required
def edit_avis(vote_id: int):
    vote = get_vote_or_404(vote_id, editable=True)
    form = AvisForm(obj=vote)
    if form.validate_on_submit():
        vote.avis_text = form.avis_text.data.strip()
        db.session.commit()
        flash("Le texte de l'avis est enregistré.", "success")
        return redirect(meeting_votes_url(vote.agenda_item.meeting_id))
    return render_template("votes/avis_form.html", form=form, vote=vote, meeting=vote.agenda_item.meeting)


@bp.route("/votes/<int:vote_id>/reopen", methods=["POST"])
@staff_required
def reopen(vote_id: int):
    vote = get_vote_or_404(vote_id, editable=True)
    if not vote.is_current:
        abort(409)
    reopen_vote(vote)
    db.session.commit()
    flash(f"Le vote sur « {vote.agenda_item.title} » est rouvert : le point peut être voté à nouveau.", "success")
    return redirect(meeting_votes_url(vote.agenda_item.meeting_id))


def switch_published(record, column: str = "published_at", is_on: bool | None = None) -> bool:
    """Set ``record.<column>`` (a publication date) to what the button posted asks: « Publier » posts
    ``?publier=1``, « Retirer » ``?publier=0``, so that a double tap, « Renvoyer » or a second person's older page
    never undoes the first post; without it (a page of before), the state flips. ``is_on``: whether it is
    published now, when more than the date says so. Whether anything changed."""
    published = getattr(record, column) is not None if is_on is None else is_on
    wanted = request.args.get("publier")
    target = wanted == "1" if wanted in ("0", "1") else not published
    if target == published:
        return False
    setattr(record, column, utc_now() if target else None)
    return True


@bp.route("/votes/<int:vote_id>/publish", methods=["POST"])
@staff_required
def publish(vote_id: int):
    vote = get_vote_or_404(vote_id)
    if not vote.is_current:
        abort(409)
    if switch_published(vote):
        db.session.commit()
    flash("L'avis est publié sur la page publique." if vote.published_at else "L'avis n'est plus publié.", "success")
    return redirect(meeting_votes_url(vote.agenda_item.meeting_id))


@bp.route("/votes/<int:vote_id>/extrait.docx")
@staff_required
def extract_docx(vote_id: int):
    """The extract of one avis, for the DG ARS; marked « PROJET » until the compte rendu is validated."""
    from app.documents.workflow import minutes_are_frozen  # the documents import the votes

    vote = get_vote_or_404(vote_id)
    if not vote.is_current:
        abort(404)
    meeting = vote.agenda_item.meeting
    president = president_of(meeting.body, meeting_day(meeting))
    document = build_avis_extract(vote, president.person if president else None,
                                  draft=not minutes_are_frozen(meeting))
    filename = f"extrait-releve-des-avis-{to_paris(meeting.starts_at):%Y-%m-%d}-point-{vote.agenda_item.position}.docx"
    return send_docx(document_bytes(document), filename)


@bp.route("/meetings/<int:meeting_id>/minutes/public", methods=["POST"])
@staff_required
def toggle_public_minutes(meeting_id: int):
    """Put the published compte rendu on the organisation's public page, or take it off."""
    meeting = get_meeting_or_404(meeting_id)
    minutes = meeting.minutes
    if minutes is None or minutes.status is not MinutesStatus.PUBLISHED:
        flash("Publiez d'abord le compte rendu auprès des membres.", "error")
    else:
        if switch_published(minutes, "public_at", is_on=public.minutes_are_public(minutes)):
            db.session.commit()
        flash("Le compte rendu figure sur la page publique." if minutes.public_at
              else "Le compte rendu ne figure plus sur la page publique.", "success")
    return redirect(meeting_votes_url(meeting.id))


# -- the public page: no login ------------------------------------------------------------------

def get_organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    return organisation


@bp.route("/public/<int:organisation_id>")
def public_page(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id)
    return render_template("votes/public.html", organisation=organisation,
                           plenaries=public.upcoming_plenaries(organisation.id),
                           avis=public.published_avis(organisation.id),
                           consultations=public.published_consultations(organisation.id),
                           minutes_list=public.public_minutes(organisation.id))


@bp.route("/public/<int:organisation_id>/avis.atom")
def public_feed(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id)
    avis, consultations_published = public.published_avis(organisation.id), public.published_consultations(organisation.id)
    updated = max((item.published_at for item in [*avis, *consultations_published]), default=None) or utc_now()
    content = render_template("votes/avis_feed.xml", organisation=organisation, avis=avis,
                              consultations=consultations_published, updated=updated)
    return Response(content, mimetype="application/atom+xml")


@bp.route("/public/comptes-rendus/<int:minutes_id>.docx")
def public_minutes_docx(minutes_id: int):
    """The frozen file, as members download it: its ETag (304 for a browser that holds it), streamed by
    pieces when large."""
    file = public.public_minutes_file(minutes_id)
    if file is None:
        abort(404)
    return send_frozen_docx(file.sha256, file.size, f"compte-rendu-{to_paris(file.starts_at):%Y-%m-%d}.docx",
                            file.content, partial(frozen_minutes_pieces, file.minutes_id, file.sha256))


# -- written consultations ------------------------------------------------------------------------

def get_consultation_or_404(consultation_id: int) -> WrittenConsultation:
    """A consultation of a body the current user may see (404 for another ARS's)."""
    consultation = db.get_or_404(WrittenConsultation, consultation_id)
    check_body(consultation.body)
    return consultation


@bp.app_template_global()
def consultations_of_body(body) -> list[WrittenConsultation]:
    """For the body page: its ten latest written consultations."""
    return list(db.session.scalars(select(WrittenConsultation).where(WrittenConsultation.body_id == body.id)
                                   .order_by(WrittenConsultation.opened_at.desc()).limit(10)))


def consultation_url(consultation: WrittenConsultation) -> str:
    return url_for("votes.consultation", consultation_id=consultation.id)


# A consultation form posted again (a double tap, « Renvoyer ») leads to the consultation its first post opened.
CONSULTATION_SENT = "la consultation écrite n'a été ouverte (et ses liens envoyés)"


@bp.route("/bodies/<int:body_id>/consultations/new", methods=["GET", "POST"])
@staff_required
def new_consultation(body_id: int):
    body = get_body_or_404(body_id)
    form = ConsultationForm()
    submission = Submission(form, url_for("votes.new_consultation", body_id=body.id))
    if submission.repeated():
        return submission.answer(CONSULTATION_SENT)
    if form.validate_on_submit():
        closes_at = paris_datetime(form.closes_on.data, form.closes_at.data.hour, form.closes_at.data.minute)
        refusals = consultations.consultation_refusals(closes_at, utc_now())
        if not refusals:
            consultation, queued = consultations.open_consultation(body, form.question.data.strip(), closes_at,
                                                                   current_user)
            if not submission.commit(shown_at=partial(consultation_url, consultation)):
                return submission.answer(CONSULTATION_SENT)  # the same form, posted at the same moment, won
            deliver_soon(queued.ids)
            flash(f"Consultation écrite ouverte : {len(consultation.answers)} membre(s) reçoivent leur lien personnel.",
                  "success")
            return redirect(consultation_url(consultation))
        for name, message in refusals.items():
            form[name].errors = [*form[name].errors, message]
    return render_template("votes/consultation_form.html", form=form, body=body)


@bp.route("/consultations/<int:consultation_id>")
@staff_required
def consultation(consultation_id: int):
    consultation = get_consultation_or_404(consultation_id)
    return render_template("votes/consultation.html", consultation=consultation,
                           is_open=consultations.is_open(consultation),
                           close_refusal=consultations.close_refusal(consultation),
                           participation=consultations.participation_sentence(consultation),
                           outcome_label=consultation_outcome_label(consultation) if consultation.closed_at else "")


@bp.route("/consultations/<int:consultation_id>/remind", methods=["POST"])
@staff_required
def remind_consultation(consultation_id: int):
    consultation = get_consultation_or_404(consultation_id)
    queued = consultations.remind(consultation)
    db.session.commit()
    deliver_soon(queued.ids)
    if not consultations.is_open(consultation):
        flash("La consultation est close : aucun rappel envoyé.", "info")
    elif queued.ids:  # new reminders, or today's that had failed and go again
        flash(f"Rappel envoyé à {len(queued.ids)} membre(s) qui n'ont pas répondu.", "success")
    elif queued.already:
        flash(f"Un rappel a déjà été envoyé aujourd'hui aux {queued.already} membre(s) qui n'ont pas répondu : "
              "aucun nouveau rappel avant demain.", "info")
    else:
        flash("Tous les membres consultés ont répondu : aucun rappel envoyé.", "info")
    return redirect(consultation_url(consultation))


@bp.route("/consultations/<int:consultation_id>/close", methods=["POST"])
@staff_required
def close_consultation(consultation_id: int):
    consultation = get_consultation_or_404(consultation_id)
    refusal = consultations.close_refusal(consultation)
    if refusal:
        flash(refusal, "error")
    else:
        consultations.close_consultation(consultation)
        db.session.commit()
        flash(f"Résultat enregistré : {consultation_outcome_label(consultation).lower()}.", "success")
    return redirect(consultation_url(consultation))


@bp.route("/consultations/<int:consultation_id>/publish", methods=["POST"])
@staff_required
def publish_consultation(consultation_id: int):
    """Put the avis of a closed consultation on the organisation's public page, or take it off."""
    consultation = get_consultation_or_404(consultation_id)
    if consultation.closed_at is None:
        flash("Enregistrez d'abord le résultat de la consultation : un avis se publie une fois rendu.", "error")
    else:
        if switch_published(consultation):
            db.session.commit()
        flash("L'avis est publié sur la page publique." if consultation.published_at
              else "L'avis n'est plus publié.", "success")
    return redirect(consultation_url(consultation))


@bp.route("/consultations/<int:consultation_id>/extrait.docx")
@staff_required
def consultation_extract_docx(consultation_id: int):
    consultation = get_consultation_or_404(consultation_id)
    if consultation.closed_at is None:
        flash("Enregistrez d'abord le résultat de la consultation.", "error")
        return redirect(consultation_url(consultation))
    president = president_of(consultation.body, to_paris(consultation.opened_at).date())
    document = build_consultation_extract(consultation, president.person if president else None)
    filename = f"extrait-releve-des-avis-consultation-{to_paris(consultation.closes_at):%Y-%m-%d}.docx"
    return send_docx(document_bytes(document), filename)


@bp.route("/consultation/<token>", methods=["GET", "POST"])
@limiter.limit(limit_from_config("ANSWER_RATE_LIMIT"), methods=["POST"])
def consultation_answer(token: str):
    """A member's personal link (no login): the signed token is the credential."""
    try:
        answer = consultations.read_link_token(token)
    except consultations.ConsultationLinkError as error:
        return render_template("votes/consultation_link_invalid.html", message=error.message), error.status
    form = ConsultationAnswerForm()
    if form.validate_on_submit():
        consultations.record_answer(answer, form.choice.data)
        db.session.commit()
        return render_template("votes/consultation_answered.html", answer=answer)
    return render_template("votes/consultation_answer.html", form=form, answer=answer,
                           consultation=answer.consultation)

"""Routes of the votes area: an item's nature, the vote, the avis text, reopening and publishing."""
from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.bodies.roles import president_of
from app.documents.word import DOCX_MIMETYPE, document_bytes
from app.extensions import db
from app.formatting import to_paris
from app.forms import MAX_ID
from app.meetings.roster import meeting_day
from app.models import Meeting, MinutesStatus, Organisation, utc_now
from app.permissions import get_editable_meeting_or_404, get_meeting_or_404, staff_required
from app.votes import bp, public
from app.votes.documents import build_avis_extract
from app.votes.domain import (
    VoteInput,
    choice_field,
    counts_sentence,
    meeting_votes,
    outcome_label,
    outcome_sentence,
    quorum_refusal,
    record_vote,
    reopen_vote,
    vote_refusals,
    voting_context,
)
from app.votes.forms import AgendaItemNatureForm, AvisForm, optional_choice, vote_form
from app.votes.outcome import VoteCounts
from app.votes.queries import get_editable_item_or_404, get_vote_or_404


@bp.app_template_global()
def votes_of_meeting(meeting: Meeting):
    """For the meeting page: every vote of the meeting, in one query."""
    return meeting_votes(meeting)


bp.add_app_template_global(outcome_label, "vote_outcome_label")
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
    if form.validate_on_submit():
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
            person_id = int(suffix) if suffix.isdigit() and 0 < int(suffix) <= MAX_ID else 0
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
    if not form.is_submitted():
        item = next((item for item in items if item.id == request.args.get("item", type=int)), None)
        if item is not None:
            form.agenda_item_id.data, form.question.data = item.id, item.submitted_text
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
            db.session.commit()
            flash(f"Vote enregistré sur « {item.title} » : {outcome_label(vote).lower()}.", "success")
            return redirect(meeting_votes_url(meeting.id))
        form.add_refusals(refusals)
    return render_template("votes/new.html", form=form, meeting=meeting, context=context,
                           quorum_refusal=quorum_refusal(context))


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


@bp.route("/votes/<int:vote_id>/publish", methods=["POST"])
@staff_required
def publish(vote_id: int):
    vote = get_vote_or_404(vote_id)
    if not vote.is_current:
        abort(409)
    vote.published_at = None if vote.published_at else utc_now()
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
    return send_file(io.BytesIO(document_bytes(document)), mimetype=DOCX_MIMETYPE, as_attachment=True,
                     download_name=filename)


@bp.route("/meetings/<int:meeting_id>/minutes/public", methods=["POST"])
@staff_required
def toggle_public_minutes(meeting_id: int):
    """Put the published compte rendu on the organisation's public page, or take it off."""
    meeting = get_meeting_or_404(meeting_id)
    minutes = meeting.minutes
    if minutes is None or minutes.status is not MinutesStatus.PUBLISHED:
        flash("Publiez d'abord le compte rendu auprès des membres.", "error")
    else:
        minutes.public_at = None if public.minutes_are_public(minutes) else utc_now()
        db.session.commit()
        flash("Le compte rendu figure sur la page publique." if minutes.public_at
              else "Le compte rendu ne figure plus sur la page publique.", "success")
    return redirect(meeting_votes_url(meeting.id))


# -- the public page: no login ------------------------------------------------------------------

def get_organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/public/<int:organisation_id>")
def public_page(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id)
    return render_template("votes/public.html", organisation=organisation,
                           plenaries=public.upcoming_plenaries(organisation.id),
                           avis=public.published_avis(organisation.id),
                           minutes_list=public.public_minutes(organisation.id))


@bp.route("/public/<int:organisation_id>/avis.atom")
def public_feed(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id)
    avis = public.published_avis(organisation.id)
    updated = max((vote.published_at for vote in avis), default=None) or utc_now()
    content = render_template("votes/avis_feed.xml", organisation=organisation, avis=avis, updated=updated)
    return Response(content, mimetype="application/atom+xml")


@bp.route("/public/comptes-rendus/<int:minutes_id>.docx")
def public_minutes_docx(minutes_id: int):
    minutes = public.public_minutes_or_none(minutes_id)
    if minutes is None:
        abort(404)
    meeting = minutes.meeting
    return send_file(io.BytesIO(minutes.document), mimetype=DOCX_MIMETYPE, as_attachment=True,
                     download_name=f"compte-rendu-{to_paris(meeting.starts_at):%Y-%m-%d}.docx")

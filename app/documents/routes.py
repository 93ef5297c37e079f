"""Routes of the documents area: downloads, the minutes workflow, the synthesis."""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.confirmations import confirmation_page
from app.documents import bp
from app.documents.forms import MinutesActionForm, ReopenMinutesForm, SynthesisForm
from app.documents.queries import load_meeting_for_sign_in_sheet, meetings_for_synthesis, synthesis_themes
from app.documents.sign_in_sheet import build_sign_in_sheet
from app.documents.synthesis import NO_MEETING_SELECTED, build_synthesis
from app.documents.text_blocks import text_blocks
from app.documents.word import DOCX_MIMETYPE, document_bytes
from app.documents import workflow
from app.documents.workflow import MinutesWorkflowError, minutes_are_frozen, minutes_file, minutes_visible_to
from app.extensions import db
from app.formatting import to_paris
from app.forms import choices
from app.meetings.queries import load_meeting_for_display
from app.models import Meeting
from app.permissions import get_meeting_or_404, staff_required, visible_bodies

bp.add_app_template_filter(text_blocks, "text_blocks")


def docx_response(content: bytes, filename: str, etag: str | None = None):
    return send_file(io.BytesIO(content), mimetype=DOCX_MIMETYPE, as_attachment=True, download_name=filename,
                     etag=etag or False)


def meeting_filename(kind: str, meeting: Meeting) -> str:
    """« compte-rendu-2020-05-28-gt-covid-deconfinement.docx »: ASCII, safe in every browser."""
    ascii_label = unicodedata.normalize("NFKD", meeting.body.label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_label.lower()).strip("-")
    return f"{kind}-{to_paris(meeting.starts_at):%Y-%m-%d}-{slug}.docx"


def _meeting_for_documents(meeting_id: int) -> Meeting:
    """Permission check first, then everything the documents show, in a fixed number of queries."""
    get_meeting_or_404(meeting_id)
    return load_meeting_for_display(meeting_id)


@bp.route("/meetings/<int:meeting_id>/minutes.docx")
@login_required
def minutes_docx(meeting_id: int):
    """A validated compte rendu is its frozen bytes, served as they are (with an ETag: a browser that has
    them gets a 304); a draft is built from the whole meeting."""
    meeting = get_meeting_or_404(meeting_id)
    if not minutes_visible_to(current_user, meeting):
        abort(403)
    filename = meeting_filename("compte-rendu", meeting)
    if minutes_are_frozen(meeting) and (frozen := meeting.minutes.document) is not None:
        return docx_response(frozen, filename, etag=hashlib.sha256(frozen).hexdigest())
    return docx_response(minutes_file(load_meeting_for_display(meeting_id)), filename)


@bp.route("/meetings/<int:meeting_id>/sign-in-sheet.docx")
@staff_required
def sign_in_sheet_docx(meeting_id: int):
    get_meeting_or_404(meeting_id)
    meeting = load_meeting_for_sign_in_sheet(meeting_id)
    return docx_response(document_bytes(build_sign_in_sheet(meeting)), meeting_filename("emargement", meeting))


def _run_step(meeting_id: int, step, success: str, heading: str, consequences: list[str], button: str):
    """Validate or publish. GET: what the step does, asked first; POST (CSRF-checked): the step, one commit,
    back to the meeting page."""
    meeting = _meeting_for_documents(meeting_id)
    form = MinutesActionForm()
    if request.method == "GET":
        return confirmation_page(meeting, heading=heading, consequences=consequences, form=form, button=button,
                                 back=url_for("meetings.detail", meeting_id=meeting_id, _anchor="documents-titre"))
    if form.validate_on_submit():
        try:
            step(meeting, current_user)
        except MinutesWorkflowError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(success, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/minutes/validate", methods=["GET", "POST"])
@staff_required
def validate_minutes(meeting_id: int):
    return _run_step(meeting_id, workflow.validate_minutes, "Compte rendu validé : le document est figé.",
                     heading="Valider le compte rendu", button="Oui, valider le compte rendu", consequences=[
                         "Le compte rendu est figé tel qu'il se lit maintenant, présences et quorum compris, "
                         "sans la mention « PROJET ».",
                         "La séance (tour de table, présences, échéances) ne pourra plus être modifiée sans "
                         "rouvrir le compte rendu.",
                         "Les membres ne le verront qu'une fois publié ; aucun courriel n'est envoyé.",
                     ])


@bp.route("/meetings/<int:meeting_id>/minutes/publish", methods=["GET", "POST"])
@staff_required
def publish_minutes(meeting_id: int):
    return _run_step(meeting_id, workflow.publish_minutes, "Compte rendu publié : les membres peuvent le télécharger.",
                     heading="Publier le compte rendu", button="Oui, publier le compte rendu", consequences=[
                         "Le compte rendu validé devient visible de tous les membres de l'instance : ils le "
                         "téléchargent depuis la page de la séance et « Mes séances ».",
                         "Aucun courriel n'est envoyé : prévenez les membres si besoin.",
                     ])


@bp.route("/meetings/<int:meeting_id>/minutes/reopen", methods=["GET", "POST"])
@staff_required
def reopen_minutes(meeting_id: int):
    meeting = _meeting_for_documents(meeting_id)
    form = ReopenMinutesForm()
    if form.validate_on_submit():
        try:
            workflow.reopen_minutes(meeting, current_user, form.reason.data or "")
        except MinutesWorkflowError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Compte rendu rouvert : il redevient un projet.", "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    return render_template("documents/reopen.html", meeting=meeting, form=form), 422 if form.errors else 200


@bp.route("/synthesis", methods=["GET", "POST"])
@staff_required
def synthesis():
    form = SynthesisForm()
    form.bodies.choices = choices((body.id, body.name) for body in db.session.scalars(visible_bodies(current_user)))
    no_meeting = False
    if form.validate_on_submit():
        meetings = meetings_for_synthesis(form.bodies.data, form.date_from.data, form.date_to.data)
        if meetings:
            content = document_bytes(build_synthesis(meetings, synthesis_themes(current_user.organisation_id)))
            return docx_response(content, f"synthese-{form.date_from.data:%Y-%m-%d}-{form.date_to.data:%Y-%m-%d}.docx")
        no_meeting = True
    status = 422 if form.errors or no_meeting else 200
    return render_template("documents/synthesis.html", form=form,
                           no_meeting_message=NO_MEETING_SELECTED if no_meeting else None), status

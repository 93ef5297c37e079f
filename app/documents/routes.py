"""Routes of the documents area: downloads, the minutes workflow, the synthesis."""
from __future__ import annotations

import io
import re
import unicodedata
from functools import partial

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.access import audience_refusal
from app.confirmations import confirmation_page
from app.documents import bp
from app.documents.attendance_certificate import (build_attendance_certificate, certified_attendances,
                                                  in_person_attendance_csv)
from app.documents.downloads import send_docx, send_frozen_docx
from app.documents.frozen import minutes_download_for_session
from app.documents.forms import MinutesActionForm, ReopenMinutesForm, SynthesisForm
from app.documents.pdf import PdfUnavailable, pdf_available, pdf_for
from app.documents.queries import (MinutesMeeting, frozen_minutes_pieces, load_meeting_for_minutes,
                                   load_meeting_for_sign_in_sheet, load_meeting_with_records, meetings_for_synthesis,
                                   minutes_download, synthesis_themes)
from app.documents.sign_in_sheet import build_sign_in_sheet
from app.documents.synthesis import NO_MEETING_SELECTED, build_synthesis, untagged_points
from app.documents.text_blocks import text_blocks
from app.documents.word import document_bytes
from app.documents import workflow
from app.documents.workflow import MinutesWorkflowError, minutes_file, status_visible_to
from app.extensions import db
from app.formatting import to_paris
from app.forms import choices
from app.meetings.participation import offers_both_modes, participation_mode
from app.models import Meeting
from app.permissions import check_meeting_access, get_meeting_or_404, staff_required, visible_bodies

bp.add_app_template_filter(text_blocks, "text_blocks")
bp.add_app_template_global(certified_attendances, "certified_attendances")
bp.add_app_template_global(offers_both_modes, "offers_both_modes")
bp.add_app_template_global(participation_mode, "participation_mode")
bp.add_app_template_global(pdf_available, "pdf_available")


def docx_response(content: bytes, filename: str, extension: str = "docx", etag: str | None = None):
    """The .docx, or with ``extension`` « pdf » its PDF: served when converted, else a page that
    says the conversion runs and reloads (the request never waits for LibreOffice with a queue), or
    why there is no PDF for now, with the link to the .docx (every .pdf URL has its .docx twin)."""
    if extension == "docx":
        return send_docx(content, filename, etag)
    if extension != "pdf" or not pdf_available():
        abort(404)
    try:
        pdf = pdf_for(content)
    except PdfUnavailable as reason:
        return render_template("documents/pdf_unavailable.html", reason=str(reason),
                               docx_url=request.script_root + request.path.removesuffix(".pdf") + ".docx"), 503
    if pdf is None:
        return render_template("documents/pdf_pending.html"), 202
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=filename.removesuffix(".docx") + ".pdf")


def meeting_filename(kind: str, meeting: Meeting, suffix: str = "", extension: str = "docx") -> str:
    """« compte-rendu-2020-05-28-gt-covid-deconfinement-projet.docx »: ASCII, safe in every browser."""
    return document_filename(kind, meeting.body.label, meeting.starts_at, suffix, extension)


def document_filename(kind: str, body_label: str, starts_at, suffix: str = "", extension: str = "docx") -> str:
    ascii_label = unicodedata.normalize("NFKD", body_label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_label.lower()).strip("-")
    return f"{kind}-{to_paris(starts_at):%Y-%m-%d}-{slug}{suffix}.{extension}"


def minutes_filename(body_label: str, starts_at, frozen: bool, extension: str = "docx") -> str:
    """The draft and the validated file never share a name: « …-projet.docx », « …-valide.docx »."""
    return document_filename("compte-rendu", body_label, starts_at, "-valide" if frozen else "-projet", extension)


def _meeting_for_documents(meeting_id: int) -> MinutesMeeting:
    """Permission check first, then the meeting as its documents read it (``load_meeting_for_minutes``: plain rows
    for its attendance), in a fixed number of queries."""
    get_meeting_or_404(meeting_id)
    return load_meeting_for_minutes(meeting_id)


def _meeting_to_change(meeting_id: int) -> Meeting:
    """Permission check first, then the mapped meeting the compte rendu's steps change, with its people."""
    get_meeting_or_404(meeting_id)
    return load_meeting_with_records(meeting_id)


@bp.route("/meetings/<int:meeting_id>/minutes.pdf", defaults={"extension": "pdf"})
@bp.route("/meetings/<int:meeting_id>/minutes.docx", defaults={"extension": "docx"})
def minutes_docx(meeting_id: int, extension: str = "docx"):
    """One query checks the session's account and the permission (``minutes_download_for_session``) and reads the
    file's digest (its ETag: a browser that has it gets a 304), its size and, when it fits one piece, its bytes:
    a validated compte rendu is its frozen bytes, served like a static file; a larger one is streamed by pieces.
    A draft is built from the whole meeting. Any refusal takes the ordinary path: the account loaded, the matrix,
    then the checks. The .pdf rule is registered after the .docx one: url_for without ``extension`` builds the
    .docx."""
    download = minutes_download_for_session(meeting_id, request.endpoint)
    if download is None:
        if (refusal := audience_refusal(request.endpoint)) is not None:
            return refusal
        download = _checked_minutes_download(meeting_id)
    filename = minutes_filename(download.body_label, download.starts_at, download.frozen)
    if download.frozen and download.sha256 is not None and extension == "docx":
        return send_frozen_docx(download.sha256, download.size, filename, download.content,
                                partial(frozen_minutes_pieces, download.minutes_id, download.sha256))
    return docx_response(minutes_file(load_meeting_for_minutes(meeting_id)), filename, extension)


def _checked_minutes_download(meeting_id: int):
    """The download's facts for the current user, once the meeting's permission and the minutes' status let them
    have it (404, 403)."""
    download = minutes_download(current_user, meeting_id)
    if download is None:
        abort(404)
    check_meeting_access(current_user, *download.access)
    if not status_visible_to(current_user, download.status):
        abort(403)
    return download


@bp.route("/meetings/<int:meeting_id>/attendance-certificates/<int:person_id>.pdf", defaults={"extension": "pdf"})
@bp.route("/meetings/<int:meeting_id>/attendance-certificates/<int:person_id>.docx", defaults={"extension": "docx"})
@login_required
def attendance_certificate_docx(meeting_id: int, person_id: int, extension: str = "docx"):
    """Staff download anyone's attestation; a member their own (when recorded present)."""
    meeting = _meeting_for_documents(meeting_id)
    if not current_user.is_staff and current_user.person_id != person_id:
        abort(403)
    attendance = next((attendance for attendance in certified_attendances(meeting)
                       if attendance.person_id == person_id), None)
    if attendance is None:
        abort(404)
    slug = unicodedata.normalize("NFKD", attendance.person.last_name).encode("ascii", "ignore").decode().lower()
    return docx_response(document_bytes(build_attendance_certificate(meeting, attendance)),
                         meeting_filename("attestation-presence", meeting, "-" + re.sub(r"[^a-z0-9]+", "-", slug)),
                         extension)


@bp.route("/meetings/<int:meeting_id>/in-person-attendance.csv")
@staff_required
def in_person_attendance(meeting_id: int):
    meeting = _meeting_for_documents(meeting_id)
    return send_file(io.BytesIO(in_person_attendance_csv([meeting]).encode("utf-8")), mimetype="text/csv",
                     as_attachment=True,
                     download_name=meeting_filename("presences-sur-place", meeting, extension="csv"))


@bp.route("/meetings/<int:meeting_id>/sign-in-sheet.pdf", defaults={"extension": "pdf"})
@bp.route("/meetings/<int:meeting_id>/sign-in-sheet.docx", defaults={"extension": "docx"})
@staff_required
def sign_in_sheet_docx(meeting_id: int, extension: str = "docx"):
    get_meeting_or_404(meeting_id)
    meeting = load_meeting_for_sign_in_sheet(meeting_id)
    return docx_response(document_bytes(build_sign_in_sheet(meeting)), meeting_filename("emargement", meeting),
                         extension)


def _run_step(meeting_id: int, step, success: str, heading: str, consequences: list[str], button: str):
    """Validate or publish. GET: what the step does, asked first; POST (CSRF-checked): the step, one commit,
    back to the meeting page."""
    meeting = _meeting_to_change(meeting_id)
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
    meeting = _meeting_to_change(meeting_id)
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
    no_meeting, untagged = False, []
    if form.validate_on_submit():
        meetings = meetings_for_synthesis(form.bodies.data, form.date_from.data, form.date_to.data)
        untagged = untagged_points(meetings)
        if meetings and (not untagged or form.generate_anyway.data):
            content = document_bytes(build_synthesis(meetings, synthesis_themes(current_user.organisation_id),
                                                     title=form.title.data, introduction=form.introduction.data or ""))
            return docx_response(content, f"synthese-{form.date_from.data:%Y-%m-%d}-{form.date_to.data:%Y-%m-%d}.docx")
        no_meeting = not meetings
    status = 422 if form.errors or no_meeting else 200
    return render_template("documents/synthesis.html", form=form, untagged=untagged,
                           no_meeting_message=NO_MEETING_SELECTED if no_meeting else None), status

"""The dossier's pages: the secretariat's (upload, versions, publishing, receipts), members' downloads,
and the personal links of the e-mails."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.dossier import bp
from app.dossier.domain import (
    add_document,
    add_version,
    changed_since_convocation,
    dossier_lines,
    documents_for,
    is_convened,
    meeting_documents,
    move,
    publish,
    published_documents,
    reads_by_convocation,
    record_receipts,
    withdraw,
)
from app.dossier.downloads import file_response, zip_response
from app.dossier.forms import DocumentForm, NewDocumentForm, NewVersionForm
from app.dossier.links import read_token
from app.dossier.notices import queue_dossier_notices
from app.dossier.receipts import receipt_report
from app.extensions import db
from app.mail.outbox import deliver_soon
from app.models import AgendaItem, Meeting, Person
from app.models.dossier import DocumentVersion, MeetingDocument
from app.permissions import check_meeting, get_editable_meeting_or_404, get_meeting_or_404, staff_required
from app.submissions import Submission


def allow_upload() -> None:
    """Bodies up to the document limit (and a little for the form); beyond, the French 413 page."""
    request.max_content_length = current_app.config["DOCUMENT_MAX_BYTES"] + 256 * 1024


def get_document_or_404(document_id: int, *, editable: bool = False) -> MeetingDocument:
    """A document of a meeting the user may see: members only reach published ones (404 otherwise)."""
    document = db.get_or_404(MeetingDocument, document_id)
    check_meeting(document.meeting)
    if editable:
        get_editable_meeting_or_404(document.meeting_id)
    elif not current_user.is_staff and not document.is_published:
        abort(404)
    return document


def chosen_item(meeting: Meeting, item_id: int | None) -> AgendaItem | None:
    return next((item for item in meeting.agenda_items if item.id == item_id), None)


@bp.route("/meetings/<int:meeting_id>/dossier", methods=["GET", "POST"])
@staff_required
def manage(meeting_id: int):
    """The secretariat's dossier: upload, order, publish, replace, withdraw; notify after the convocation."""
    allow_upload()
    meeting = get_meeting_or_404(meeting_id)
    form = NewDocumentForm()
    form.set_agenda_choices(meeting)
    submission = Submission(form, url_for("dossier.manage", meeting_id=meeting.id))
    if submission.repeated():
        return submission.answer(_document_sent(form))
    if form.validate_on_submit():
        get_editable_meeting_or_404(meeting_id)
        upload = form.file.data
        document = add_document(meeting, title=form.title.data.strip(), agenda_item=chosen_item(meeting, form.agenda_item.data),
                                presented_at_meeting=form.presented_at_meeting.data, stream=upload.stream,
                                filename=upload.filename or "", file_type=form.file_type, user=current_user)
        if not submission.commit():  # the same form, posted at the same moment, was saved first
            return submission.answer(_document_sent(form))
        flash(f"Document ajouté au dossier (brouillon) : {document.title}. Diffusez-le pour que les membres le "
              "voient.", "success")
        return redirect(url_for("dossier.manage", meeting_id=meeting.id))
    lines = dossier_lines(meeting_documents(meeting), meeting)
    return render_template("dossier/manage.html", meeting=meeting, form=form, lines=lines,
                           changed=changed_since_convocation(meeting),
                           max_mb=current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)), 422 if form.errors else 200


def _document_sent(form: NewDocumentForm) -> str:
    """What a repeated « Ajouter un document » says was done once."""
    title = (form.title.data or "").strip()
    return f"le document « {title} » n'a été ajouté au dossier" if title else "le document n'a été ajouté au dossier"


@bp.route("/dossier/documents/<int:document_id>", methods=["GET", "POST"])
@staff_required
def edit(document_id: int):
    """Title, agenda item, « présenté en séance »; and the form of a new version."""
    allow_upload()
    document = get_document_or_404(document_id)
    meeting = document.meeting
    form = DocumentForm(obj=document if request.method == "GET" else None)
    form.set_agenda_choices(meeting)
    if not form.is_filled_in():
        form.agenda_item.data = document.agenda_item_id
    if form.validate_on_submit():
        get_editable_meeting_or_404(meeting.id)
        document.title = form.title.data.strip()
        document.agenda_item = chosen_item(meeting, form.agenda_item.data)
        document.presented_at_meeting = form.presented_at_meeting.data
        db.session.commit()
        flash("Document enregistré.", "success")
        return redirect(url_for("dossier.manage", meeting_id=meeting.id))
    return render_document_page(document, form, NewVersionForm(formdata=None))


def render_document_page(document: MeetingDocument, form, version_form):
    status = 422 if form.errors or version_form.errors else 200
    return render_template("dossier/document.html", document=document, meeting=document.meeting, form=form,
                           version_form=version_form,
                           max_mb=current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)), status


@bp.route("/dossier/documents/<int:document_id>/version", methods=["POST"])
@staff_required
def replace(document_id: int):
    """A new version of the file; the old one stays, listed as replaced."""
    allow_upload()
    document = get_document_or_404(document_id, editable=True)
    version_form = NewVersionForm()
    submission = Submission(version_form, url_for("dossier.manage", meeting_id=document.meeting_id))
    version_sent = f"la nouvelle version de « {document.title} » n'a été enregistrée"
    if submission.repeated():
        return submission.answer(version_sent)
    if version_form.validate_on_submit():
        upload = version_form.file.data
        add_version(document, upload.stream, upload.filename or "", version_form.file_type, current_user)
        if not submission.commit():  # the same form, posted at the same moment, was saved first
            return submission.answer(version_sent)
        flash(f"Nouvelle version enregistrée : {document.title}.", "success")
        return redirect(url_for("dossier.manage", meeting_id=document.meeting_id))
    form = DocumentForm(obj=document, formdata=None)
    form.set_agenda_choices(document.meeting)
    form.agenda_item.data = document.agenda_item_id
    return render_document_page(document, form, version_form)


@bp.route("/dossier/documents/<int:document_id>/publish", methods=["POST"])
@staff_required
def publish_document(document_id: int):
    document = get_document_or_404(document_id, editable=True)
    if publish([document]):
        db.session.commit()
        flash(f"Document diffusé aux membres : {document.title}.", "success")
    return redirect(url_for("dossier.manage", meeting_id=document.meeting_id))


@bp.route("/meetings/<int:meeting_id>/dossier/publish", methods=["POST"])
@staff_required
def publish_all(meeting_id: int):
    meeting = get_editable_meeting_or_404(meeting_id)
    count = publish(meeting_documents(meeting))
    db.session.commit()
    flash(f"{count} document(s) diffusé(s) aux membres." if count else "Aucun brouillon à diffuser.",
          "success" if count else "info")
    return redirect(url_for("dossier.manage", meeting_id=meeting.id))


@bp.route("/dossier/documents/<int:document_id>/withdraw", methods=["POST"])
@staff_required
def withdraw_document(document_id: int):
    document = get_document_or_404(document_id, editable=True)
    withdraw(document)
    db.session.commit()
    flash(f"Document retiré du dossier : {document.title}.", "success")
    return redirect(url_for("dossier.manage", meeting_id=document.meeting_id))


@bp.route("/dossier/documents/<int:document_id>/move/<direction>", methods=["POST"])
@staff_required
def move_document(document_id: int, direction: str):
    if direction not in ("up", "down"):
        abort(404)
    document = get_document_or_404(document_id, editable=True)
    # The page posts the place it showed (« depuis »): a double tap or an older tab moves the document once.
    outcome = move(document, direction, request.args.get("depuis"))
    if outcome == "moved":
        db.session.commit()
    elif outcome == "already there":
        flash(f"« {document.title} » est déjà à cette place : le dossier n'a pas changé.", "info")
    elif outcome == "dossier changed":
        flash(f"L'ordre du dossier a changé depuis l'affichage de la page : « {document.title} » n'a pas été "
              "déplacé ; vérifiez l'ordre ci-dessous.", "info")
    return redirect(url_for("dossier.manage", meeting_id=document.meeting_id))


@bp.route("/meetings/<int:meeting_id>/dossier/notify", methods=["POST"])
@staff_required
def notify(meeting_id: int):
    """One e-mail to each convened person listing what was added or replaced since the convocation."""
    meeting = get_meeting_or_404(meeting_id)
    queued = queue_dossier_notices(meeting)
    db.session.commit()
    if queued.ids:
        deliver_soon(queued.ids)
        flash(f"{len(queued.ids)} personne(s) prévenue(s) des changements du dossier.", "success")
    else:
        flash("Personne à prévenir : aucun changement depuis la convocation, ou déjà signalé.", "info")
    return redirect(url_for("dossier.manage", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/dossier/receipts")
@staff_required
def receipts(meeting_id: int):
    """Who opened what, and whether each member had the dossier in time."""
    meeting = get_meeting_or_404(meeting_id)
    return render_template("dossier/receipts.html", meeting=meeting, report=receipt_report(meeting))


@bp.route("/dossier/versions/<int:version_id>")
def download(version_id: int):
    """A version of a document, for a logged-in user who may see the meeting (members: the current version
    of published documents; a replaced one stays the secretariat's). A convened member's first download of
    each version is recorded."""
    version = db.get_or_404(DocumentVersion, version_id)
    document = get_document_or_404(version.document_id)
    if not current_user.is_staff and version is not document.current:
        abort(404)
    response = file_response(version)
    if not current_user.is_staff and is_convened(document.meeting, current_user.person_id):
        record_receipts([version], current_user.person_id)
    return response


@bp.route("/meetings/<int:meeting_id>/dossier.zip")
def meeting_zip(meeting_id: int):
    """The whole published dossier as one .zip with its table of contents."""
    meeting = get_meeting_or_404(meeting_id)
    documents = published_documents(meeting)
    response = zip_response(meeting, dossier_lines(documents, meeting))
    if not current_user.is_staff and is_convened(meeting, current_user.person_id):
        record_receipts([document.current for document in documents], current_user.person_id)
    return response


def personal_link_holder(token: str) -> tuple[Person, Meeting | None, MeetingDocument | None]:
    """The person, meeting and document a personal link names, if the person still reads the dossier by
    their convocation (``reads_by_convocation``) and the document is still in it; else a French 404 page
    (tampered, expired, withdrawn…)."""
    link = read_token(token)
    person = db.session.get(Person, link.person_id) if link else None
    document = db.session.get(MeetingDocument, link.document_id) if link and link.document_id else None
    meeting = document.meeting if document is not None else (
        db.session.get(Meeting, link.meeting_id) if link and link.meeting_id else None)
    if (person is None or meeting is None or meeting.deleted_at is not None
            or not reads_by_convocation(meeting, person) or (document is not None and not document.is_published)
            or (link.document_id and document is None)):
        abort(404)
    return person, meeting, document


@bp.route("/dossier/lien/<token>")
def personal_download(token: str):
    """The link of a convocation e-mail: the current version of one document, recorded as received."""
    person, _, document = personal_link_holder(token)
    if document is None:
        abort(404)
    response = file_response(document.current)
    record_receipts([document.current], person.id)
    return response


@bp.route("/dossier/lien/<token>/dossier.zip")
def personal_zip(token: str):
    person, meeting, document = personal_link_holder(token)
    if document is not None:
        abort(404)
    documents = published_documents(meeting)
    response = zip_response(meeting, dossier_lines(documents, meeting))
    record_receipts([document.current for document in documents], person.id)
    return response


@bp.app_template_global()
def meeting_dossier(meeting: Meeting):
    """The dossier as the meeting page shows it to the current user (an include in meetings/detail.html)."""
    return dossier_lines(documents_for(current_user, meeting), meeting)



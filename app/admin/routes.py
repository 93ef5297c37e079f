"""Audit pages, the bin (soft-deleted meetings and people) and the personal data of a person."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.personal_data import anonymise_and_log, export_json
from app.admin.trash import binned_meetings, binned_people, move_to_bin, restore
from app.audit import AUDITED
from app.calendar.convocations import cancellation_recipients, queue_cancellations
from app.extensions import db
from app.formatting import long_date, paris_today
from app.forms import FrenchForm, id_number, page_number
from app.mail.outbox import deliver_soon
from app.models import AuditEvent
from app.models.audit import SECURITY_ACTIONS
from app.permissions import (
    account_admin_required,
    admin_required,
    get_meeting_or_404,
    get_person_or_404,
    staff_required,
    visible_audit_events,
)

PAGE_SIZE = 50


class ConfirmForm(FrenchForm):
    """Empty form: a destructive action is a POST carrying the CSRF token."""


def audit_page(query):
    return db.paginate(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), page=page_number(),
                       per_page=PAGE_SIZE, error_out=False)


@bp.route("/meetings/<int:meeting_id>/audit")
@admin_required
def meeting_audit(meeting_id: int):
    """Everything that happened to a meeting and what belongs to it (deleted meetings too)."""
    meeting = get_meeting_or_404(meeting_id, binned=True)
    page = audit_page(visible_audit_events(current_user).where(AuditEvent.meeting_id == meeting.id))
    return render_template("admin/audit.html", page=page, meeting=meeting)


SECURITY_FILTER = "securite"  # ?entity= value of the sign-in events


@bp.route("/admin/audit")
@account_admin_required
def audit():
    """The ARS's trail (national admins: sign-in events of every ARS), filtered by type and number;
    an unknown type or number is no filter."""
    entities = dict(sorted(((model.__name__, audited.label) for model, audited in AUDITED.items()),
                           key=lambda pair: pair[1]))
    entities[SECURITY_FILTER] = "Connexions et sécurité des comptes"
    entity = request.args.get("entity", "")
    entity = entity if entity in entities else ""
    entity_id = request.args.get("entity_id", type=id_number)
    query = visible_audit_events(current_user)
    if entity == SECURITY_FILTER:
        query = query.where(AuditEvent.action.in_(SECURITY_ACTIONS))
    elif entity:
        query = query.where(AuditEvent.entity_type == entity)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    return render_template("admin/audit.html", page=audit_page(query), meeting=None,
                           entities=entities, entity=entity, entity_id=entity_id)


@bp.route("/meetings/<int:meeting_id>/delete", methods=["GET", "POST"])
@staff_required
def delete_meeting(meeting_id: int):
    meeting = get_meeting_or_404(meeting_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        move_to_bin(meeting)
        cancellations = queue_cancellations(meeting, paris_today())  # everyone holding an invitation
        db.session.commit()
        deliver_soon(cancellations.ids)
        flash(f"La séance du {long_date(meeting.starts_at)} a été supprimée. Un administrateur peut la restaurer "
              "depuis la corbeille.", "success")
        return redirect(url_for("bodies.detail", body_id=meeting.body_id))
    return render_template("admin/confirm_delete.html", form=form, what=f"la séance « {meeting.title} » du "
                           f"{long_date(meeting.starts_at)}", cancellations=cancellation_recipients(meeting),
                           back=url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/people/<int:person_id>/delete", methods=["GET", "POST"])
@staff_required
def delete_person(person_id: int):
    person = get_person_or_404(person_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        move_to_bin(person)
        db.session.commit()
        flash(f"{person.display_name} a été supprimé(e). Un administrateur peut restaurer sa fiche depuis la "
              "corbeille.", "success")
        return redirect(url_for("people.index"))
    return render_template("admin/confirm_delete.html", form=form, what=person.display_name,
                           back=url_for("people.edit", person_id=person.id))


@bp.route("/admin/corbeille")
@admin_required
def trash():
    return render_template("admin/trash.html", meetings=binned_meetings(current_user),
                           people=binned_people(current_user), form=ConfirmForm())


def restore_from_bin(row, message) -> Response:
    if row.deleted_at is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        restore(row)
        db.session.commit()
        flash(message(row), "success")
    return redirect(url_for("admin.trash"))


@bp.route("/admin/corbeille/meetings/<int:meeting_id>/restore", methods=["POST"])
@admin_required
def restore_meeting(meeting_id: int):
    return restore_from_bin(get_meeting_or_404(meeting_id, binned=True),
                            lambda meeting: f"La séance du {long_date(meeting.starts_at)} est restaurée.")


@bp.route("/admin/corbeille/people/<int:person_id>/restore", methods=["POST"])
@admin_required
def restore_person(person_id: int):
    return restore_from_bin(get_person_or_404(person_id, binned=True),
                            lambda person: f"La fiche de {person.display_name} est restaurée.")


@bp.route("/people/<int:person_id>/data")
@staff_required
def person_data(person_id: int):
    person = get_person_or_404(person_id, binned=True)  # people in the bin too: they often left
    return render_template("admin/person_data.html", person=person, form=ConfirmForm(),
                           retention_years=current_app.config["ANONYMISE_MINUTES_AFTER_YEARS"])


@bp.route("/people/<int:person_id>/data.json", methods=["POST"])
@staff_required
def export_person_data(person_id: int):
    """A POST (CSRF): an export is an action on personal data, logged, not a page to prefetch."""
    person = get_person_or_404(person_id, binned=True)  # people in the bin too: they often left
    if not ConfirmForm().validate_on_submit():
        abort(400)
    body = export_json(person)
    db.session.commit()
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="personne-{person.id}.json"'})


@bp.route("/people/<int:person_id>/anonymise", methods=["POST"])
@admin_required
def anonymise(person_id: int):
    person = get_person_or_404(person_id, binned=True)  # people in the bin too: they often left
    if ConfirmForm().validate_on_submit():
        rebuilt = anonymise_and_log(person)
        db.session.commit()
        flash(f"La personne n°{person.id} est anonymisée ({rebuilt} compte(s) rendu(s) ancien(s) reconstruit(s)).",
              "success")
    return redirect(url_for("admin.person_data", person_id=person.id))

"""The permissions matrix: who may reach each endpoint, in one table.

Every endpoint of the app is listed here with its audience. A ``before_request`` hook enforces the
audience (anonymous → login page, wrong role → 403) before the view runs; the views' own decorators
(``staff_required``…) stay as a second lock, and the object checks that need data (« is this meeting
of one of the member's bodies? », ``get_meeting_or_404``) stay in the views. ``tests/test_permissions_matrix.py``
walks ``app.url_map`` and fails for an endpoint missing from ``ENDPOINT_AUDIENCE``.
"""
from __future__ import annotations

from enum import Enum

from flask import Flask, abort, current_app, request
from flask_login import current_user

from werkzeug.routing import IntegerConverter

from app.expired_forms import keep_form_for_login, login_then_form_page
from app.forms import MAX_ID
from app.models import Role
from app.models.accounts import STAFF_ROLES


class Audience(Enum):
    PUBLIC = "public"            # no login: the login page, static files, links whose secret token is the credential
    ANY_USER = "any_user"        # any logged-in account; the page shows only what the user may see
    BODY_MEMBER = "body_member"  # members of the meeting's (or body's) body, and staff; others get 403
    STAFF = "staff"              # secretariat and admins (of an ARS)
    ADMIN = "admin"              # admins of an ARS only
    ACCOUNTS = "accounts"        # admins of an ARS (their accounts) and national admins (every account)
    NATIONAL_ADMIN = "national_admin"  # those who run the installation: organisations


ENDPOINT_AUDIENCE: dict[str, Audience] = {
    "static": Audience.PUBLIC,
    # auth
    "auth.login": Audience.PUBLIC,
    "auth.logout": Audience.ANY_USER,
    "auth.change_password": Audience.ANY_USER,
    "auth.forgot_password": Audience.PUBLIC,
    "auth.reset_password": Audience.PUBLIC,  # the signed, expiring token is the credential
    # home, agenda, search
    "main.home": Audience.ANY_USER,
    # what a public service site shows everyone, from the footer
    "main.accessibility": Audience.PUBLIC,
    "main.legal_notice": Audience.PUBLIC,
    "main.personal_data": Audience.PUBLIC,
    "agenda.my_meetings": Audience.ANY_USER,
    "agenda.search": Audience.ANY_USER,
    "deadlines.index": Audience.ANY_USER,
    # bodies and members
    "bodies.index": Audience.ANY_USER,
    "bodies.detail": Audience.BODY_MEMBER,
    "bodies.create": Audience.STAFF,
    "bodies.edit": Audience.STAFF,
    "bodies.add_membership": Audience.STAFF,
    "bodies.people_picker": Audience.STAFF,
    "bodies.edit_membership": Audience.STAFF,
    "bodies.end_membership": Audience.STAFF,
    "bodies.import_members_upload": Audience.STAFF,
    "bodies.import_members_confirm": Audience.STAFF,
    "bodies.add_role": Audience.STAFF,
    "bodies.edit_role": Audience.STAFF,
    "bodies.delete_role": Audience.STAFF,
    "people.index": Audience.STAFF,
    "people.create": Audience.STAFF,
    "people.edit": Audience.STAFF,
    # meetings
    "meetings.detail": Audience.BODY_MEMBER,
    "meetings.create": Audience.STAFF,
    "meetings.create_series": Audience.STAFF,
    "meetings.edit": Audience.STAFF,
    "meetings.cancel": Audience.STAFF,
    "meetings.restore": Audience.STAFF,
    "meetings.convened": Audience.STAFF,
    "meetings.convene_current_members": Audience.STAFF,
    "meetings.remove_invitation": Audience.STAFF,
    "meetings.second_convocation": Audience.STAFF,
    "deadlines.new": Audience.STAFF,
    "deadlines.add_next_meeting": Audience.STAFF,
    "deadlines.add_due_date": Audience.STAFF,
    "deadlines.delete": Audience.STAFF,
    "attendance.edit": Audience.STAFF,
    "attendance.unexcused_absences": Audience.STAFF,
    "roundtable.edit": Audience.STAFF,
    "roundtable.add_default_sections": Audience.STAFF,
    "roundtable.add_section": Audience.STAFF,
    "roundtable.rename_section": Audience.STAFF,
    "roundtable.move_section": Audience.STAFF,
    "roundtable.delete_section": Audience.STAFF,
    "roundtable.add_point": Audience.STAFF,
    "roundtable.edit_point": Audience.STAFF,
    "roundtable.move_point": Audience.STAFF,
    "roundtable.delete_point": Audience.STAFF,
    # documents (members: published compte rendu only, see documents.workflow.minutes_visible_to)
    "documents.minutes_docx": Audience.BODY_MEMBER,
    "documents.sign_in_sheet_docx": Audience.STAFF,
    # members: their own attestation only (checked in the view)
    "documents.attendance_certificate_docx": Audience.BODY_MEMBER,
    "documents.in_person_attendance": Audience.STAFF,
    "documents.validate_minutes": Audience.STAFF,
    "documents.publish_minutes": Audience.STAFF,
    "documents.reopen_minutes": Audience.STAFF,
    "documents.synthesis": Audience.STAFF,
    # dossier de séance (members: published documents of their body's meetings, see app/dossier/routes.py)
    "dossier.manage": Audience.STAFF,
    "dossier.edit": Audience.STAFF,
    "dossier.replace": Audience.STAFF,
    "dossier.publish_document": Audience.STAFF,
    "dossier.publish_all": Audience.STAFF,
    "dossier.withdraw_document": Audience.STAFF,
    "dossier.move_document": Audience.STAFF,
    "dossier.notify": Audience.STAFF,
    "dossier.receipts": Audience.STAFF,
    "dossier.download": Audience.BODY_MEMBER,
    "dossier.meeting_zip": Audience.BODY_MEMBER,
    "dossier.personal_download": Audience.PUBLIC,  # the signed personal link is the credential
    "dossier.personal_zip": Audience.PUBLIC,
    # calendar and convocations
    "calendar.meeting_ics": Audience.BODY_MEMBER,
    "calendar.meeting_deadlines_ics": Audience.BODY_MEMBER,
    "calendar.deadline_ics": Audience.BODY_MEMBER,
    "calendar.feed": Audience.PUBLIC,
    "calendar.my_feed": Audience.ANY_USER,
    "calendar.regenerate_my_feed": Audience.ANY_USER,
    "calendar.regenerate_body_feed": Audience.BODY_MEMBER,  # each member's own link
    "calendar.send_meeting_convocations": Audience.STAFF,
    "calendar.answer": Audience.PUBLIC,
    "calendar.answer_recorded": Audience.PUBLIC,
    # votes and avis (members read published avis on the meeting page)
    "votes.edit_item": Audience.STAFF,
    "votes.new": Audience.STAFF,
    "votes.edit_avis": Audience.STAFF,
    "votes.reopen": Audience.STAFF,
    "votes.publish": Audience.STAFF,
    "votes.extract_docx": Audience.STAFF,
    "votes.toggle_public_minutes": Audience.STAFF,
    "votes.new_consultation": Audience.STAFF,
    "votes.consultation": Audience.STAFF,
    "votes.remind_consultation": Audience.STAFF,
    "votes.close_consultation": Audience.STAFF,
    "votes.publish_consultation": Audience.STAFF,
    "votes.consultation_extract_docx": Audience.STAFF,
    "votes.consultation_answer": Audience.PUBLIC,  # the signed, expiring personal link is the credential
    # the public page of an organisation (L.1432-4): no login, no personal address
    "votes.public_page": Audience.PUBLIC,
    "votes.public_feed": Audience.PUBLIC,
    "votes.public_minutes_docx": Audience.PUBLIC,
    # audit trail, bin, personal data
    "admin.meeting_audit": Audience.ADMIN,
    "admin.audit": Audience.ACCOUNTS,  # national admins: the sign-in events only
    "admin.delete_meeting": Audience.STAFF,
    "admin.delete_person": Audience.STAFF,
    "admin.trash": Audience.ADMIN,
    "admin.restore_meeting": Audience.ADMIN,
    "admin.restore_person": Audience.ADMIN,
    "admin.person_data": Audience.STAFF,
    "admin.export_person_data": Audience.STAFF,
    "admin.anonymise": Audience.ADMIN,
    # organisation settings, organisations and accounts
    "organisation.settings": Audience.ADMIN,
    "organisation.logo": Audience.PUBLIC,
    "organisation.index": Audience.NATIONAL_ADMIN,
    "accounts.index": Audience.ACCOUNTS,
    "accounts.create": Audience.ACCOUNTS,
    "accounts.deactivate_account": Audience.ACCOUNTS,
    "accounts.reactivate_account": Audience.ACCOUNTS,
}

ROLES_OF_AUDIENCE = {
    Audience.STAFF: STAFF_ROLES,
    Audience.ADMIN: (Role.ADMIN,),
    Audience.ACCOUNTS: (Role.ADMIN, Role.NATIONAL_ADMIN),
    Audience.NATIONAL_ADMIN: (Role.NATIONAL_ADMIN,),
}


def audience_of(endpoint: str | None) -> Audience | None:
    return ENDPOINT_AUDIENCE.get(endpoint or "")


def may_open(user, endpoint: str) -> bool:
    """Whether the matrix lets ``user`` reach ``endpoint`` (before any check on the data itself)."""
    audience = audience_of(endpoint)
    if audience is None or audience is Audience.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    allowed_roles = ROLES_OF_AUDIENCE.get(audience)
    return allowed_roles is None or user.role in allowed_roles


def enforce_audience():
    """Before every request: refuse what the matrix refuses. An endpoint missing from the matrix is
    refused too (fail closed); the matrix test names it. Unmatched URLs (404s) go on to their 404."""
    endpoint = request.endpoint
    if endpoint is None:
        return None
    if endpoint not in ENDPOINT_AUDIENCE and endpoint not in current_app.config.get("EXTRA_PUBLIC_ENDPOINTS", ()):
        abort(403)
    if endpoint in AUDIENCE_CHECKED_BY_VIEW:
        return None
    return audience_refusal(endpoint)


# Views that first look for their answer with the session's account in one statement (a compte rendu's download:
# ``minutes_download_for_session``), which checks what the matrix would, and call ``audience_refusal`` themselves
# (the account then loaded) whenever they take the ordinary path.
AUDIENCE_CHECKED_BY_VIEW = frozenset({"documents.minutes_docx"})


def audience_refusal(endpoint: str):
    """None when the matrix lets the current user reach ``endpoint``; else the login page (a post whose session
    ended keeps what was typed), or 403."""
    if may_open(current_user, endpoint):
        return None
    if not current_user.is_authenticated:
        keep_form_for_login()  # a post whose session ended: what was typed comes back after the login
        return login_then_form_page() or current_app.login_manager.unauthorized()
    abort(403)


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs: a number beyond what an id column holds is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_access(app: Flask) -> None:
    """Call before the blueprints are registered (their rules use the ``int`` converter)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(enforce_audience)

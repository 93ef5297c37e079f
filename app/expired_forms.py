"""A form posted once its session ended or its CSRF token was lost is never answered « Requête invalide »:
the same page comes back with what was typed in its fields and a French message saying what happened.

- Token lost, still logged in: the page is shown again at once, as a GET (so nothing is saved), its form
  filled from what was posted (``replayed_form_data``, read by ``app.forms.FrenchForm``).
- Session ended: what was typed waits in the session cookie (if small enough) while the person logs in
  again; the login leads back to the page, shown with it, but only to the account whose session ended
  (on a shared computer, the next person never sees it). A browser with no session left at all gets
  the login page and a message, nothing kept.

"The page" is the posted URL itself when it is also a page (GET). A form posted to an action-only URL (POST
only) declares the page that shows it with ``form_shown_on``; an action declaring none is simply not done
(« l'action n'a pas été faite »).
On a page of several forms, what was posted refills the form it came from only (``replayed_for``).
"""
from __future__ import annotations

import json

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import Forbidden, HTTPException

KEPT_FORM = "formulaire_a_reprendre"
# The account whose session the loader refused in this browser: what was typed goes back to it alone.
ENDED_SESSION_ACCOUNT = "compte_session_terminee"
# Kept on the request itself (not in ``g``, which may outlive a request when an app context is shared).
REPLAYED_FORM = "seances.replayed_form"
# What the session cookie may carry (browsers drop cookies beyond 4 KB); longer texts are kept by
# static/js/drafts.js in the browser.
MAX_KEPT_CHARACTERS = 2000
NOT_KEPT_FIELDS = {"csrf_token"}
# Set on an action's view by ``form_shown_on``: the endpoint of the page that shows its form.
FORM_PAGE = "form_page_endpoint"


def is_secret(name: str) -> bool:
    """Passwords are never kept nor shown again."""
    return "password" in name or "mot_de_passe" in name


def is_token(name: str) -> bool:
    """The CSRF token of a form, with its prefix if it has one (``butoir-csrf_token``)."""
    return name in NOT_KEPT_FIELDS or name.endswith("-csrf_token")


def form_shown_on(page_endpoint: str):
    """Declare, on the view of an action-only URL (POST only), the page (GET) that shows its form, reached
    with the same URL values (those the page's URL has). A post it refuses for a lost token or an ended
    session then comes back on that page with what was typed, as a page's own form does::

        @bp.route("/meetings/<int:meeting_id>/deadlines/due-date", methods=["POST"])
        @form_shown_on("deadlines.new")
        @staff_required
        def add_due_date(meeting_id): ...
    """

    def declare(view):
        setattr(view, FORM_PAGE, page_endpoint)
        return view

    return declare


def init_expired_forms(app: Flask) -> None:
    app.register_error_handler(CSRFError, show_form_again)
    app.before_request(restore_kept_form)


def replayed_form_data() -> MultiDict | None:
    """The values to fill the page's form with, when it is shown again after a refused post."""
    return request.environ.get(REPLAYED_FORM)


def replayed_for(form) -> MultiDict | None:
    """The values to fill ``form`` with: those of the refused post when one of them is a field of ``form``
    (its prefix included), so that on a page of several forms only the one posted is refilled and the others
    keep what the page offers. Values naming no field at all (only unticked boxes were posted) go to every
    form, as nothing tells which one they came from."""
    replayed = replayed_form_data()
    if not replayed:
        return replayed
    names = [form_field.name for form_field in form]
    if any(key == name or key.startswith(f"{name}-") for key in replayed.keys() for name in names):
        return replayed
    return None


def posted_values() -> list[tuple[str, str]]:
    return [(name, value) for name, value in request.form.items(multi=True)
            if not is_token(name) and not is_secret(name)]


def page_rule(endpoint: str | None):
    """The URL rule by which ``endpoint`` answers a GET, if it does."""
    if endpoint not in current_app.view_functions:
        return None
    return next((rule for rule in current_app.url_map.iter_rules(endpoint) if "GET" in (rule.methods or ())), None)


def form_page() -> tuple[str, dict] | None:
    """The page (endpoint, URL values) that shows the form posted now: the one its view declares
    (``form_shown_on``), else the posted URL itself when it is also a page (GET); None for an action with
    no such page."""
    endpoint, view_args = request.endpoint, request.view_args or {}
    if request.url_rule is None or endpoint not in current_app.view_functions:
        return None
    declared = getattr(current_app.view_functions[endpoint], FORM_PAGE, None)
    if declared is None:
        return (endpoint, view_args) if "GET" in (request.url_rule.methods or ()) else None
    rule = page_rule(declared)
    if rule is None or not rule.arguments <= view_args.keys():
        return None
    return declared, {name: view_args[name] for name in rule.arguments}


def page_shows_a_form() -> bool:
    """Whether the posted form has a page (GET) it can be shown again on: its URL, or a declared one."""
    return form_page() is not None


def form_page_url() -> str:
    """Where the posted form is shown: the posted URL itself (with its query), or the declared page."""
    endpoint, values = form_page()
    if endpoint == request.endpoint:
        return request.full_path.rstrip("?")
    return url_for(endpoint, **values)


def form_page_path() -> str:
    """The form's page as ``request.path`` reads when it is opened (no script root)."""
    if form_page()[0] == request.endpoint:
        return request.path
    return form_page_url().removeprefix(request.script_root)


def login_then_form_page():
    """For a post whose form is shown on another page than its URL (an action-only URL, which a GET after
    the login could not open): the login, then that page. None for any other request."""
    page = form_page() if request.method == "POST" else None
    if page is None or page[0] == request.endpoint:
        return None
    return redirect(url_for("auth.login", next=form_page_url()))


def keep_form_for_login() -> None:
    """Before sending a logged-out person to the login page: keep what they posted for the page after."""
    if request.method != "POST" or not page_shows_a_form():
        return
    values = posted_values()
    account = session.get(ENDED_SESSION_ACCOUNT)
    if account is not None and len(json.dumps(values)) <= MAX_KEPT_CHARACTERS:
        session[KEPT_FORM] = {"path": form_page_path(), "values": values, "account": account}
        flash("Votre session a expiré : reconnectez-vous. Ce que vous aviez saisi vous sera présenté de nouveau, "
              "à vérifier puis à enregistrer.", "warning")
    else:
        flash("Votre session a expiré : reconnectez-vous, puis enregistrez de nouveau.", "warning")


def show_form_again(error: CSRFError):
    """The CSRF check refused a post: show its page again with what was typed (at once when the person may
    still see it, else after the login); an action without a page of its own is simply not done."""
    from app.access import may_open

    page = form_page()
    if page is None:
        return render_template("errors/error.html", code=400, title="Page expirée", message=(
            "La page était ouverte depuis trop longtemps : l'action n'a pas été faite. Revenez à la page, "
            "rechargez-la et recommencez.")), 400
    if not (may_open(current_user, request.endpoint) and may_open(current_user, page[0])):
        if current_user.is_authenticated:  # logged in, but not one who may post this: as without the token
            return error_page(Forbidden())
        keep_form_for_login()
        return redirect(url_for("auth.login", next=form_page_url()))
    flash("La page était ouverte depuis trop longtemps : rien n'a été enregistré. Ce que vous aviez saisi est "
          "repris ci-dessous ; vérifiez-le puis envoyez de nouveau.", "warning")
    return replay_as_page(MultiDict(posted_values()), status=400)


def restore_kept_form():
    """After the login: the page the post was refused on, once, with what was typed."""
    kept = session.get(KEPT_FORM)
    if kept is None or request.method != "GET" or not current_user.is_authenticated:
        return None
    if kept.get("path") != request.path:
        return None
    session.pop(KEPT_FORM)
    flash("Ce que vous aviez saisi avant l'expiration de votre session est repris ci-dessous : vérifiez-le puis "
          "enregistrez.", "info")
    request.environ[REPLAYED_FORM] = MultiDict([tuple(pair) for pair in kept.get("values", [])])
    return None


def replay_as_page(values: MultiDict, status: int):
    """Run the view of the form's page as a GET (nothing is saved) with its form filled from ``values``."""
    endpoint, view_args = form_page()
    request.environ[REPLAYED_FORM] = values
    request.method = "GET"
    try:
        response = current_app.make_response(current_app.view_functions[endpoint](**view_args))
    except HTTPException as error:  # the page's own refusal (another ARS's meeting, a frozen one…)
        return error_page(error)
    if response.status_code == 200:
        response.status_code = status
    return response


def error_page(error: HTTPException):
    """The app's error page for ``error``, answered from within this error handler: an exception raised here
    would escape Flask's handlers and end as a 500."""
    return current_app.handle_http_exception(error)

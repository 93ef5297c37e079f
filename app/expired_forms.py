"""A form posted once its session ended or its CSRF token was lost is never answered « Requête invalide »:
the same page comes back with what was typed in its fields and a French message saying what happened.

- Token lost, still logged in: the page is shown again at once, as a GET (so nothing is saved), its form
  filled from what was posted (``replayed_form_data``, read by ``app.forms.FrenchForm``).
- Session ended: what was typed waits in the session cookie (if small enough) while the person logs in
  again; the login leads back to the page, shown with it, but only to the account whose session ended
  (on a shared computer, the next person never sees it). A browser with no session left at all gets
  the login page and a message, nothing kept.
"""
from __future__ import annotations

import json

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

KEPT_FORM = "formulaire_a_reprendre"
# The account whose session the loader refused in this browser: what was typed goes back to it alone.
ENDED_SESSION_ACCOUNT = "compte_session_terminee"
# Kept on the request itself (not in ``g``, which may outlive a request when an app context is shared).
REPLAYED_FORM = "seances.replayed_form"
# What the session cookie may carry (browsers drop cookies beyond 4 KB); longer texts are kept by
# static/js/drafts.js in the browser.
MAX_KEPT_CHARACTERS = 2000
NOT_KEPT_FIELDS = {"csrf_token"}


def is_secret(name: str) -> bool:
    """Passwords are never kept nor shown again."""
    return "password" in name or "mot_de_passe" in name


def init_expired_forms(app: Flask) -> None:
    app.register_error_handler(CSRFError, show_form_again)
    app.before_request(restore_kept_form)


def replayed_form_data() -> MultiDict | None:
    """The values to fill the page's form with, when it is shown again after a refused post."""
    return request.environ.get(REPLAYED_FORM)


def posted_values() -> list[tuple[str, str]]:
    return [(name, value) for name, value in request.form.items(multi=True)
            if name not in NOT_KEPT_FIELDS and not is_secret(name)]


def page_shows_a_form() -> bool:
    """Whether the posted URL is also a page (GET): only then can it be shown again with the form."""
    return request.url_rule is not None and "GET" in (request.url_rule.methods or ()) \
        and request.endpoint in current_app.view_functions


def keep_form_for_login() -> None:
    """Before sending a logged-out person to the login page: keep what they posted for the page after."""
    if request.method != "POST" or not page_shows_a_form():
        return
    values = posted_values()
    account = session.get(ENDED_SESSION_ACCOUNT)
    if account is not None and len(json.dumps(values)) <= MAX_KEPT_CHARACTERS:
        session[KEPT_FORM] = {"path": request.path, "values": values, "account": account}
        flash("Votre session a expiré : reconnectez-vous. Ce que vous aviez saisi vous sera présenté de nouveau, "
              "à vérifier puis à enregistrer.", "warning")
    else:
        flash("Votre session a expiré : reconnectez-vous, puis enregistrez de nouveau.", "warning")


def show_form_again(error: CSRFError):
    """The CSRF check refused a post: show its page again with what was typed (at once when the person may
    still see it, else after the login); an action without a page of its own is simply not done."""
    from app.access import may_open

    if not page_shows_a_form():
        return render_template("errors/error.html", code=400, title="Page expirée", message=(
            "La page était ouverte depuis trop longtemps : l'action n'a pas été faite. Revenez à la page, "
            "rechargez-la et recommencez.")), 400
    if not may_open(current_user, request.endpoint):
        keep_form_for_login()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
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
    """Run the page's view as a GET (nothing is saved) with its forms filled from ``values``."""
    request.environ[REPLAYED_FORM] = values
    request.method = "GET"
    response = current_app.make_response(current_app.view_functions[request.endpoint](**(request.view_args or {})))
    if response.status_code == 200:
        response.status_code = status
    return response

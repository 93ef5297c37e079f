import hashlib
import re
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.audit import log_security_event
from app.auth import bp
from app.auth.emails import send_password_reset
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, LogoutForm, NewPasswordForm
from app.auth.passwords import account_address, check_password_in_constant_time, find_account, user_for_reset_token
from app.auth.sessions import end_session, keep_this_browser_signed_in, start_session
from app.extensions import db, limit_from_config, limiter

NEUTRAL_RESET_MESSAGE = ("Si un compte actif correspond à cette adresse, un message vient de lui être envoyé avec "
                         "un lien pour choisir un nouveau mot de passe, valable une heure.")


# Control characters, and the backslash browsers read as a slash.
NOT_IN_NEXT = re.compile(r"[\x00-\x1f\x7f\\]")


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path of this site (urlsplit drops line breaks and tabs before reading the
    host: a path holding any control character is refused, it could not go in a Location header anyway;
    so is a backslash, which browsers read as a slash: « /\\evil.example » is « //evil.example »)."""
    if (target and target.startswith("/") and not target.startswith("//") and not NOT_IN_NEXT.search(target)
            and not urlsplit(target).netloc):
        return target
    return url_for("main.home")


_login_rate_limit = limit_from_config("LOGIN_RATE_LIMIT")
_account_rate_limit = limit_from_config("LOGIN_ACCOUNT_RATE_LIMIT")


def _posted_account() -> str:
    """The account a sign-in form is about, whatever the address it comes from (hashed: the limits'
    store never holds e-mail addresses). Empty (no limit by account) when no address was typed."""
    email = account_address(request.form.get("email") or "")
    return "account:" + hashlib.sha256(email.encode()).hexdigest() if email else ""


def _signed_in_account() -> str:
    """The account whose password the « Changer mon mot de passe » form checks: the logged-in one, by id
    (its failures count whatever the session or address they come from)."""
    return f"user:{current_user.id}"


def _failed(response) -> bool:
    """A sign-in or password-change form that did not get through answers with the form again (not a
    redirect)."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_account_rate_limit, key_func=_posted_account, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_account(form.email.data)
        # The same work whether the account exists or not: the answer's time tells nothing.
        password_ok = check_password_in_constant_time(user, form.password.data)
        if user is None or not user.active or not password_ok:
            form.password.errors.append("Adresse électronique ou mot de passe incorrect.")
            log_security_event("login_failed", user, "compte désactivé" if user and not user.active else "")
            db.session.commit()
        else:
            start_session(user, remember=form.remember.data)
            log_security_event("login", user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends every session of the account (this one and any other browser) and deletes the remember
    cookie; the browser is told to forget what it stored for the site (drafts of the tour de table)."""
    if not LogoutForm().validate_on_submit():
        return redirect(url_for("auth.login"))
    user = current_user._get_current_object()
    log_security_event("logout", user)
    end_session(user)
    db.session.commit()
    flash("Vous êtes déconnecté(e).", "info")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.route("/mon-compte/mot-de-passe", methods=["GET", "POST"])
@login_required  # before the limits: a request without a session is sent to the login page, not counted
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_account_rate_limit, key_func=_signed_in_account, methods=["POST"], deduct_when=_failed)
def change_password():
    """Limited like the login: it checks the current password, which a stolen session would guess."""
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append("Mot de passe actuel incorrect.")
        else:
            user.set_password(form.new_password.data)
            user.end_sessions()  # every other browser is logged out
            keep_this_browser_signed_in(user)
            log_security_event("password_changed", user)
            db.session.commit()
            flash("Votre mot de passe a été changé ; vos autres sessions sont fermées.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_account_rate_limit, key_func=_posted_account, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_account(form.email.data)
        if user is not None and user.active:
            log_security_event("password_reset_requested", user)
            send_password_reset(user)  # commits the event with the queued e-mail
        flash(NEUTRAL_RESET_MESSAGE, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def reset_password(token: str):
    user = user_for_reset_token(token)
    if user is None:
        return render_template("auth/reset_invalid.html"), 400
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        user.set_password(form.new_password.data)
        user.end_sessions()  # whoever was logged in with the old password is logged out
        log_security_event("password_reset", user)
        db.session.commit()
        flash("Votre mot de passe a été changé : connectez-vous avec le nouveau.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200

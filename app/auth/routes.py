from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from app.auth import bp
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, LogoutForm, NewPasswordForm
from app.auth.passwords import reset_token, user_for_reset_token
from app.calendar.mail import SEND_ERRORS, new_message, send_email
from app.calendar.urls import public_url
from app.extensions import db, limiter
from app.models import User, utc_now

NEUTRAL_RESET_MESSAGE = ("Si un compte actif correspond à cette adresse, un message vient de lui être envoyé avec "
                         "un lien pour choisir un nouveau mot de passe, valable une heure.")


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path of this site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.active or not user.check_password(form.password.data):
            form.password.errors.append("Adresse électronique ou mot de passe incorrect.")
        else:
            session.clear()  # a fresh session on login
            login_user(user, remember=form.remember.data)
            user.last_login_at = utc_now()
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        session.clear()
        flash("Vous êtes déconnecté(e).", "info")
    return redirect(url_for("auth.login"))


@bp.route("/mon-compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("Mot de passe actuel incorrect.")
        else:
            current_user.set_password(form.new_password.data)
            db.session.commit()
            flash("Votre mot de passe a été changé.", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


def send_reset_email(user: User) -> None:
    """The reset link by e-mail; a failed delivery is logged, never shown (the answer stays neutral)."""
    sender = current_app.config["SECRETARIAT_EMAIL"]
    message = new_message("Séances : choisir un nouveau mot de passe", sender, "Séances", user.email, "")
    link = public_url("auth.reset_password", token=reset_token(user))
    message.set_content(
        "Bonjour,\n\n"
        "Une demande de nouveau mot de passe a été faite pour votre compte Séances. Pour choisir un nouveau "
        f"mot de passe, ouvrez ce lien dans l'heure :\n\n{link}\n\n"
        "Le lien ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : "
        "votre mot de passe reste inchangé.\n"
    )
    try:
        send_email(message)
    except SEND_ERRORS as error:
        current_app.logger.error("Password reset e-mail to user %s not sent: %s", user.id, error)


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.active:
            send_reset_email(user)
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
        db.session.commit()
        flash("Votre mot de passe a été changé : connectez-vous avec le nouveau.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from app.auth import bp
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, LogoutForm, NewPasswordForm
from app.auth.emails import send_password_reset
from app.auth.passwords import user_for_reset_token
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


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.active:
            send_password_reset(user)
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

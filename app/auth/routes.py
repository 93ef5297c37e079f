from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from app.auth import bp
from app.auth.forms import LoginForm, LogoutForm
from app.extensions import db, limiter
from app.models import User, utc_now


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

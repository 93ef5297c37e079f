from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bodies import bp
from app.extensions import db
from app.models import Body, Meeting, Membership
from app.permissions import get_body_or_404, visible_bodies


@bp.route("/")
@login_required
def index():
    bodies = db.session.scalars(visible_bodies(current_user).options(selectinload(Body.parent))).all()
    return render_template("bodies/index.html", bodies=bodies)


@bp.route("/<int:body_id>")
@login_required
def detail(body_id: int):
    body = get_body_or_404(body_id)
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.body_id == body.id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.starts_at.desc())
    ).all()
    memberships = []
    if current_user.is_staff:  # members do not see other members' details
        memberships = db.session.scalars(
            select(Membership)
            .where(Membership.body_id == body.id)
            .options(selectinload(Membership.person), selectinload(Membership.substitute_for))
            .order_by(Membership.seat, Membership.id)
        ).all()
    return render_template("bodies/detail.html", body=body, meetings=meetings, memberships=memberships)

"""A confirmation step that spells out what an action does before it is done (works without JavaScript):
the GET of an action's URL shows this page, its POST (CSRF-checked) does the action."""
from __future__ import annotations

from flask import render_template, request

from app.models import Meeting


def confirmation_page(meeting: Meeting, *, heading: str, consequences: list[str], button: str, back: str, form):
    """The page asking « {heading} ? »: what will happen, one line each, then « {button} » or back."""
    return render_template("confirm_action.html", meeting=meeting, heading=heading, consequences=consequences,
                           button=button, back=back, form=form, action=request.path)


def its(count: int, noun: str) -> str:
    """« son sous-point », « ses 3 sous-points » (a masculine noun, plural with an s)."""
    return f"son {noun}" if count == 1 else f"ses {count} {noun}s"

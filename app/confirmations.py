"""A confirmation step that spells out what an action does before it is done (works without JavaScript):
the GET of an action's URL shows this page, its POST (CSRF-checked) does the action. Asked by a page's
script (app/fragments.py), the same question comes as a fragment the page shows in a dialog."""
from __future__ import annotations

from flask import render_template, request

from app.fragments import fragment_response, wants_fragment
from app.models import Meeting


def confirmation_page(meeting: Meeting, *, heading: str, consequences: list[str], button: str, back: str, form):
    """The page asking « {heading} ? »: what will happen, one line each, then « {button} » or back."""
    context = dict(meeting=meeting, heading=heading, consequences=consequences, button=button, back=back,
                   form=form, action=request.path)
    if wants_fragment():
        return fragment_response(render_template("confirm_dialog.html", **context), target="in-place-dialog")
    return render_template("confirm_action.html", **context)


def its(count: int, noun: str) -> str:
    """« son sous-point », « ses 3 sous-points » (a masculine noun, plural with an s)."""
    return f"son {noun}" if count == 1 else f"ses {count} {noun}s"

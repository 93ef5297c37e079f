from flask import render_template, request
from flask_login import current_user, login_required

from app.agenda import bp
from app.agenda.forms import SearchForm
from app.agenda.queries import MY_MEETINGS, excerpts_for, my_meetings_parameters, search_page
from app.dossier.domain import published_by_meeting
from app.extensions import db
from app.forms import choices, page_number
from app.pagination import counted_page
from app.permissions import account_parameters, visible_body_names

PER_PAGE = 10


@bp.route("/mes-seances")
@login_required
def my_meetings():
    parameters = my_meetings_parameters(current_user)
    past_page = counted_page(MY_MEETINGS.past, page=page_number(), per_page=PER_PAGE, parameters=parameters)
    coming = db.session.scalars(MY_MEETINGS.upcoming, parameters).unique().all()
    return render_template("agenda/my_meetings.html", upcoming=coming, past_page=past_page,
                           linked=current_user.person_id is not None,
                           dossiers=published_by_meeting([*coming, *past_page.items]))


@bp.route("/recherche")
@login_required
def search():
    form = SearchForm(formdata=request.args)
    bodies = db.session.execute(visible_body_names(current_user.is_staff), account_parameters(current_user))
    form.instance.choices = choices([("", "Toutes les instances")] + [(str(body.id), body.name) for body in bodies])
    searched = any(request.args.get(name) for name in ("texte", "instance", "du", "au"))
    results, excerpts = None, {}
    if searched and form.validate():
        text = (form.texte.data or "").strip()
        results = search_page(current_user, text=text, body_id=form.instance.data, start=form.du.data,
                              end=form.au.data, page=page_number(), per_page=PER_PAGE)
        excerpts = excerpts_for(results, text)
    status = 422 if searched and form.errors else 200
    return render_template("agenda/search.html", form=form, results=results, excerpts=excerpts), status

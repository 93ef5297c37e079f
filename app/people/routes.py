from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_

from app.extensions import db
from app.forms import page_number
from app.models import Person
from app.people import bp
from app.people.domain import fill_person, typed_name
from app.people.forms import NewPersonForm, PersonForm
from app.people.search import search_text
from app.permissions import get_person_or_404, staff_required, visible_people
from app.submissions import Submission, answer_repeat

PAGE_SIZE = 50


@bp.route("/")
@staff_required
def index():
    # Cut to a sensible length: a LIKE pattern of a megabyte is refused by SQLite.
    search = search_text(request.args.get("q"))
    query = visible_people(current_user)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(*(func.lower(column).like(pattern) for column in
                                  (Person.last_name, Person.first_name, Person.email, Person.affiliation))))
    page = db.paginate(query, page=page_number(), per_page=PAGE_SIZE, error_out=False)
    return render_template("people/index.html", page=page, search=search)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = NewPersonForm()
    # Where the person is shown once added (the list, searched by her name): a repeat of the form leads there.
    url = url_for("people.index", q=(form.last_name.data or "").strip())
    submission = Submission(form, url)
    if submission.repeated():
        return _person_already_sent(form, url)
    if form.validate_on_submit():
        person = Person(organisation_id=current_user.organisation_id)
        if fill_person(form, person):
            db.session.add(person)
            added = f"{person.display_name} a été ajouté(e)."
            if not submission.commit():  # the same form, posted at the same moment, was saved first
                return _person_already_sent(form, url)
            flash(added, "success")
            return redirect(url)
    return render_template("people/form.html", form=form, person=None)


def _person_already_sent(form: NewPersonForm, url: str):
    """The answer to the new person's form posted again (a double tap, « Renvoyer »): nothing created."""
    name = typed_name(form.civility.data, form.first_name.data, form.last_name.data) or "la personne"
    return answer_repeat(f"{name} n'a été ajouté(e)", url)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(person_id: int):
    person = get_person_or_404(person_id)
    form = PersonForm(obj=person)
    if not form.is_filled_in():
        form.civility.data = person.civility.value
    if form.validate_on_submit() and fill_person(form, person):
        db.session.commit()
        flash(f"La fiche de {person.display_name} a été modifiée.", "success")
        return redirect(url_for("people.index", q=person.last_name))
    return render_template("people/form.html", form=form, person=person)

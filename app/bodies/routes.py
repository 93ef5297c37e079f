import re
from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only, selectinload

from app.bodies import bp
from app.bodies.csv_import import COLUMNS, UnreadableFile, decode_upload, import_members, read_members_csv
from app.bodies.domain import (
    body_and_descendant_ids,
    body_name_taken,
    membership_errors,
    titulaires_to_stand_for,
)
from app.bodies.members import body_members, officers, voting_seats_held
from app.bodies.forms import (
    MAX_IMPORT_BYTES,
    BodyForm,
    ConfirmImportForm,
    EndMembershipForm,
    MemberImportForm,
    NEW_PERSON,
    MembershipForm,
    NewBodyForm,
    NewMembershipForm,
    NewRoleForm,
    RoleForm,
    preset_data,
)
from app.bodies.roles import end_roles_with_mandate, role_errors, roles_end_error
from app.bodies.rules import preset_summary, quorum_sentence, rules_summary, within
from app.extensions import db
from app.formatting import paris_today, short_date
from app.forms import MAX_ID, FrenchForm, choices, page_number
from app.pagination import counted_page
from app.models import Body, BodyFeedLink, BodyKind, Meeting, Membership, MembershipRole, Person, RoleKind, Seat
from app.people.domain import fill_person, person_with_email, typed_name
from app.people.search import MAX_PEOPLE_FOUND, find_people, search_text
from app.permissions import (
    body_with_parent,
    get_body_or_404,
    get_body_with_parent_or_404,
    get_membership_or_404,
    get_role_or_404,
    staff_required,
    visible_bodies,
    visible_people,
)
from app.submissions import Submission, answer_repeat


MEETINGS_PER_PAGE = 20  # ten years of a body's history is 100+ meetings

bp.add_app_template_filter(within, "within")  # « dans les 8 jours », « dans un délai d'un jour »


@bp.route("/")
@login_required
def index():
    bodies = db.session.scalars(visible_bodies(current_user).options(selectinload(Body.parent))).all()
    return render_template("bodies/index.html", bodies=bodies)


# The body's meetings, latest first, with what a line of the list shows (``meeting_line``): built once (its
# page, keyed once too: ``paged_once``).
BODY_MEETINGS = (select(Meeting).options(load_only(Meeting.title, Meeting.starts_at, Meeting.status))
                 .where(Meeting.body_id == bindparam("body_id"), Meeting.deleted_at.is_(None))
                 .order_by(Meeting.starts_at.desc()))


# The body with the account's own feed token (the page's « Agenda de l'instance »), one statement per kind of account.
OWN_FEED_TOKEN = (select(BodyFeedLink.token)
                  .where(BodyFeedLink.body_id == Body.id, BodyFeedLink.user_id == bindparam("user_id"))
                  .scalar_subquery())
BODY_PAGE = {staff: body_with_parent(staff).add_columns(OWN_FEED_TOKEN.label("feed_token")) for staff in (True, False)}


@bp.route("/<int:body_id>")
@login_required
def detail(body_id: int):
    body, (feed_token,) = get_body_with_parent_or_404(body_id, BODY_PAGE[current_user.is_staff])
    meetings = counted_page(BODY_MEETINGS, page=page_number(), per_page=MEETINGS_PER_PAGE,
                            parameters={"body_id": body.id})
    today = paris_today()
    members = body_members(body.id, today)
    # Members do not see other members' details: the rows give them the officers and the quorum only (and
    # the rules are shown to staff only).
    staff = current_user.is_staff
    return render_template("bodies/detail.html", body=body, meetings=meetings, feed_token=feed_token,
                           memberships=members if staff else [],
                           quorum_rule=quorum_sentence(body, voting_seats_held(members, today)),
                           rules=rules_summary(body) if staff else [], officers=officers(members, today))


def _body_form(body: Body | None) -> BodyForm:
    form = BodyForm(obj=body) if body is not None else NewBodyForm()
    excluded = body_and_descendant_ids(body) if body is not None else set()
    bodies = db.session.scalars(visible_bodies(current_user))
    form.parent_id.choices = choices(
        [(0, "— aucune —")] + [(other.id, other.name) for other in bodies if other.id not in excluded])
    if body is not None and not form.is_filled_in():
        form.parent_id.data = body.parent_id or 0
        form.kind.data = body.kind.value
    elif body is None and not form.is_filled_in():
        # A new body starts from the rules of its kind (the first kind unless the link names one).
        kind = BodyKind._value2member_map_.get(request.args.get("type", ""), BodyKind.CRSA_PLENARY)
        form.kind.data = kind.value
        for name, value in preset_data(kind).items():
            getattr(form, name).data = value
    return form


def _save_body(form: BodyForm, body: Body) -> bool:
    """Copy a valid form onto ``body``; False (with the error on the field) when the name is taken."""
    if body_name_taken(form.name.data, body.organisation_id, body.id):
        form.name.errors.append("Une instance porte déjà ce nom.")
        return False
    form.populate_obj(body)
    body.name = body.name.strip()
    body.kind = BodyKind(form.kind.data)
    body.parent_id = form.parent_id.data or None
    return True


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = _body_form(None)
    submission = Submission(form, url_for("bodies.create"))
    name = (form.name.data or "").strip()
    body_sent = f"l'instance « {name} » n'a été créée" if name else "l'instance n'a été créée"
    if submission.repeated():
        return submission.answer(body_sent)
    if form.validate_on_submit():
        body = Body(organisation_id=current_user.organisation_id)
        if _save_body(form, body):
            db.session.add(body)
            if not submission.commit(shown_at=lambda: url_for("bodies.detail", body_id=body.id)):
                return submission.answer(body_sent)  # the same form, posted at the same moment, was saved first
            flash(f"L'instance « {body.name} » a été créée.", "success")
            return redirect(url_for("bodies.detail", body_id=body.id))
        db.session.rollback()
    return _render_body_form(form, None)


def _render_body_form(form: BodyForm, body: Body | None):
    """The body form, with the rules its kind starts from (« règles prévues ») beside its own."""
    kind = BodyKind._value2member_map_.get(form.kind.data) or (body.kind if body else BodyKind.CRSA_PLENARY)
    source, preset_rules = preset_summary(kind)
    return render_template("bodies/form.html", form=form, body=body, kind=kind, preset_source=source,
                           preset_rules=preset_rules, kinds=list(BodyKind))


@bp.route("/<int:body_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(body_id: int):
    body = get_body_or_404(body_id)
    form = _body_form(body)
    if form.validate_on_submit() and _save_body(form, body):
        db.session.commit()
        flash(f"L'instance « {body.name} » a été modifiée.", "success")
        return redirect(url_for("bodies.detail", body_id=body.id))
    return _render_body_form(form, body)


def _membership_form(body: Body, membership: Membership | None) -> MembershipForm:
    form = MembershipForm(obj=membership) if membership is not None else NewMembershipForm()
    titulaires = [m for m in titulaires_to_stand_for(body) if membership is None or m.id != membership.id]
    if membership is not None and membership.substitute_for and membership.substitute_for not in titulaires:
        titulaires.append(membership.substitute_for)
    today = paris_today()
    form.substitute_for_id.choices = choices([(0, "— (titulaire) —")] + [
        (m.id, (f"{m.person.formal_name} — {m.title}" if m.title else m.person.formal_name)
         + (f" (à partir du {short_date(m.start_date)})" if m.start_date > today else "")) for m in titulaires
    ])
    if membership is not None:
        del form.person_search, form.person_id, form.new_person  # an existing seat keeps its person
        if not form.is_filled_in():
            form.seat.data = membership.seat.value
            form.substitute_for_id.data = membership.substitute_for_id or 0
    return form


@dataclass
class PeopleOffered:
    """The person picker's radio buttons: the people found by the search typed, the one chosen, and the
    one who already has the e-mail address typed for a new person."""

    searched: str
    matches: list[Person]
    chosen: Person | None = None
    also: list[Person] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        extra = [person for person in [*self.also, self.chosen] if person is not None and person not in self.matches]
        return list(dict.fromkeys(extra)) + self.matches

    @property
    def status(self) -> str:
        """Read out (aria-live) after each search."""
        if not self.searched:
            return ""
        if not self.matches:
            return "Aucune personne enregistrée ne porte ce nom : vérifiez l'orthographe, ou créez-la."
        if len(self.matches) >= MAX_PEOPLE_FOUND:
            return f"Les {MAX_PEOPLE_FOUND} premières personnes trouvées : précisez le nom pour réduire la liste."
        return "1 personne trouvée." if len(self.matches) == 1 else f"{len(self.matches)} personnes trouvées."


def people_offered(typed_search: str | None, chosen_value: str | None) -> PeopleOffered:
    """The people of the user's ARS whose name matches the search, plus the one chosen (when she is one of
    them): never the whole ARS, never another ARS's person."""
    people = visible_people(current_user)
    searched = search_text(typed_search)
    offered = PeopleOffered(searched=searched, matches=find_people(people, searched))
    if chosen_value and re.fullmatch(r"[0-9]{1,10}", chosen_value) and int(chosen_value) <= MAX_ID:
        offered.chosen = db.session.scalar(people.where(Person.id == int(chosen_value)))
    return offered


def _person_for_new_seat(form: MembershipForm, body: Body, offered: PeopleOffered) -> Person | None:
    """The person chosen, or the one to create (not yet in the session); None with a French message."""
    if form.creates_person():
        form.person_id.data = NEW_PERSON
        fields = form.new_person.form
        twin = person_with_email(fields.email.data or "", body.organisation_id) if fields.email.data else None
        if twin is not None:
            fields.email.errors.append(f"{twin.formal_name} est déjà enregistré(e) avec cette adresse : "
                                       "choisissez cette personne ci-dessus plutôt que de la créer une seconde fois.")
            offered.also.append(twin)
            return None
        person = Person(organisation_id=body.organisation_id)
        return person if fill_person(fields, person) else None
    if offered.chosen is None:
        form.person_id.errors.append(
            "Recherchez la personne par son nom et choisissez-la, ou choisissez « créer la personne »."
            if not form.person_id.data else "Cette personne n'est pas enregistrée dans votre ARS.")
    return offered.chosen


def _save_membership(form: MembershipForm, body: Body, membership: Membership, person: Person) -> bool:
    """Check the seat against the body's rules, then copy it onto ``membership``."""
    seat = Seat(form.seat.data)
    substitute_for = db.session.get(Membership, form.substitute_for_id.data) if form.substitute_for_id.data else None
    errors = membership_errors(body=body, person=person, seat=seat, substitute_for=substitute_for,
                               start_date=form.start_date.data, end_date=form.end_date.data,
                               membership_id=membership.id)
    if membership.id is not None and "end_date" not in errors and (
            late_role := roles_end_error(membership, form.end_date.data)) is not None:
        errors["end_date"] = late_role
    for name, message in errors.items():
        getattr(form, name).errors.append(message)
    if errors:
        return False
    membership.person = person
    membership.body = body
    membership.title = form.title.data.strip()
    membership.college = form.college.data.strip()
    membership.seat = seat
    membership.substitute_for = substitute_for if seat is Seat.SUPPLEANT else None
    membership.voting = form.voting.data
    membership.start_date = form.start_date.data
    membership.end_date = form.end_date.data
    end_roles_with_mandate(membership)
    return True


@bp.route("/<int:body_id>/members/new", methods=["GET", "POST"])
@staff_required
def add_membership(body_id: int):
    """One screen: find the person (« Rechercher », or as one types with JavaScript) or create her, and
    seat her. Creating her and seating her is one transaction: an error records neither."""
    body = get_body_or_404(body_id)
    form = _membership_form(body, None)
    if not form.is_filled_in():
        form.start_date.data = paris_today()
    offered = people_offered(form.person_search.data, form.person_id.data)
    searching = request.method == "POST" and "chercher" in request.form  # « Rechercher »: nothing is saved
    url = url_for("bodies.detail", body_id=body.id)
    submission = Submission(form, url)
    if searching and not offered.searched:
        form.person_search.errors = ["Saisissez une partie du nom ou du prénom de la personne."]
    elif not searching and submission.repeated():
        return _membership_already_sent(form, offered, url)
    elif not searching and form.validate_on_submit():
        person = _person_for_new_seat(form, body, offered)
        membership = Membership()
        if person is not None and _save_membership(form, body, membership, person):
            db.session.add(membership)
            created = " (fiche créée)" if form.person_id.data == NEW_PERSON else ""
            added = f"{person.display_name}{created} a été ajouté(e) aux membres."
            try:
                committed = submission.commit()
            except IntegrityError:  # the same seat saved meanwhile by someone else
                db.session.rollback()
                form.start_date.errors.append("Cette personne a déjà un mandat dans cette instance commençant à "
                                              "cette date.")
            else:
                if not committed:  # the same form, posted at the same moment, was saved first
                    return _membership_already_sent(form, offered, url)
                flash(added, "success")
                return redirect(url)
    return render_template("bodies/membership_form.html", form=form, body=body, membership=None, offered=offered)


def _membership_already_sent(form: NewMembershipForm, offered: PeopleOffered, url: str):
    """The answer to the form posted again (a double tap, « Renvoyer »): the body's page, nobody seated (nor
    created) twice. The person is named as chosen among the user's ARS, or as typed."""
    if form.creates_person():
        fields = form.new_person.form
        name = typed_name(fields.civility.data, fields.first_name.data, fields.last_name.data)
    else:
        name = offered.chosen.display_name if offered.chosen is not None else ""
    return answer_repeat(f"{name or 'la personne'} n'a été ajouté(e) aux membres", url)


@bp.route("/<int:body_id>/members/people")
@staff_required
def people_picker(body_id: int):
    """The person picker's results as one types (static/js/person-picker.js): its radio buttons only."""
    get_body_or_404(body_id)
    offered = people_offered(request.args.get("q"), request.args.get("selected"))
    return render_template("bodies/_person_choices.html", offered=offered,
                           selected=request.args.get("selected", ""), errors=[])


@bp.route("/memberships/<int:membership_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_membership(membership_id: int):
    membership = get_membership_or_404(membership_id)
    body = membership.body
    form = _membership_form(body, membership)
    if form.validate_on_submit():
        if _save_membership(form, body, membership, membership.person):
            db.session.commit()
            flash(f"Le mandat de {membership.person.display_name} a été modifié.", "success")
            return redirect(url_for("bodies.detail", body_id=body.id))
        db.session.rollback()
    return render_template("bodies/membership_form.html", form=form, body=body, membership=membership)


def _save_role(form: RoleForm, membership: Membership, role: MembershipRole) -> bool:
    """Check the role against its mandate and the body's other roles, then copy it onto ``role``."""
    kind = RoleKind(form.kind.data)
    errors = role_errors(membership, kind, form.start_date.data, form.end_date.data, role.id)
    for name, message in errors.items():
        getattr(form, name).errors.append(message)
    if errors:
        return False
    role.membership, role.kind = membership, kind
    role.start_date, role.end_date = form.start_date.data, form.end_date.data
    return True


@bp.route("/memberships/<int:membership_id>/roles/new", methods=["GET", "POST"])
@staff_required
def add_role(membership_id: int):
    """Président, vice-président, bureau, rapporteur: a dated role on a membership."""
    membership = get_membership_or_404(membership_id)
    form = NewRoleForm()
    if not form.is_filled_in():
        form.start_date.data = max(paris_today(), membership.start_date)
    submission = Submission(form, url_for("bodies.edit_membership", membership_id=membership.id))
    role_sent = f"le rôle de {membership.person.display_name} n'a été enregistré"
    if submission.repeated():
        return submission.answer(role_sent)
    if form.validate_on_submit():
        role = MembershipRole()
        if _save_role(form, membership, role):
            db.session.add(role)
            if not submission.commit():  # the same form, posted at the same moment, was saved first
                return submission.answer(role_sent)
            flash(f"{membership.person.display_name} : {role.title.lower()} depuis le {short_date(role.start_date)}.",
                  "success")
            return redirect(url_for("bodies.edit_membership", membership_id=membership.id))
        db.session.rollback()
    return render_template("bodies/role_form.html", form=form, membership=membership, body=membership.body,
                           role=None)


@bp.route("/roles/<int:role_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_role(role_id: int):
    """Change a role's dates, or end it (its end date is set, the history stays)."""
    role = get_role_or_404(role_id)
    membership = role.membership
    form = RoleForm(obj=role)
    if not form.is_filled_in():
        form.kind.data = role.kind.value
    if form.validate_on_submit():
        if _save_role(form, membership, role):
            db.session.commit()
            flash(f"Le rôle de {membership.person.display_name} a été modifié.", "success")
            return redirect(url_for("bodies.edit_membership", membership_id=membership.id))
        db.session.rollback()
    return render_template("bodies/role_form.html", form=form, membership=membership, body=membership.body,
                           role=role)


@bp.route("/roles/<int:role_id>/delete", methods=["POST"])
@staff_required
def delete_role(role_id: int):
    """For a role recorded by mistake; a role that ended gets an end date instead."""
    role = get_role_or_404(role_id)
    membership = role.membership
    if FrenchForm().validate_on_submit():  # only the CSRF token
        db.session.delete(role)
        db.session.commit()
        flash(f"Le rôle de {membership.person.display_name} a été supprimé.", "success")
    return redirect(url_for("bodies.edit_membership", membership_id=membership.id))


@bp.route("/memberships/<int:membership_id>/end", methods=["GET", "POST"])
@staff_required
def end_membership(membership_id: int):
    """Ending a seat sets its end date: the membership stays, for the minutes already written."""
    membership = get_membership_or_404(membership_id)
    form = EndMembershipForm(obj=membership)
    if not form.is_filled_in() and form.end_date.data is None:
        form.end_date.data = paris_today()
    if form.validate_on_submit():
        if form.end_date.data < membership.start_date:
            form.end_date.errors.append("La fin du mandat ne peut pas précéder son début.")
        elif (late_role := roles_end_error(membership, form.end_date.data)) is not None:
            form.end_date.errors.append(late_role)
        else:
            membership.end_date = form.end_date.data
            end_roles_with_mandate(membership)
            db.session.commit()
            flash(f"Le mandat de {membership.person.display_name} prend fin le "
                  f"{short_date(membership.end_date)}.", "success")
            return redirect(url_for("bodies.detail", body_id=membership.body_id))
    return render_template("bodies/end_membership.html", form=form, membership=membership, body=membership.body)


@bp.route("/<int:body_id>/members/import", methods=["GET", "POST"])
@staff_required
def import_members_upload(body_id: int):
    body = get_body_or_404(body_id)
    # Refuse early what the form would refuse anyway; up to the limit, the form says why in French.
    request.max_content_length = MAX_IMPORT_BYTES + 64 * 1024
    form = MemberImportForm()
    if form.validate_on_submit():
        try:
            text = decode_upload(form.csv_file.data.read())
        except UnreadableFile as error:
            form.csv_file.errors.append(str(error))
        else:
            return _render_preview(body, text)
    return render_template("bodies/import.html", form=form, body=body, columns=COLUMNS)


def _render_preview(body: Body, text: str):
    preview = read_members_csv(text, body)
    confirm_form = ConfirmImportForm(formdata=None, content=text) if preview.is_valid else None
    return render_template("bodies/import_preview.html", body=body, preview=preview, confirm_form=confirm_form,
                           columns=COLUMNS)


# An import confirmed twice (a double tap, « Renvoyer ») leads to the body's page, its members imported once.
IMPORT_SENT = "les membres du fichier n'ont été importés"


@bp.route("/<int:body_id>/members/import/confirm", methods=["POST"])
@staff_required
def import_members_confirm(body_id: int):
    body = get_body_or_404(body_id)
    # The decoded file comes back as one form field: 1 MB of Windows-1252 is at most 3 MB of UTF-8.
    request.max_form_memory_size = 3 * MAX_IMPORT_BYTES + 64 * 1024
    form = ConfirmImportForm()
    submission = Submission(form, url_for("bodies.detail", body_id=body.id))
    if submission.repeated():
        return submission.answer(IMPORT_SENT)
    if not form.validate():
        flash(" ".join(form.content.errors) or "Le formulaire a expiré : recommencez l'import.", "error")
        return redirect(url_for("bodies.import_members_upload", body_id=body.id))
    preview = read_members_csv(form.content.data, body)
    if not preview.is_valid:  # the members changed since the preview: show why
        return _render_preview(body, form.content.data)
    count = import_members(preview, body)
    if not submission.commit():  # the same form, posted at the same moment, was saved first
        return submission.answer(IMPORT_SENT)
    flash(f"{count} membre(s) importé(s) dans « {body.name} ».", "success")
    return redirect(url_for("bodies.detail", body_id=body.id))

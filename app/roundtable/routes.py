from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.confirmations import confirmation_page, its
from app.concurrency import StaleEditError, check_version
from app.extensions import db
from app.forms import draft_key
from app.fragments import fragment_response, wants_fragment
from app.meetings.defaults import DEFAULT_SECTION_TITLES
from app.models import Meeting, RoundTablePoint, RoundTableSection
from app.permissions import get_editable_meeting_or_404, staff_required
from app.roundtable import bp
from app.roundtable.forms import (
    ActionForm,
    DefaultSectionsForm,
    PointForm,
    NewSectionForm,
    SectionForm,
    apply_point_form,
    point_form,
    shortened,
    speaker_choices,
    theme_choices,
    visible_theme_list,
)
from app.roundtable.outline import flatten_points, move, moved_message, next_position, siblings_of, subtree_ids
from app.roundtable.queries import meeting_people, sections_with_points
from app.submissions import Submission, already_sent
from app.urls import id_url

DIRECTIONS = ("up", "down")
# Whole editor (sections added, moved or deleted) when a change is not about one section's points.
WHOLE_EDITOR = "roundtable-editor"
POINT_REFUSED = "Le point n'est pas enregistré : corrigez les champs signalés."
SECTION_REFUSED = "La section n'est pas enregistrée : corrigez le titre."
POINT_ALREADY_SENT = already_sent("le point n'a été ajouté")
DEFAULTS_ALREADY_SENT = already_sent("les sections par défaut n'ont été ajoutées")
DEFAULTS_PREFIX = "default-sections"


def section_already_sent(form: SectionForm) -> str:
    title = (form.title.data or "").strip()
    return already_sent(f"la section « {title} » n'a été ajoutée" if title else "la section n'a été ajoutée")


def editor_on_get(view):
    """A GET on a form's target goes to the editor: after a session timeout, logging in again sends the
    browser to the ``next`` address with GET, and the editor then restores the unsaved text (drafts.js)."""

    @wraps(view)
    def wrapped(meeting_id: int, **kwargs):
        if request.method == "GET":
            return redirect(url_for("roundtable.edit", meeting_id=meeting_id))
        return view(meeting_id, **kwargs)

    return wrapped


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting (permission checked) with what the editor shows: its sections, their points, speakers and
    themes (``sections_with_points``); not its attendance, agenda or échéances."""
    meeting = get_editable_meeting_or_404(meeting_id)
    set_committed_value(meeting, "sections", sections_with_points(meeting_id))
    return meeting


def find_section(meeting: Meeting, section_id: int) -> RoundTableSection:
    section = next((section for section in meeting.sections if section.id == section_id), None)
    if section is None:
        abort(404)
    return section


def load_section(meeting_id: int, section_id: int) -> RoundTableSection:
    """One section of an editable meeting (permission checked; 404 if it is another meeting's) with its
    points: what adding a point checks and changes, without the rest of the meeting."""
    get_editable_meeting_or_404(meeting_id)
    sections = sections_with_points(meeting_id, section_id)
    if not sections:
        abort(404)
    return sections[0]


def find_point(meeting: Meeting, point_id: int) -> RoundTablePoint:
    point = next((point for section in meeting.sections for point in section.points if point.id == point_id), None)
    if point is None:
        abort(404)
    return point


def editor_url(meeting_id: int, saved: str | None = None, anchor: str | None = None) -> str:
    """The editor; ``saved`` names the form whose draft the browser may now forget."""
    return url_for("roundtable.edit", meeting_id=meeting_id, saved=saved, _anchor=anchor)


class EditorLinks:
    """The links of the editor's sections and points, each URL built once per page and given a section's or a
    point's id (``id_url``): ``url_for`` for each of them cost more than their HTML."""

    def __init__(self, meeting_id: int) -> None:
        def section_url(endpoint: str, **values):
            return id_url(endpoint, "section_id", meeting_id=meeting_id, **values)

        def point_url(endpoint: str, **values):
            return id_url(endpoint, "point_id", meeting_id=meeting_id, **values)

        self.rename_section = section_url("roundtable.rename_section")
        self.move_section_up = section_url("roundtable.move_section", direction="up")
        self.move_section_down = section_url("roundtable.move_section", direction="down")
        self.delete_section = section_url("roundtable.delete_section")
        self.add_point = section_url("roundtable.add_point")
        self.edit_point = point_url("roundtable.edit_point")
        self.move_point_up = point_url("roundtable.move_point", direction="up")
        self.move_point_down = point_url("roundtable.move_point", direction="down")
        self.delete_point = point_url("roundtable.delete_point")


def render_editor(meeting: Meeting, failed_form: PointForm | None = None, failed_section_id: int | None = None,
                  failed_rename: SectionForm | None = None, new_section_form: NewSectionForm | None = None,
                  status: int = 200, stale_message: str | None = None, part: int | str | None = None,
                  message: str | None = None, saved: str | None = None):
    """The editor's page; asked by its script (app/fragments.py), only ``part``: a section (its id) or the
    whole editor (WHOLE_EDITOR), rendered from the same templates, with ``message`` to announce."""
    themes, speakers = theme_choices(visible_theme_list()), speaker_choices(meeting_people(meeting.id))
    forms = {}
    for section in meeting.sections:
        if failed_form is not None and section.id == failed_section_id:
            forms[section.id] = failed_form
        else:
            forms[section.id] = point_form(section, themes, speakers, prefix=f"section-{section.id}", formdata=None)
    rename_forms = {
        section.id: failed_rename if failed_rename is not None and section.id == failed_section_id
        else SectionForm(prefix=f"rename-{section.id}", formdata=None, title=section.title, version=section.version)
        for section in meeting.sections
    }
    action_form = ActionForm()
    context = dict(
        meeting=meeting, point_forms=forms, rename_forms=rename_forms,
        outlines={section.id: flatten_points(section.points) for section in meeting.sections},
        new_section_form=new_section_form or NewSectionForm(prefix="new-section", formdata=None),
        default_sections_form=None if meeting.sections else DefaultSectionsForm(prefix=DEFAULTS_PREFIX, formdata=None),
        action_form=action_form, action_fields=action_form.hidden_tag(),
        draft_key=lambda name: draft_key(meeting.id, name), stale_message=stale_message,
        links=EditorLinks(meeting.id),
    )
    if part is not None and wants_fragment():
        if part == WHOLE_EDITOR:
            html = render_template("roundtable/_editor.html", **context)
        else:
            html = render_template("roundtable/_section.html", section=find_section(meeting, part), **context)
            part = f"section-{part}"
        return fragment_response(html, target=part, message=message, status=status, saved_draft=saved)
    return render_template("roundtable/edit.html", **context), status


def done(meeting_id: int, message: str | None, *, part: int | str, url: str, saved: str | None = None,
         category: str = "success", in_place_only: bool = False):
    """After a change: to the page's script, the changed part read again with ``message``; to a plain form, a
    redirect (with ``message`` flashed, unless ``in_place_only``: a move shows itself where the page lands)."""
    if wants_fragment():
        return render_editor(load_meeting(meeting_id), part=part, message=message, saved=saved)
    if message and not in_place_only:
        flash(message, category)
    return redirect(url)


@bp.route("/meetings/<int:meeting_id>/round-table")
@staff_required
def edit(meeting_id: int):
    return render_editor(load_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/round-table/default-sections", methods=["GET", "POST"])
@staff_required
@editor_on_get
def add_default_sections(meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = DefaultSectionsForm(prefix=DEFAULTS_PREFIX)
    url = editor_url(meeting_id)
    # The same form posted again (a double tap, « Renvoyer »), even at the same moment: nothing added twice.
    submission = Submission(form, url)
    if submission.repeated():
        return done(meeting_id, DEFAULTS_ALREADY_SENT, part=WHOLE_EDITOR, url=url, category="info")
    message, category = None, "success"
    if form.validate_on_submit():
        if meeting.sections:
            message, category = "Cette séance a déjà des sections.", "info"
        else:
            for position, title in enumerate(DEFAULT_SECTION_TITLES, start=1):
                meeting.sections.append(RoundTableSection(position=position, title=title))
            if not submission.commit():  # the same form, posted at the same moment, was saved first
                return done(meeting_id, DEFAULTS_ALREADY_SENT, part=WHOLE_EDITOR, url=url, category="info")
            message = "Sections par défaut ajoutées."
    return done(meeting_id, message, part=WHOLE_EDITOR, url=url, category=category)


@bp.route("/meetings/<int:meeting_id>/round-table/sections", methods=["GET", "POST"])
@staff_required
@editor_on_get
def add_section(meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = NewSectionForm(prefix="new-section")
    saved = draft_key(meeting_id, "new-section")
    url = editor_url(meeting_id, saved=saved)
    # The same form posted again (a double tap, « Renvoyer »): the answer the first post got, nothing added.
    submission = Submission(form, url)
    if submission.repeated():
        return done(meeting_id, section_already_sent(form), part=WHOLE_EDITOR, url=url, saved=saved, category="info")
    if not form.validate_on_submit():
        return render_editor(meeting, new_section_form=form, status=422, part=WHOLE_EDITOR, message=SECTION_REFUSED)
    meeting.sections.append(RoundTableSection(position=next_position(meeting.sections), title=form.title.data.strip()))
    if not submission.commit():  # the same form, posted at the same moment, was saved first
        return done(meeting_id, section_already_sent(form), part=WHOLE_EDITOR, url=url, saved=saved, category="info")
    return done(meeting_id, f"Section « {form.title.data.strip()} » ajoutée.", part=WHOLE_EDITOR, url=url, saved=saved)


@bp.route("/meetings/<int:meeting_id>/round-table/sections/<int:section_id>/rename", methods=["GET", "POST"])
@staff_required
@editor_on_get
def rename_section(meeting_id: int, section_id: int):
    meeting = load_meeting(meeting_id)
    section = find_section(meeting, section_id)
    form = SectionForm(prefix=f"rename-{section.id}")
    if not form.validate_on_submit():
        return render_editor(meeting, failed_rename=form, failed_section_id=section.id, status=422, part=section.id,
                             message=SECTION_REFUSED)
    try:
        check_version(form.version.data, section.version, "cette section")
        section.title = form.title.data.strip()
        commit_or_stale("cette section")
    except StaleEditError as error:
        return refuse_stale_rename(meeting_id, section.id, form, error)
    return done(meeting_id, "Section renommée.", part=section_id,
                url=editor_url(meeting_id, anchor=f"section-{section_id}"))


@bp.route("/meetings/<int:meeting_id>/round-table/sections/<int:section_id>/move/<direction>", methods=["GET", "POST"])
@staff_required
@editor_on_get
def move_section(meeting_id: int, section_id: int, direction: str):
    meeting = load_meeting(meeting_id)
    section = find_section(meeting, section_id)
    if direction not in DIRECTIONS:
        abort(404)
    moved = ActionForm().validate_on_submit() and move(section, meeting.sections, direction)
    if moved:
        db.session.commit()
    return done(meeting_id, moved_message("Section", "e", moved, direction), part=WHOLE_EDITOR,
                url=editor_url(meeting_id, anchor=f"section-{section_id}"), in_place_only=True)


@bp.route("/meetings/<int:meeting_id>/round-table/sections/<int:section_id>/delete", methods=["GET", "POST"])
@staff_required
def delete_section(meeting_id: int, section_id: int):
    """GET: what goes with the section, asked first; POST: it goes, with its points."""
    meeting = load_meeting(meeting_id)
    section = find_section(meeting, section_id)
    form = ActionForm()
    if request.method == "GET":
        points = len(section.points)
        return confirmation_page(
            meeting, heading=f"Supprimer la section « {section.title} »", form=form,
            consequences=[f"La section « {section.title} » et {its(points, 'point')} seront "
                          "supprimés ; le compte rendu et les synthèses ne les reprendront plus."
                          if points else f"La section « {section.title} », vide, sera supprimée."],
            button="Oui, supprimer la section", back=editor_url(meeting_id, anchor=f"section-{section.id}"))
    message = None
    if form.validate_on_submit():
        meeting.sections.remove(section)
        db.session.commit()
        message = f"Section « {section.title} » supprimée, avec ses points."
    return done(meeting_id, message, part=WHOLE_EDITOR, url=editor_url(meeting_id))


@bp.route("/meetings/<int:meeting_id>/round-table/sections/<int:section_id>/points", methods=["GET", "POST"])
@staff_required
@editor_on_get
def add_point(meeting_id: int, section_id: int):
    section = load_section(meeting_id, section_id)
    visible = visible_theme_list()
    form = point_form(section, theme_choices(visible), speaker_choices(meeting_people(meeting_id)),
                      prefix=f"section-{section_id}")
    saved = draft_key(meeting_id, f"section-{section_id}")
    url = editor_url(meeting_id, saved=saved, anchor=f"section-{section_id}")
    # The same form posted again (a double tap, « Renvoyer »): the answer the first post got, nothing added.
    submission = Submission(form, url)
    if submission.repeated():
        return done(meeting_id, POINT_ALREADY_SENT, part=section_id, saved=saved, url=url, category="info")
    valid = form.validate_on_submit()
    if not (form.validate_choices() and valid):
        return render_editor(load_meeting(meeting_id), failed_form=form, failed_section_id=section_id, status=422,
                             part=section_id, message=POINT_REFUSED)
    point = RoundTablePoint()
    apply_point_form(form, point, section, visible)
    if not submission.commit():  # the same form, posted at the same moment, was saved first
        return done(meeting_id, POINT_ALREADY_SENT, part=section_id, saved=saved, url=url, category="info")
    return done(meeting_id, "Point ajouté.", part=section_id, saved=saved, url=url)


def commit_or_stale(what: str) -> None:
    """Commit; a row changed between our check and our UPDATE (version_id_col) is a stale edit too."""
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEditError(what) from error


def refuse_stale_rename(meeting_id: int, section_id: int, form: SectionForm, error: StaleEditError):
    """The editor again, with the current data, the typed title kept and the refusal shown on it."""
    db.session.rollback()
    meeting = load_meeting(meeting_id)
    section = find_section(meeting, section_id)
    form.version.data = str(section.version)
    form.title.errors = [*form.title.errors, error.message]
    return render_editor(meeting, failed_rename=form, failed_section_id=section.id, status=409,
                         stale_message=error.message, part=section.id, message=error.message)


@bp.route("/meetings/<int:meeting_id>/round-table/points/<int:point_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_point(meeting_id: int, point_id: int):
    meeting = load_meeting(meeting_id)
    point = find_point(meeting, point_id)
    section = point.section
    section_id = section.id
    visible = visible_theme_list()
    themes, speakers = theme_choices(visible), speaker_choices(meeting_people(meeting_id, point.speaker_id))
    if request.method == "POST":
        form = point_form(section, themes, speakers, point=point)
    else:
        form = point_form(section, themes, speakers, point=point, data={
            "text": point.text, "parent": point.parent_id, "speaker": point.speaker_id,
            "themes": [theme.id for theme in point.themes], "is_proposal": point.is_proposal,
            "version": point.version,
        })
    valid = form.validate_on_submit()
    stale_message = None
    if request.method == "POST" and form.validate_choices() and valid:
        try:
            check_version(form.version.data, point.version, "ce point")
            apply_point_form(form, point, section, visible)
            commit_or_stale("ce point")
            saved = draft_key(meeting_id, f"point-{point_id}")
            return done(meeting_id, "Point modifié.", part=section_id, saved=saved,
                        url=editor_url(meeting_id, saved=saved, anchor=f"point-{point_id}"))
        except StaleEditError as error:
            stale_message = error.message
            meeting = load_meeting(meeting_id)  # what the other secretary saved
            point = find_point(meeting, point_id)
            # Saving again now overwrites knowingly what is shown as current.
            form.version.data = str(point.version)
    status = 409 if stale_message else 422 if request.method == "POST" else 200
    context = dict(meeting=meeting, section=section, point=point, form=form, stale_message=stale_message,
                   draft=draft_key(meeting_id, f"point-{point.id}"))
    if wants_fragment():
        return fragment_response(render_template("roundtable/_point_edit_form.html", **context),
                                 target=f"edit-point-{point.id}", status=status,
                                 message=stale_message or (POINT_REFUSED if status == 422 else None))
    return render_template("roundtable/edit_point.html", **context), status


@bp.route("/meetings/<int:meeting_id>/round-table/points/<int:point_id>/move/<direction>", methods=["GET", "POST"])
@staff_required
@editor_on_get
def move_point(meeting_id: int, point_id: int, direction: str):
    meeting = load_meeting(meeting_id)
    point = find_point(meeting, point_id)
    if direction not in DIRECTIONS:
        abort(404)
    section_id, url = point.section_id, editor_url(meeting_id, anchor=f"point-{point.id}")
    moved = ActionForm().validate_on_submit() and move(point, siblings_of(point, point.section.points), direction)
    if moved:
        db.session.commit()
    return done(meeting_id, moved_message("Point", "", moved, direction), part=section_id, url=url,
                in_place_only=True)


@bp.route("/meetings/<int:meeting_id>/round-table/points/<int:point_id>/delete", methods=["GET", "POST"])
@staff_required
def delete_point(meeting_id: int, point_id: int):
    """GET: what goes with the point (its sub-points), asked first; POST: they go."""
    meeting = load_meeting(meeting_id)
    point = find_point(meeting, point_id)
    section = point.section
    section_id = section.id
    doomed = subtree_ids(point, section.points)
    form = ActionForm()
    if request.method == "GET":
        below = len(doomed) - 1
        return confirmation_page(
            meeting, heading="Supprimer ce point", form=form,
            consequences=[f"Le point « {shortened(point.text)} » et {its(below, 'sous-point')} "
                          "seront supprimés." if below else f"Le point « {shortened(point.text)} » sera supprimé.",
                          f"Section « {section.title} » : le compte rendu ne le reprendra plus."],
            button="Oui, supprimer le point", back=editor_url(meeting_id, anchor=f"point-{point.id}"))
    message = None
    if form.validate_on_submit():
        for candidate in [candidate for candidate in section.points if candidate.id in doomed]:
            section.points.remove(candidate)
        db.session.commit()
        message = "Point supprimé" + (" avec ses sous-points." if len(doomed) > 1 else ".")
    return done(meeting_id, message, part=section_id, url=editor_url(meeting_id, anchor=f"section-{section_id}"))

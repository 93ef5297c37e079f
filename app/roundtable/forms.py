from flask_login import current_user
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.extensions import db
from app.forms import FrenchForm, MultiCheckboxField, SelectField, choice_values, choices, optional_int
from app.models import RoundTablePoint, RoundTableSection, Theme
from app.models.people import NamedPerson
from app.permissions import visible_themes
from app.roundtable.outline import flatten_points, next_position, subtree_ids
from app.roundtable.widgets import OptionList, OptionListSelect, QuickRendering
from app.submissions import SubmittedOnce


class SectionForm(QuickRendering, FrenchForm):
    title = StringField("Titre de la section", validators=[
        DataRequired("Saisissez le titre de la section."), Length(max=300, message="300 caractères au plus.")])
    # The version shown, checked when renaming (app/concurrency.py).
    version = HiddenField()


class PointForm(QuickRendering, FrenchForm):
    """A point of the round; choices are set by the view from the meeting (validated there too)."""

    text = TextAreaField("Texte du point", validators=[DataRequired("Saisissez le texte du point.")])
    parent = SelectField("Sous-point de", coerce=optional_int, validate_choice=False, widget=OptionListSelect())
    speaker = SelectField("Intervenant(e)", coerce=optional_int, validate_choice=False, widget=OptionListSelect())
    themes = MultiCheckboxField("Thèmes", coerce=int, validate_choice=False)
    is_proposal = BooleanField("C'est une proposition")
    # The version shown, checked when saving an existing point (app/concurrency.py).
    version = HiddenField()

    def validate_choices(self) -> bool:
        """French errors for values outside the offered choices (a stale page or a forged request)."""
        for field, message in (
            (self.parent, "Ce point parent n'existe plus dans cette section : choisissez-en un autre."),
            (self.speaker, "Choisissez l'intervenant(e) parmi les participants de la séance."),
        ):
            if field.data is not None and str(field.data) not in choice_values(field):
                field.errors.append(message)
        allowed_themes = choice_values(self.themes)
        if any(str(theme) not in allowed_themes for theme in self.themes.data or []):
            self.themes.errors.append("Choisissez des thèmes parmi ceux proposés.")
        return not (self.parent.errors or self.speaker.errors or self.themes.errors)


class NewSectionForm(SubmittedOnce, SectionForm):
    """Adding a section: added once, however often the same form is posted (app/submissions.py)."""


class NewPointForm(SubmittedOnce, PointForm):
    """Adding a point: added once, however often the same form is posted (app/submissions.py)."""


class DefaultSectionsForm(SubmittedOnce, QuickRendering, FrenchForm):
    """« Ajouter les sections par défaut »: a form of its own, its token telling a repeated post
    (app/submissions.py); the buttons that move or delete share one ``ActionForm``."""


class ActionForm(QuickRendering, FrenchForm):
    """Empty form: the buttons that move or delete carry only the CSRF token."""


def speaker_choices(people: list[NamedPerson]) -> OptionList:
    """« — », then ``people`` (``queries.meeting_people``) by name: built once per request, shared by every point
    form of the page."""
    ordered = sorted(people, key=lambda person: person.sort_key)
    return OptionList([("", "—")] + [(str(person.id), person.formal_name) for person in ordered])


def visible_theme_list() -> list[Theme]:
    return list(db.session.scalars(visible_themes(current_user)))


def theme_choices(themes: list[Theme]) -> list[tuple[str, str]]:
    return [(str(theme.id), theme.name) for theme in themes]


def shortened(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def point_form(section: RoundTableSection, themes, speakers: OptionList, point: RoundTablePoint | None = None,
               **kwargs) -> PointForm:
    """A point form with the choices of its section; editing a point excludes it and its sub-points as parents.
    Without ``point``, the form adding one, which carries its token (``NewPointForm``)."""
    form = (PointForm if point else NewPointForm)(**kwargs)
    excluded = subtree_ids(point, section.points) if point else set()
    form.parent.choices = OptionList([("", "— (point principal)")] + [
        (str(candidate.id), "— " * depth + shortened(candidate.text))
        for candidate, depth in flatten_points(section.points)
        if candidate.id not in excluded
    ])
    form.speaker.choices = speakers
    form.themes.choices = choices(themes)
    return form


def apply_point_form(form: PointForm, point: RoundTablePoint, section: RoundTableSection,
                     visible: list[Theme]) -> None:
    """Copy a validated form onto ``point``; a point that changes parent goes last among its new siblings;
    its themes are those chosen among ``visible`` (``visible_theme_list``)."""
    chosen = set(form.themes.data or [])
    themes = [theme for theme in visible if theme.id in chosen]
    new_parent_id = form.parent.data
    if point.id is None or new_parent_id != point.parent_id:
        siblings = [candidate for candidate in section.points
                    if candidate.parent_id == new_parent_id and candidate is not point]
        point.position = next_position(siblings)
    point.parent_id = new_parent_id
    point.text = form.text.data.strip()
    point.speaker_id = form.speaker.data
    point.is_proposal = form.is_proposal.data
    point.themes = themes
    if point not in section.points:
        section.points.append(point)

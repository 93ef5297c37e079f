from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import FrenchForm, MultiCheckboxField, choice_values, optional_int


class SectionForm(FrenchForm):
    title = StringField("Titre de la section", validators=[
        DataRequired("Saisissez le titre de la section."), Length(max=300, message="300 caractères au plus.")])
    # The version shown, checked when renaming (app/concurrency.py).
    version = HiddenField()


class PointForm(FrenchForm):
    """A point of the round; choices are set by the view from the meeting (validated there too)."""

    text = TextAreaField("Texte du point", validators=[DataRequired("Saisissez le texte du point.")])
    parent = SelectField("Sous-point de", coerce=optional_int, validate_choice=False)
    speaker = SelectField("Intervenant(e)", coerce=optional_int, validate_choice=False)
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


class ActionForm(FrenchForm):
    """Empty form: the buttons that move or delete carry only the CSRF token."""

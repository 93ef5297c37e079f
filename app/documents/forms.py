from wtforms import BooleanField, DateField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.forms import FrenchForm, choice_values, supported_date


class FrenchDateField(DateField):
    """A date input whose parsing error is French."""

    def process_formdata(self, valuelist):
        if not "".join(valuelist).strip():
            self.data = None  # left empty, or blanks only: InputRequired says so, once
            self.raw_data = []
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Date invalide : saisissez une date au format JJ/MM/AAAA.") from error


class BodiesField(SelectMultipleField):
    """A multiple select whose errors (values not offered) are French."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "SelectMultipleField"  # rendered as a select by the ``field`` macro

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Choix invalide : sélectionnez des instances de la liste.") from error

    def pre_validate(self, form):
        offered = choice_values(self)
        if any(value not in offered for value in self.data or []):
            raise ValidationError("Choix invalide : sélectionnez des instances de la liste.")


class MinutesActionForm(FrenchForm):
    """Empty form: validating or publishing minutes is a POST protected by CSRF."""


class ReopenMinutesForm(FrenchForm):
    confirm = BooleanField(
        "Je confirme rouvrir ce compte rendu : il redevient un projet et le document validé est abandonné.",
        validators=[DataRequired("Cochez la case pour confirmer la réouverture.")],
    )
    reason = TextAreaField("Motif de la réouverture", validators=[Length(max=500, message="500 caractères au plus.")])


class SynthesisForm(FrenchForm):
    bodies = BodiesField(
        "Instances", coerce=int, validators=[DataRequired("Choisissez au moins une instance.")]
    )
    date_from = FrenchDateField("Du", validators=[InputRequired("Indiquez la date de début."), supported_date])
    date_to = FrenchDateField("Au", validators=[InputRequired("Indiquez la date de fin."), supported_date])
    title = StringField("Titre du document", default="Synthèse des travaux", validators=[
        Length(max=300, message="300 caractères au plus.")])
    introduction = TextAreaField("Introduction", validators=[Length(max=10000, message="10 000 caractères au plus.")])
    # Set by the « Produire quand même » button once the points without a theme were shown.
    generate_anyway = BooleanField()

    def validate_date_to(self, field):
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError("La date de fin doit être postérieure ou égale à la date de début.")

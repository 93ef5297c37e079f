from wtforms import DateField, SearchField
from wtforms.validators import Length, Optional, ValidationError

from app.forms import FrenchForm, SelectField, choice_values, optional_int, supported_date

INVALID_DATE = "Date invalide : saisissez une date au format jj/mm/aaaa."


class SearchForm(FrenchForm):
    """Filters of the search page, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    texte = SearchField("Texte (titre, contexte ou points du tour de table)",
                        validators=[Optional(), Length(max=200, message="200 caractères au plus.")])
    instance = SelectField("Instance", coerce=optional_int, validate_choice=False)
    du = DateField("Du", validators=[Optional(), supported_date], invalid_value_message=INVALID_DATE)
    au = DateField("Au", validators=[Optional(), supported_date], invalid_value_message=INVALID_DATE)

    def validate_instance(self, field):
        if field.data is not None and str(field.data) not in choice_values(field):
            raise ValidationError("Choisissez une instance dans la liste.")

    def validate_au(self, field):
        if field.data and self.du.data and field.data < self.du.data:
            raise ValidationError("La date « au » doit être le même jour que la date « du » ou après.")

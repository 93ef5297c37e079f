"""What every form of the app shares: French messages, French number, date and time input, checkboxes."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, SelectMultipleField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.widgets import CheckboxInput, ListWidget

_FRENCH = get_translations(["fr"])


class FrenchForm(FlaskForm):
    """A Flask-WTF form (CSRF) whose built-in messages are in French (« Ce champ est requis. »)."""

    class Meta:
        def get_translations(self, form):
            return _FRENCH


class FrenchFloatField(FloatField):
    """A number typed the French way: « 0,5 » as well as « 0.5 »."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace(",", ".").strip()]
        super().process_formdata(valuelist)


def date_field(label: str, validators=(), **kwargs) -> DateField:
    """A date: the browser's date picker sends AAAA-MM-JJ, a plain text box JJ/MM/AAAA."""
    return DateField(label, validators=list(validators), format=["%Y-%m-%d", "%d/%m/%Y"],
                     invalid_value_message="Date invalide : saisissez-la au format JJ/MM/AAAA.", **kwargs)


def time_field(label: str, validators=(), **kwargs) -> TimeField:
    return TimeField(label, validators=list(validators), format=["%H:%M", "%Hh%M", "%H:%M:%S"],
                     invalid_value_message="Heure invalide : saisissez-la au format HH:MM.", **kwargs)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 wants select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_int(value) -> int | None:
    """Coerce for selects whose first choice « — » means nothing chosen."""
    if value in (None, "", "None"):
        return None
    return int(value)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier with a keyboard than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

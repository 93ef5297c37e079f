"""What every form of the app shares: French messages, French number, date and time input, checkboxes."""
from __future__ import annotations

import re

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, FloatField, IntegerField, SelectMultipleField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.widgets import CheckboxInput, ListWidget

_FRENCH = get_translations(["fr"])

# Control characters nobody types: NUL (refused by PostgreSQL), the other C0 controls but tab and line
# breaks, DEL, and the two non-characters; none of them may appear in XML (.docx) either.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

# Largest id a column holds (a 32-bit integer in PostgreSQL): a bigger number in a form or a URL is no id.
MAX_ID = 2**31 - 1


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def clean_formdata(formdata):
    """The submitted values with control characters removed (files untouched)."""
    if formdata is None or not hasattr(formdata, "lists"):
        return formdata
    return MultiDict([
        (key, without_control_characters(value) if isinstance(value, str) else value)
        for key, values in formdata.lists() for value in values
    ])


class FrenchForm(FlaskForm):
    """A Flask-WTF form (CSRF) whose built-in messages are in French (« Ce champ est requis. »).

    Every submitted value goes through ``clean_formdata`` first: one place that keeps control characters
    (a pasted NUL byte…) out of the database, the documents and the calendars, nested forms included."""

    class Meta:
        def get_translations(self, form):
            return _FRENCH

        def wrap_formdata(self, form, formdata):
            return clean_formdata(super().wrap_formdata(form, formdata))

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then one for every whole number: it must fit a database integer."""
        valid = super().validate(extra_validators)
        for form_field in self:
            if isinstance(form_field, IntegerField) and isinstance(form_field.data, int) \
                    and abs(form_field.data) > MAX_ID:
                form_field.errors.append("Nombre trop grand.")
                valid = False
        return valid


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


def choice_values(field) -> set:
    """The values a select offers (to check a posted value against them)."""
    return {choice.value for choice in field.choices}


def optional_int(value) -> int | None:
    """Coerce for selects whose first choice « — » means nothing chosen."""
    if value in (None, "", "None"):
        return None
    return id_number(value)  # a ValueError makes the select say « choix invalide »


def id_number(value) -> int:
    """An id from a form or a query string; ValueError unless it fits an id column."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError("not an id")
    return number


def page_number() -> int:
    """``?page=`` of a paginated list: 1 when missing or absurd (a huge number overflows the OFFSET)."""
    return request.args.get("page", 1, type=id_number)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier with a keyboard than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

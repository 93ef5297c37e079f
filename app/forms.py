"""What every form of the app shares: French messages, French number, date and time input, checkboxes."""
from __future__ import annotations

import re

from flask import has_request_context, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import (
    Form,
    DateField,
    FieldList,
    FileField,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField as WTFormsSelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import Label
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select

from app.expired_forms import replayed_for
from app.formatting import EARLIEST_DATE, LATEST_DATE, paris_time_exists, short_date

_FRENCH = get_translations(["fr"])

# Control characters nobody types: NUL (refused by PostgreSQL), the other C0 controls but tab and line
# breaks, DEL, and the two non-characters; none of them may appear in XML (.docx) either.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

# Largest id a column holds (a 32-bit integer in PostgreSQL): a bigger number in a form or a URL is no id.
MAX_ID = 2**31 - 1
ASCII_NUMBER = re.compile(r"[0-9]{1,10}")


def draft_key(meeting_id: int, form_name: str) -> str:
    """Key under which the browser keeps what is typed in a form of a meeting until it is saved (drafts.js;
    the page saved redirects with ``?saved=<key>``). From the meeting's id, not its object: after a commit,
    reading ``meeting.id`` would load the meeting again."""
    return f"meeting-{meeting_id}-{form_name}"


def id_from_text(text: str) -> int | None:
    """The id ``text`` spells in ASCII digits, from 1 to ``MAX_ID``; else None (« ² » or « ١ » are digits to
    ``str.isdigit`` but not to ``int``)."""
    return int(text) if ASCII_NUMBER.fullmatch(text) and 0 < int(text) <= MAX_ID else None


# Line breaks other than \r and \n: NEL (U+0085) and the Unicode line and paragraph separators, which
# Python's splitlines(), e-mail headers and calendars read as line breaks too.
UNICODE_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
# Every kind of line break, for values that are one line (a title, a name, an e-mail subject).
LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]+")


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def clean_text(text: str) -> str:
    """A submitted value as stored: no control characters, and every line break a plain \n or \r\n."""
    return UNICODE_LINE_BREAKS.sub("\n", without_control_characters(text))


def one_line(text: str) -> str:
    """A value shown on one line: its line breaks, of any kind (Excel's Alt+Enter in a CSV cell, U+2028
    pasted from a word processor), become spaces."""
    return LINE_BREAKS.sub(" ", text)


def clean_formdata(formdata, file_fields=frozenset()):
    """The submitted values with control characters removed and line breaks unified; files are kept for
    the ``file_fields`` only (a file posted in a text field is no value: the field is missing)."""
    if formdata is None or not hasattr(formdata, "lists"):
        return formdata
    return MultiDict([
        (key, clean_text(value) if isinstance(value, str) else value)
        for key, values in formdata.lists() for value in values
        if isinstance(value, str) or key in file_fields
    ])


def file_field_names(form) -> set[str]:
    """The names of the form's file fields (none is nested: its nested forms are not built yet)."""
    return {form_field.name for form_field in form if isinstance(form_field, FileField)}


# Text fields whose value may span lines (a text area, a file sent back hidden) or is kept as typed.
MULTILINE_OR_UNTOUCHED = (TextAreaField, HiddenField, PasswordField)


def single_line_fields(fields):
    """The one-line text fields among ``fields``, nested forms and lists of rows included."""
    for form_field in fields:
        if isinstance(form_field, FormField):
            yield from single_line_fields(form_field.form)
        elif isinstance(form_field, FieldList):
            yield from single_line_fields(form_field.entries)
        elif isinstance(form_field, StringField) and not isinstance(form_field, MULTILINE_OR_UNTOUCHED):
            yield form_field


class FrenchForm(FlaskForm):
    """A Flask-WTF form (CSRF) whose built-in messages are in French (« Ce champ est requis. »).

    Every submitted value goes through ``clean_formdata`` first: one place that keeps control characters
    (a pasted NUL byte…) out of the database, the documents and the calendars, nested forms included.
    One-line fields (a title, a name, a place: not text areas) are made one line."""

    class Meta:
        def get_translations(self, form):
            return _FRENCH

        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and has_request_context():
                replayed = replayed_for(form)
                if replayed is not None:  # a page shown again with what a refused post held
                    return clean_formdata(replayed)
            return clean_formdata(super().wrap_formdata(form, formdata), file_field_names(form))

    def is_filled_in(self) -> bool:
        """Whether the form holds what was posted: submitted now, or a refused post shown again (its CSRF
        token or session expired). A page's defaults are for an empty form only, never over what was typed; the
        other forms of a page shown again keep them (``replayed_for``)."""
        return self.is_submitted() or (has_request_context() and replayed_for(self) is not None)

    def process(self, *args, **kwargs) -> None:
        super().process(*args, **kwargs)
        for form_field in single_line_fields(self):
            if isinstance(form_field.data, str):
                form_field.data = one_line(form_field.data)

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then one for every whole number: it must fit a database integer."""
        valid = super().validate(extra_validators)
        for form_field in self:
            if isinstance(form_field, IntegerField) and isinstance(form_field.data, int) \
                    and abs(form_field.data) > MAX_ID:
                form_field.errors.append("Nombre trop grand.")
                valid = False
        return valid


class FrenchFields(Form):
    """Fields nested in a ``FrenchForm`` (``FormField``): its French messages, no CSRF token of their own."""

    class Meta:
        def get_translations(self, form):
            return _FRENCH


class FrenchFloatField(FloatField):
    """A number typed the French way: « 0,5 » as well as « 0.5 »."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace(",", ".").strip()]
        super().process_formdata(valuelist)


DATE_OUT_OF_RANGE = (f"Date hors des limites : saisissez une date entre le {short_date(EARLIEST_DATE)} et le "
                     f"{short_date(LATEST_DATE)}.")


def supported_date(form, field) -> None:
    """A date Séances can record and put in calendars (not year 1 nor 9999)."""
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(DATE_OUT_OF_RANGE)


def date_field(label: str, validators=(), then=(), **kwargs) -> DateField:
    """A date: the browser's date picker sends AAAA-MM-JJ, a plain text box JJ/MM/AAAA; ``then``: the checks
    of a date Séances can record (run after the range check)."""
    return DateField(label, validators=[*validators, supported_date, *then], format=["%Y-%m-%d", "%d/%m/%Y"],
                     invalid_value_message="Date invalide : saisissez-la au format JJ/MM/AAAA.", **kwargs)


def missing_paris_time_message(day, moment) -> str:
    return (f"{moment:%H:%M} n'existe pas le {short_date(day)} à Paris (passage à l'heure d'été) : "
            "choisissez une autre heure.")


def paris_time_on(day_field_name: str):
    """Validator of a time field: the time must exist on the day of ``day_field_name`` in Paris."""

    def check(form, field) -> None:
        day = getattr(form, day_field_name).data
        if day is not None and field.data is not None and EARLIEST_DATE <= day <= LATEST_DATE \
                and not paris_time_exists(day, field.data.hour, field.data.minute):
            raise ValidationError(missing_paris_time_message(day, field.data))

    return check


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


class QuickSelect(Select):
    """WTForms' select, its plain options (a text value, no attributes of their own) written in one f-string
    instead of through ``html_params``: the same HTML, several times faster for a long list (the speakers
    offered in every section of the round-table editor)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class SelectField(WTFormsSelectField):
    """WTForms' select field, written by ``QuickSelect``: every select of the app (the search's list of
    bodies on every search page: 0.53 → 0.17 ms for 26 options)."""

    widget = QuickSelect()


class QuickCheckboxInput(CheckboxInput):
    """WTForms' checkbox, written in one f-string when it has no attribute of its own: the same HTML as
    through ``html_params`` (attributes in alphabetical order), several times faster (the themes offered
    in every section of the round-table editor)."""

    def __call__(self, field, **kwargs):
        value = field._value()
        if kwargs or not isinstance(value, str) or any(getattr(field.flags, name, False)
                                                       for name in self.validation_attrs):
            return super().__call__(field, **kwargs)
        checked = "checked " if getattr(field, "checked", field.data) else ""
        return Markup(f'<input {checked}id="{escape(field.id)}" name="{escape(field.name)}" type="checkbox" '
                      f'value="{escape(value)}">')


class QuickLabel(Label):
    """WTForms' label, written in one f-string when given only a CSS class (same HTML)."""

    def __call__(self, text=None, **kwargs):
        css = kwargs.get("class")
        if text is not None or kwargs.keys() - {"class"} or not isinstance(css, (str, type(None))):
            return super().__call__(text, **kwargs)
        attributes = f'class="{escape(css)}" ' if css is not None else ""
        return Markup(f'<label {attributes}for="{escape(self.field_id)}">{escape(self.text)}</label>')


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier with a keyboard than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = QuickCheckboxInput()

    def __iter__(self):
        for option in super().__iter__():
            option.label = QuickLabel(option.label.field_id, option.label.text)
            yield option

"""How the editor's forms write their fields: the same HTML as WTForms' widgets, with fewer Python calls.

The editor shows, in every section, a form adding a point (text, parent, speaker, themes, proposal) and one
renaming the section: some thirty fields per page, and the speakers' select in each. WTForms writes each
attribute with ``Markup.format`` (``html_params``) and each option through several objects; here the
attributes are joined in one expression (``attributes``) and a select's options are written once
(``OptionList``), however many forms offer them. ``QuickRendering`` gives a form these widgets."""
from __future__ import annotations

from functools import cached_property

from markupsafe import Markup, escape
from wtforms.widgets import CheckboxInput, HiddenInput, TextArea, TextInput
from wtforms.widgets.core import clean_key

from app.forms import QuickLabel, QuickSelect, choices, optional_int


def attributes(**kwargs) -> Markup:
    """WTForms' ``html_params``, the same output: attributes by name, ``data_``/``aria_`` names with hyphens,
    ``True`` written alone, ``False`` left out, names and values escaped."""
    return Markup(" ".join(attribute(name, value) for name, value in sorted(kwargs.items()) if value is not False))


def attribute(name: str, value) -> str:
    name = escape(clean_key(name))
    if value is True:
        return name
    # ``escape`` leaves a value already ``Markup`` as it is: its quotes are escaped here, as html_params does.
    value = str(escape(value)).replace('"', "&quot;")
    return f'{name}="{value}"'


def field_attributes(widget, field, kwargs: dict) -> Markup:
    """The attributes WTForms' ``TextArea`` and ``Select`` write for ``field``: its name, its id unless given, and the
    validation attributes of its flags (``required``, ``maxlength``…) the widget knows and ``kwargs`` lacks."""
    kwargs.setdefault("id", field.id)
    flags = getattr(field, "flags", {})
    for name in dir(flags):
        if name in widget.validation_attrs and name not in kwargs:
            kwargs[name] = getattr(flags, name)
    return attributes(name=field.name, **kwargs)


# WTForms' inputs, their attributes written by ``attributes`` (``Input.html_params`` is there to be replaced).
class QuickTextInput(TextInput):
    html_params = staticmethod(attributes)


class QuickHiddenInput(HiddenInput):
    html_params = staticmethod(attributes)


class QuickBooleanInput(CheckboxInput):
    """A BooleanField's checkbox (the choices of a MultiCheckboxField have app/forms.py's QuickCheckboxInput)."""

    html_params = staticmethod(attributes)


class QuickTextArea(TextArea):
    """WTForms' ``TextArea`` (3.3), its attributes written by ``attributes``."""

    def __call__(self, field, **kwargs):
        return Markup(f"<textarea {field_attributes(self, field, kwargs)}>\r\n{escape(field._value())}</textarea>")


class OptionList(list):
    """The choices of a select whose first choice « — » means nothing chosen (``optional_int``), as WTForms
    wants them (``SelectChoice``), with their ``<option>`` markup written once: the speakers offered by every
    point form of the editor are written once per request, each select marking its own selected option
    (``OptionListSelect``)."""

    coerce = staticmethod(optional_int)

    def __init__(self, pairs) -> None:
        super().__init__(choices(pairs))

    # Written when first shown, not for a form only validated (a point saved).
    @cached_property
    def values(self) -> list:
        """Each choice's value as the field holds it, compared with its data as WTForms' SelectField does."""
        return [self.coerce(choice.value) for choice in self]

    @cached_property
    def markup(self) -> list[str]:
        """Each option unselected, as QuickSelect writes it."""
        return [f'<option value="{escape(choice.value)}">{escape(choice.label or choice.value)}</option>'
                for choice in self]

    def options(self, data) -> str:
        """The options, those whose value is ``data`` selected."""
        markup = self.markup
        chosen = [index for index, value in enumerate(self.values) if value == data]
        if chosen:
            markup = list(markup)
            for index in chosen:
                markup[index] = markup[index].replace("<option ", "<option selected ", 1)
        return "".join(markup)


class OptionListSelect(QuickSelect):
    """QuickSelect (WTForms' ``Select``), its options taken already written from an ``OptionList``."""

    def __call__(self, field, **kwargs):
        options = field.choices
        if self.multiple or not isinstance(options, OptionList) or field.coerce is not options.coerce:
            return super().__call__(field, **kwargs)
        return Markup(f"<select {field_attributes(self, field, kwargs)}>{options.options(field.data)}</select>")


# WTForms' widgets and those writing the same HTML faster.
QUICK_WIDGETS = {
    TextInput: QuickTextInput(),
    HiddenInput: QuickHiddenInput(),
    CheckboxInput: QuickBooleanInput(),
    TextArea: QuickTextArea(),
}


class QuickRendering:
    """Mixed into a form: its fields' labels (``QuickLabel``) and widgets (``QUICK_WIDGETS``, the CSRF token's
    included) write the same HTML as WTForms', faster; a widget of another kind is kept."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self:
            form_field.label = QuickLabel(form_field.label.field_id, form_field.label.text)
            form_field.widget = QUICK_WIDGETS.get(type(form_field.widget), form_field.widget)

"""The quick widgets write exactly the HTML of WTForms' own (they only skip ``html_params``)."""
from __future__ import annotations

from wtforms import Form, SelectField
from wtforms.fields import Label
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, Select

from app.forms import MultiCheckboxField, QuickCheckboxInput, QuickLabel, QuickSelect, choices

TRICKY = [("", "—"), ("1", "Mme DUPONT Anne"), ("2", "M. « O'Brien » & <Fils>"), ('3"', "")]


class Picks(Form):
    one = SelectField("Un", choices=choices(TRICKY), validate_choice=False)
    many = MultiCheckboxField("Plusieurs", choices=choices(TRICKY))
    required = MultiCheckboxField("Obligatoire", choices=choices(TRICKY), validators=[DataRequired()])


def test_the_quick_select_writes_what_wtforms_writes():
    for chosen in ("", "2", '3"', "absent"):
        field = Picks(data={"one": chosen}).one
        assert QuickSelect()(field) == Select()(field)
        assert QuickSelect()(field, class_="fr-select") == Select()(field, class_="fr-select")


def test_the_quick_checkboxes_and_labels_write_what_wtforms_writes():
    for data in ([], ["1", "2"], ['3"']):
        form = Picks(data={"many": data, "required": data})
        for option in [*form.many, *form.required]:
            assert QuickCheckboxInput()(option) == CheckboxInput()(option)
            assert QuickCheckboxInput()(option, disabled=True) == CheckboxInput()(option, disabled=True)
            plain = Label(option.label.field_id, option.label.text)
            assert isinstance(option.label, QuickLabel)
            for kwargs in ({}, {"class": "fr-label"}, {"class": 'a"b'}, {"for_": "ailleurs"}):
                assert option.label(**kwargs) == plain(**kwargs)
            assert option.label("Autre texte") == plain("Autre texte")
    assert 'checked id="many-1"' in str(Picks(data={"many": ["1"]}).many)


def test_every_select_of_the_app_is_written_by_the_quick_select():
    """The app's own ``SelectField`` (the search's bodies, every form's lists): WTForms' HTML, by
    ``QuickSelect``, with a coerced value selected as WTForms selects it."""
    from app.agenda.forms import SearchForm
    from app.forms import SelectField as AppSelectField, optional_int

    class Filter(Form):
        instance = AppSelectField("Instance", coerce=optional_int, choices=choices(TRICKY[:3]), validate_choice=False)

    for chosen in (None, 1, 2):
        field = Filter(data={"instance": chosen}).instance
        assert isinstance(field.widget, QuickSelect)
        assert field(class_="fr-select") == Select()(field, class_="fr-select")
        assert ('<option selected value="1">' in field()) is (chosen == 1)
    assert isinstance(SearchForm.instance.field_class.widget, QuickSelect)

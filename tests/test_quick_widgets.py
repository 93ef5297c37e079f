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

"""The round-table editor's quick widgets (app/roundtable/widgets.py) write exactly what WTForms writes, and each
select of the page marks its own choice though they share their options' markup."""
from __future__ import annotations

import re

import pytest
from markupsafe import Markup
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import Select, html_params

from app.forms import FrenchForm, optional_int
from app.roundtable.widgets import OptionList, OptionListSelect, QuickRendering, attributes
from tests.html_forms import form_values
from tests.meeting_factories import add_member, make_body, make_meeting

HOSTILE = '"><script>alert(\'x\')</script> & « é » &amp;'


@pytest.mark.parametrize("kwargs", [
    {},
    {"name": "section-1-text", "id": "section-1-text", "class": "fr-input", "aria-describedby": False,
     "aria-invalid": False, "required": True},
    {"class": "fr-input fr-input--error", "aria-describedby": "x-aide x-erreurs", "aria-invalid": "true"},
    {"value": HOSTILE, "data_draft_key": "a_b", "aria_label": "c", "class_": "d", "for_": "e"},
    {"value": Markup('déjà "échappé" <b>'), "title": Markup("&amp;"), "maxlength": 300, "n": 0, "x": None,
     "checked": True, "disabled": False},
])
def test_attributes_are_those_of_html_params(kwargs):
    assert attributes(**kwargs) == html_params(**kwargs)
    assert isinstance(attributes(**kwargs), Markup)


class PlainFields(FrenchForm):
    title = StringField("Titre « <b> »", validators=[DataRequired(), Length(max=30)])
    text = TextAreaField("Texte & <i>", validators=[DataRequired()])
    flag = BooleanField("Case")
    version = HiddenField()


class QuickFields(QuickRendering, PlainFields):
    pass


FIELD_KWARGS = [
    {},
    {"class": "fr-input", "aria-describedby": False, "aria-invalid": False},
    {"class": "fr-input fr-input--error", "aria-describedby": "title-erreurs", "aria-invalid": "true"},
    {"rows": 4, "placeholder": HOSTILE},
]


@pytest.mark.parametrize("data", [
    {},
    {"title": HOSTILE, "text": "ligne 1\r\n</textarea><b>ligne 2</b>", "flag": True, "version": HOSTILE},
])
def test_quick_fields_write_what_wtforms_writes(app, data):
    with app.test_request_context():
        meta = {"csrf": True}  # the CSRF token's field too (the tests' app may leave it out)
        plain = PlainFields(formdata=None, data=data, meta=meta)
        quick = QuickFields(formdata=None, data=data, meta=meta)
        assert quick.hidden_tag() == plain.hidden_tag()
        assert 'name="csrf_token"' in quick.hidden_tag()
        for name in ("title", "text", "flag", "version"):
            for kwargs in FIELD_KWARGS:
                assert quick[name](**kwargs) == plain[name](**kwargs), (name, kwargs)
            assert quick[name].label(class_="fr-label") == plain[name].label(class_="fr-label")
            assert quick[name].label(**{"class": "fr-label"}) == plain[name].label(**{"class": "fr-label"})
            assert quick[name].label() == plain[name].label()
            assert quick[name].label("Autre <texte>", id="x") == plain[name].label("Autre <texte>", id="x")


class Selects(FrenchForm):
    plain = SelectField(coerce=optional_int, validate_choice=False, widget=Select())
    listed = SelectField(coerce=optional_int, validate_choice=False, widget=OptionListSelect())


SPEAKERS = [("", "—"), ("12", "Mme MARTIN Anne"), ("7", HOSTILE), ("31", ""), ("7", "Deux fois le même")]


@pytest.mark.parametrize("data", [None, 12, 7, 31, 99])
@pytest.mark.parametrize("kwargs", FIELD_KWARGS[:3])
def test_an_option_list_writes_the_options_of_wtforms(app, data, kwargs):
    with app.test_request_context():
        form = Selects(formdata=None, data={"plain": data, "listed": data})
        form.plain.choices = OptionList(SPEAKERS)[:]  # a plain list: WTForms' own rendering
        form.listed.choices = shared = OptionList(SPEAKERS)
        written = str(form.listed(**kwargs))
        assert written == str(form.plain(**kwargs)).replace('name="plain"', 'name="listed"').replace(
            'id="plain"', 'id="listed"')
        assert written.count("<option selected ") == {None: 1, 12: 1, 7: 2, 31: 1, 99: 0}[data]
        assert "<script>" not in written and "&lt;script&gt;" in written
        assert "<option selected " not in "".join(shared.markup), "the shared options stay unselected"


def speaker_select(html: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', html, re.S).group(0)


def test_each_select_of_the_editor_marks_its_own_speaker(secretariat_client, app_context):
    body = make_body("Commission des sélections")
    martin = add_member(body, "Martin").person
    hostile = add_member(body, '<b onclick="x">Zoé & Cie</b>', first_name="Léa").person
    meeting = make_meeting(body)
    editor = f"/meetings/{meeting.id}/round-table"
    assert secretariat_client.post(f"{editor}/default-sections").status_code == 302
    page = secretariat_client.get(editor).text
    section_ids = re.findall(r'<section id="section-(\d+)"', page)
    first, second = section_ids[:2]
    for speaker, section_id, text in ((martin, first, "Point de Martin"), (hostile, second, "Point de Léa")):
        response = secretariat_client.post(f"{editor}/sections/{section_id}/points", data={
            f"section-{section_id}-text": text, f"section-{section_id}-speaker": str(speaker.id)})
        assert response.status_code == 302

    page = secretariat_client.get(editor).text
    hostile_option = (f'<option value="{hostile.id}">'
                      'Mme &lt;B ONCLICK=&#34;X&#34;&gt;ZOÉ &amp; CIE&lt;/B&gt; Léa</option>')
    assert page.count(hostile_option) == len(section_ids) and "<b onclick" not in page.lower()
    values = form_values(page)
    assert all(values[f"section-{section_id}-speaker"] == "" for section_id in section_ids)
    point_ids = re.findall(r'<li id="point-(\d+)"', page)
    for point_id, speaker in zip(point_ids, (martin, hostile)):
        edit_page = secretariat_client.get(f"{editor}/points/{point_id}/edit").text
        select = speaker_select(edit_page, "speaker")
        assert select.count("<option selected ") == 1
        assert f'<option selected value="{speaker.id}">' in select

    # A refused point: its section's select shows the speaker chosen, the others none.
    response = secretariat_client.post(f"{editor}/sections/{second}/points", data={
        f"section-{second}-text": "  ", f"section-{second}-speaker": str(hostile.id)})
    assert response.status_code == 422 and "Saisissez le texte du point." in response.text
    values = form_values(response.text)
    assert values[f"section-{second}-speaker"] == str(hostile.id)
    assert all(values[f"section-{section_id}-speaker"] == "" for section_id in section_ids if section_id != second)
    options = {section_id: speaker_select(response.text, f"section-{section_id}-speaker") for section_id in section_ids}
    assert options[first].replace(f"section-{first}", "") == options[section_ids[2]].replace(
        f"section-{section_ids[2]}", ""), "the same options in every section"

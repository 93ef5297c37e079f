from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.forms import FrenchFields, FrenchForm, SelectField, choices
from app.models import Civility
from app.submissions import SubmittedOnce


class PersonFields(FrenchFields):
    """A person's fields: her own page, and « créer la personne » within the membership form."""

    civility = SelectField("Civilité", choices=choices(Civility.choices()))
    first_name = StringField("Prénom", validators=[Length(max=100)])
    last_name = StringField("Nom", validators=[DataRequired("Saisissez le nom."), Length(max=100)])
    email = EmailField("Adresse électronique", validators=[
        Optional(), Email("Adresse électronique invalide."), Length(max=254)])
    affiliation = StringField("Structure", validators=[Length(max=200)])


class PersonForm(FrenchForm, PersonFields):
    pass


class NewPersonForm(SubmittedOnce, PersonForm):
    """A new person: created once, however often the same form is posted (app/submissions.py)."""

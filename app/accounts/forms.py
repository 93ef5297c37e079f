from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from app.forms import FrenchForm, SelectField, optional_int
from app.submissions import SubmittedOnce


class AccountForm(SubmittedOnce, FrenchForm):
    """A new account; the view offers the roles, organisations and people the admin may choose. Posted twice (a
    double tap, « Renvoyer »), it creates one account and sends one e-mail (``app/submissions.py``)."""

    email = EmailField("Adresse électronique", validators=[
        DataRequired("Saisissez l'adresse électronique."), Email("Adresse électronique invalide."), Length(max=254)])
    role = SelectField("Rôle")
    organisation_id = SelectField("Organisation (ARS)", coerce=optional_int)
    person_id = SelectField("Personne liée (membres : les instances où elle siège)", coerce=optional_int)


class ConfirmForm(FrenchForm):
    """Empty form: deactivating or reactivating is a POST carrying the CSRF token."""

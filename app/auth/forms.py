from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from app.forms import FrenchForm


class LoginForm(FrenchForm):
    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("Saisissez votre adresse électronique."), Email("Adresse électronique invalide."),
                    Length(max=254)],
    )
    password = PasswordField("Mot de passe", validators=[DataRequired("Saisissez votre mot de passe."),
                                                          Length(max=200)])
    remember = BooleanField("Rester connecté(e)")


class LogoutForm(FrenchForm):
    """Empty form: logging out is a POST protected by CSRF."""

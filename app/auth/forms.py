from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("Saisissez votre adresse électronique."), Email("Adresse électronique invalide."),
                    Length(max=254)],
    )
    password = PasswordField("Mot de passe", validators=[DataRequired("Saisissez votre mot de passe."),
                                                          Length(max=200)])
    remember = BooleanField("Rester connecté(e)")


class LogoutForm(FlaskForm):
    """Empty form: logging out is a POST protected by CSRF."""

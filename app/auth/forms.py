from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from app.auth.passwords import password_problems
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


class NewPasswordForm(FrenchForm):
    """A new password typed twice; the view sets ``account_email`` (a password may not be the e-mail)."""

    account_email: str | None = None
    new_password = PasswordField("Nouveau mot de passe", description=(
        "Au moins 12 caractères, pas seulement des lettres (une phrase avec des espaces convient)."),
        validators=[DataRequired("Saisissez le nouveau mot de passe."), Length(max=200)])
    confirmation = PasswordField("Confirmez le nouveau mot de passe", validators=[
        DataRequired("Saisissez à nouveau le nouveau mot de passe."),
        EqualTo("new_password", "Les deux mots de passe ne sont pas identiques.")])

    def validate_new_password(self, field) -> None:
        problems = password_problems(field.data or "", self.account_email)
        if problems:
            raise ValidationError(" ".join(problems))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Mot de passe actuel", validators=[
        DataRequired("Saisissez votre mot de passe actuel."), Length(max=200)])


class ForgotPasswordForm(FrenchForm):
    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired("Saisissez votre adresse électronique."), Email("Adresse électronique invalide."),
                    Length(max=254)],
    )

"""Forms of the calendar area."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from app.models import InvitationResponse


def _int_or_zero(value) -> int:
    """A person id from the form; anything else is « nobody chosen »."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class AnswerForm(FlaskForm):
    """The answer to a convocation, reached from an e-mail link without logging in."""

    response = RadioField("Votre réponse", validators=[InputRequired("Choisissez une réponse.")],
                          validate_choice=False)
    proxy_holder = SelectField("Je donne pouvoir à", coerce=_int_or_zero, default=0, validate_choice=False)
    submit = SubmitField("Enregistrer ma réponse")

    def validate_response(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choisissez une des réponses proposées.")

    def validate_proxy_holder(self, field):
        if self.response.data == InvitationResponse.PROXY.value:
            if not field.data or field.data not in {value for value, _ in field.choices if value}:
                raise ValidationError("Choisissez le membre qui recevra votre pouvoir.")


class ConfirmForm(FlaskForm):
    """A button whose only content is its CSRF token (send, regenerate)."""

    submit = SubmitField("Confirmer")

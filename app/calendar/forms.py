"""Forms of the calendar area."""
from __future__ import annotations

from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from app.calendar.answers import ANSWER_LABELS, AnswerOptions
from app.forms import FrenchForm, SelectField, choice_values, choices
from app.models import Invitation, InvitationResponse, Person


def _int_or_zero(value) -> int:
    """A person id from the form; anything else is « nobody chosen »."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class AnswerForm(FrenchForm):
    """The answer to a convocation, reached from an e-mail link without logging in."""

    response = RadioField("Votre réponse", validators=[InputRequired("Choisissez une réponse.")],
                          validate_choice=False)
    proxy_holder = SelectField("Je donne pouvoir à", coerce=_int_or_zero, default=0, validate_choice=False)
    submit = SubmitField("Enregistrer ma réponse")

    def __init__(self, invitation: Invitation, options: AnswerOptions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.options = options
        self.candidates = {person.id: person for person in options.proxy_candidates}
        self.response.choices = choices((response.value, ANSWER_LABELS[response]) for response in options.responses)
        self.proxy_holder.choices = choices([(0, "— Choisir un membre —")] + [
            (person.id, person.formal_name) for person in options.proxy_candidates
        ])

    @property
    def chosen_response(self) -> InvitationResponse:
        return InvitationResponse(self.response.data)

    @property
    def chosen_holder(self) -> Person | None:
        if self.chosen_response is not InvitationResponse.PROXY:
            return None
        return self.candidates[self.proxy_holder.data]

    def validate_response(self, field):
        if field.data in choice_values(field):
            return
        if field.data == InvitationResponse.PROXY.value:
            raise ValidationError(self.options.proxy_refusal)
        if field.data == InvitationResponse.SUBSTITUTE.value:
            raise ValidationError("Choisissez une des réponses proposées. Seul un membre titulaire qui a un "
                                  "suppléant peut se faire remplacer par lui.")
        raise ValidationError("Choisissez une des réponses proposées.")

    def validate_proxy_holder(self, field):
        if self.response.data != InvitationResponse.PROXY.value or self.response.errors:
            return
        if field.data not in self.candidates:
            raise ValidationError(self.options.holder_refusal(field.data))


class ConfirmForm(FrenchForm):
    """A button whose only content is its CSRF token (send, regenerate)."""

    submit = SubmitField("Confirmer")


class SendingForm(FrenchForm):
    """« Envoyer les convocations »; when the body's convocation delay is no longer met, the
    secretariat confirms with the reason of urgency, which is recorded and shown."""

    urgency = TextAreaField("Motif d'urgence", validators=[Length(max=1000, message="1 000 caractères au plus.")])
    submit = SubmitField("Envoyer")

    def __init__(self, late: bool, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.late = late

    def validate_urgency(self, field):
        if self.late and not (field.data or "").strip():
            raise ValidationError("Indiquez le motif d'urgence : la séance a lieu dans moins de jours que le "
                                  "délai de convocation de l'instance.")

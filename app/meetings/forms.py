"""Forms of the scheduling pages: a meeting, a series, the convened list, cancelling."""
from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, URL, ValidationError

from app.forms import FrenchForm, choices, date_field, time_field
from app.meetings.scheduling import parse_occurrences
from app.models import Capacity


def check_ends_after_start(form, field) -> None:
    """Shared by every form with ``starts`` and ``ends`` times on one day."""
    if form.starts.data and field.data and field.data <= form.starts.data:
        raise ValidationError("L'heure de fin doit être après l'heure de début.")


class MeetingDetailsForm(FrenchForm):
    title = StringField("Intitulé", validators=[DataRequired("Saisissez l'intitulé de la séance."), Length(max=300)])
    place = StringField("Lieu", validators=[Length(max=300)])
    visio_url = URLField("Lien de visioconférence", validators=[
        Optional(), URL(message="Saisissez une adresse complète, commençant par https://."), Length(max=500)])
    agenda = TextAreaField("Ordre du jour", validators=[Length(max=20000)])
    context = TextAreaField("Contexte", validators=[Length(max=50000)])
    working_method = TextAreaField("Méthode de travail", validators=[Length(max=50000)])


class MeetingForm(MeetingDetailsForm):
    day = date_field("Date", [InputRequired("Saisissez la date de la séance.")])
    starts = time_field("Heure de début", [InputRequired("Saisissez l'heure de début.")])
    ends = time_field("Heure de fin", [InputRequired("Saisissez l'heure de fin."), check_ends_after_start])
    # The version read when the form was shown: saving over someone else's change is refused.
    version = HiddenField()


class SeriesForm(MeetingDetailsForm):
    occurrences = TextAreaField("Dates et horaires", validators=[DataRequired("Saisissez au moins une séance.")])

    def validate_occurrences(self, field) -> None:
        occurrences, errors = parse_occurrences(field.data)
        if errors:
            raise ValidationError(" ".join(errors))
        if len(occurrences) > 100:
            raise ValidationError("Une série compte au plus 100 séances.")
        self.parsed_occurrences = occurrences


class ConfirmForm(FrenchForm):
    """An empty form: the action (cancel, delete) is a POST protected by CSRF."""


class InvitationForm(FrenchForm):
    person_id = SelectField("Personne", coerce=int, choices=[])
    capacity = SelectField("À quel titre", choices=choices(Capacity.choices()))
    title = StringField("Qualité", validators=[Length(max=300)],
                        description="« Directeur Général Adjoint », « Expert invité »…")


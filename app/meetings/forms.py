"""Forms of the scheduling pages: a meeting, a series, the convened list, cancelling."""
from __future__ import annotations

from datetime import date, datetime, time

from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, URL, ValidationError

from app.formatting import short_date, to_paris
from app.forms import FrenchForm, SelectField, choices, date_field, paris_time_on, time_field
from app.meetings.scheduling import agenda_lines, parse_occurrences
from app.models import Capacity, Civility, utc_now
from app.models.meetings import AGENDA_TITLE_LENGTH
from app.people.domain import email_taken
from app.submissions import SubmittedOnce


def check_ends_after_start(form, field) -> None:
    """Shared by every form with ``starts`` and ``ends`` times on one day."""
    if form.starts.data and field.data and field.data <= form.starts.data:
        raise ValidationError("L'heure de fin doit être après l'heure de début.")


class WhereForm(FrenchForm):
    """Where a meeting sits: a place and/or a visio link."""

    place = StringField("Lieu", validators=[Length(max=300)])
    visio_url = URLField("Lien de visioconférence", validators=[
        Optional(), URL(message="Saisissez une adresse complète, commençant par https://."), Length(max=500)])

    def validate_visio_url(self, field) -> None:
        """The link becomes a clickable href on the meeting page: web addresses only (no javascript:)."""
        if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
            raise ValidationError("Saisissez une adresse complète, commençant par https://.")


class MeetingDetailsForm(WhereForm):
    title = StringField("Intitulé", validators=[DataRequired("Saisissez l'intitulé de la séance."), Length(max=300)])
    agenda = TextAreaField("Ordre du jour", validators=[Length(max=20000)])
    context = TextAreaField("Contexte", validators=[Length(max=50000)])
    working_method = TextAreaField("Méthode de travail", validators=[Length(max=50000)])

    def validate_agenda(self, field):
        """Each line is an item, whose title holds ``AGENDA_TITLE_LENGTH`` characters."""
        too_long = next((index for index, line in enumerate(agenda_lines(field.data), start=1)
                         if len(line) > AGENDA_TITLE_LENGTH), None)
        if too_long is not None:
            raise ValidationError(f"Le point n° {too_long} de l'ordre du jour dépasse {AGENDA_TITLE_LENGTH} caractères : "
                                  "raccourcissez-le (le détail peut aller dans le contexte).")


PAST_MEETING_MESSAGE = ("Le {day} est passé : pour enregistrer une séance déjà tenue, "
                        "cochez « Saisie a posteriori ».")


def is_past(day: date, starts: time | None) -> bool:
    """Whether a meeting on ``day`` at ``starts`` (Paris time; the whole day when unknown) has begun."""
    return datetime.combine(day, starts or time.max) < to_paris(utc_now()).replace(tzinfo=None)


class HistoryFields:
    """« Saisie a posteriori »: planning a meeting in the past is refused unless ticked (entering history).
    Every form that plans a meeting mixes it in: new, edit and series forms, « Reconvoquer », and the
    « prochaine réunion » échéance."""

    a_posteriori = BooleanField("Saisie a posteriori",
                                description="Cochez pour enregistrer une séance déjà tenue (historique de l'instance).")
    # The date and time the meeting already has (editing): keeping them is never refused as past.
    unchanged: tuple[date, time] | None = None

    def past_refusal(self, day: date, starts: time | None) -> str | None:
        if self.a_posteriori.data or not is_past(day, starts):
            return None
        return PAST_MEETING_MESSAGE.format(day=short_date(day))


def not_in_the_past(form: HistoryFields, field) -> None:
    """Validator of the ``day`` of a form with ``HistoryFields`` (and a ``starts`` time): the French
    message on the date field for a meeting planned in the past without « Saisie a posteriori »; one
    message per date (none more for a date out of range or before its meeting)."""
    starts = form.starts.data if isinstance(form.starts.data, time) else None
    if field.data and not field.errors and (field.data, starts) != form.unchanged:
        refusal = form.past_refusal(field.data, starts)
        if refusal:
            raise ValidationError(refusal)


class OccurrenceFields:
    """The day and Paris times of one meeting (mixed, with ``HistoryFields``, into the forms that plan one)."""

    day = date_field("Date", [InputRequired("Saisissez la date de la séance.")], then=[not_in_the_past])
    starts = time_field("Heure de début", [InputRequired("Saisissez l'heure de début."), paris_time_on("day")])
    ends = time_field("Heure de fin", [InputRequired("Saisissez l'heure de fin."), check_ends_after_start,
                                       paris_time_on("day")])


class PlannedOnce:
    """One token per planning form shown (a meeting, a series), stored with the meeting it created (the
    first of a series): the same form posted twice (Back, then submit) creates nothing more."""

    creation_token = HiddenField()


class MeetingForm(PlannedOnce, HistoryFields, OccurrenceFields, MeetingDetailsForm):
    # The version read when the form was shown: saving over someone else's change is refused.
    version = HiddenField()


class SecondConvocationForm(SubmittedOnce, HistoryFields, OccurrenceFields, WhereForm):
    """When and where a meeting without quorum sits again; agenda and convened list are kept. Posted twice (a
    double tap, « Renvoyer »), it plans one meeting (``app/submissions.py``)."""


class SeriesForm(PlannedOnce, HistoryFields, MeetingDetailsForm):
    occurrences = TextAreaField("Dates et horaires", validators=[DataRequired("Saisissez au moins une séance.")])

    def validate_occurrences(self, field) -> None:
        occurrences, errors = parse_occurrences(field.data)
        if errors:
            raise ValidationError(" ".join(errors))
        if len(occurrences) > 100:
            raise ValidationError("Une série compte au plus 100 séances.")
        refusals = [self.past_refusal(occurrence.day, occurrence.starts) for occurrence in occurrences]
        if any(refusals):
            raise ValidationError(next(refusal for refusal in refusals if refusal))
        self.parsed_occurrences = occurrences


class ConfirmForm(FrenchForm):
    """An empty form: the action (cancel, delete) is a POST protected by CSRF."""


class InvitationForm(SubmittedOnce, FrenchForm):
    """Convene someone already known (``person_id``) or a new person typed in (``new_*``); the view sets
    ``organisation_id``, the ARS whose people an address must not already belong to. Convened once, however
    often the same form is posted (app/submissions.py)."""

    organisation_id: int | None = None

    person_id = SelectField("Personne déjà enregistrée", coerce=int, choices=[])
    new_civility = SelectField("Civilité", choices=choices(Civility.choices()), default=Civility.MRS.value)
    new_first_name = StringField("Prénom", validators=[Length(max=100)])
    new_last_name = StringField("Nom", validators=[Length(max=100)])
    new_email = EmailField("Adresse électronique", validators=[
        Optional(), Email("Adresse électronique invalide."), Length(max=254)])
    new_affiliation = StringField("Structure", validators=[Length(max=200)])
    capacity = SelectField("À quel titre", choices=choices(Capacity.choices()), default=Capacity.GUEST.value)
    title = StringField("Qualité", validators=[Length(max=300)],
                        description="« Directeur Général Adjoint », « Expert invité »…")

    def validate_person_id(self, field) -> None:
        if not field.data and not (self.new_last_name.data or "").strip():
            raise ValidationError("Choisissez une personne ou saisissez le nom d'une nouvelle personne.")

    def validate_new_email(self, field) -> None:
        if not self.person_id.data and field.data and email_taken(field.data, self.organisation_id):
            raise ValidationError("Une personne a déjà cette adresse : choisissez-la dans la liste.")


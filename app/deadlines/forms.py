"""The two kinds of « prochaines échéances » a meeting announces."""
from datetime import date

from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.formatting import long_date
from app.forms import FrenchForm, SelectField, date_field, paris_time_on, time_field
from app.meetings.forms import HistoryFields, check_ends_after_start, not_in_the_past
from app.submissions import SubmittedOnce


class AfterItsMeeting:
    """An échéance announced by a meeting falls on the meeting's day or after; the view sets ``meeting_day``."""

    meeting_day: date | None = None


def after_its_meeting(form: AfterItsMeeting, field) -> None:
    """Validator of the échéance's day."""
    if field.data and not field.errors and form.meeting_day and field.data < form.meeting_day:
        raise ValidationError(f"Une échéance ne peut pas précéder sa séance : choisissez le "
                             f"{long_date(form.meeting_day)} ou une date postérieure.")


class NextMeetingDeadlineForm(SubmittedOnce, AfterItsMeeting, HistoryFields, FrenchForm):
    """A next meeting of any body: the meeting is created at the same time (never in the past unless
    « Saisie a posteriori » is ticked, as on the planning forms)."""

    body_id = SelectField("Instance", coerce=int, choices=[])
    title = StringField("Intitulé", validators=[Length(max=300)],
                        description="Par défaut « Réunion — » suivi du nom de l'instance.")
    day = date_field("Date", [InputRequired("Saisissez la date de la réunion.")],
                     then=[after_its_meeting, not_in_the_past])
    starts = time_field("Heure de début", [InputRequired("Saisissez l'heure de début."), paris_time_on("day")])
    ends = time_field("Heure de fin", [InputRequired("Saisissez l'heure de fin."), check_ends_after_start,
                                       paris_time_on("day")])
    place = StringField("Lieu", validators=[Length(max=300)])


class DueDateDeadlineForm(SubmittedOnce, AfterItsMeeting, FrenchForm):
    title = StringField("Intitulé", validators=[DataRequired("Saisissez l'intitulé de l'échéance."), Length(max=300)],
                        description="« Synthèses des retours d'expérience attendues ».")
    day = date_field("Date", [InputRequired("Saisissez la date de l'échéance.")], then=[after_its_meeting])
    at = time_field("Heure", [Optional(), paris_time_on("day")])

"""The two kinds of « prochaines échéances » a meeting announces."""
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import FrenchForm, date_field, paris_time_on, time_field
from app.meetings.forms import check_ends_after_start


class NextMeetingDeadlineForm(FrenchForm):
    """A next meeting of any body: the meeting is created at the same time."""

    body_id = SelectField("Instance", coerce=int, choices=[])
    title = StringField("Intitulé", validators=[Length(max=300)],
                        description="Par défaut « Réunion — » suivi du nom de l'instance.")
    day = date_field("Date", [InputRequired("Saisissez la date de la réunion.")])
    starts = time_field("Heure de début", [InputRequired("Saisissez l'heure de début."), paris_time_on("day")])
    ends = time_field("Heure de fin", [InputRequired("Saisissez l'heure de fin."), check_ends_after_start,
                                       paris_time_on("day")])
    place = StringField("Lieu", validators=[Length(max=300)])


class DueDateDeadlineForm(FrenchForm):
    title = StringField("Intitulé", validators=[DataRequired("Saisissez l'intitulé de l'échéance."), Length(max=300)],
                        description="« Synthèses des retours d'expérience attendues ».")
    day = date_field("Date", [InputRequired("Saisissez la date de l'échéance.")])
    at = time_field("Heure", [Optional(), paris_time_on("day")])

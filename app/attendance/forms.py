from wtforms import FieldList, FormField, HiddenField, RadioField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from app.forms import FrenchFields, FrenchForm, SelectField, choices, optional_int
from app.models import AttendanceStatus, Capacity, Civility, ParticipationMode


STATUS_MESSAGE = "Choisissez présent, excusé, absent ou représenté."
MODE_MESSAGE = "Choisissez « sur place » ou « en visio »."
# The short labels of the sheet's rows; the attestation prints ``ParticipationMode.label``.
MODE_CHOICES = [(ParticipationMode.ON_SITE.value, "Sur place"), (ParticipationMode.REMOTE.value, "En visio")]


class AttendanceRowForm(FrenchFields):
    """One person of the sheet (nested form: the sheet carries the CSRF token; French built-in messages, such as
    the refusal of a « représenté(e) par » that is no id)."""

    person_id = HiddenField()
    status = RadioField("Statut", choices=choices(AttendanceStatus.choices()), validate_choice=False, validators=[
        InputRequired(STATUS_MESSAGE), AnyOf([status.value for status in AttendanceStatus], message=STATUS_MESSAGE)])
    represented_by = SelectField("Représenté(e) par", coerce=optional_int, validate_choice=False)
    title = StringField("Qualité", validators=[Length(max=300, message="300 caractères au plus.")])
    # Shown only at a meeting held both on site and by visio (``offers_both_modes``), read for present people.
    mode = SelectField("Participation", choices=choices(MODE_CHOICES), validate_choice=False, validators=[
        Optional(), AnyOf([mode.value for mode in ParticipationMode], message=MODE_MESSAGE)])


class AttendanceSheetForm(FrenchForm):
    """The whole sheet, saved in one transaction, with an optional person to add."""

    rows = FieldList(FormField(AttendanceRowForm), label="Lignes de la feuille de présence")
    new_capacity = SelectField(
        "Présent(e) au titre de",
        choices=choices([(Capacity.ARS_STAFF.value, Capacity.ARS_STAFF.label), (Capacity.GUEST.value, "Invité(e)")]),
        validate_choice=False,
    )
    new_person_search = StringField("Rechercher une personne déjà enregistrée")
    new_person = SelectField("Personne déjà enregistrée", coerce=optional_int, validate_choice=False)
    new_civility = SelectField("Civilité", choices=choices([("", "—"), *Civility.choices()]))
    new_last_name = StringField("Nom", validators=[Length(max=100, message="100 caractères au plus.")])
    new_first_name = StringField("Prénom", validators=[Length(max=100, message="100 caractères au plus.")])
    new_title = StringField("Qualité", validators=[Length(max=300, message="300 caractères au plus.")])
    # Meeting.attendance_version when the sheet was shown (app/concurrency.py).
    version = HiddenField()

    def validate_new_capacity(self, field):
        if field.data not in (Capacity.ARS_STAFF.value, Capacity.GUEST.value):
            raise ValidationError("Choisissez « au titre de l'ARS » ou « invité(e) ».")

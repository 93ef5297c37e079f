from flask import current_app
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.dossier.files import RefusedFile, check_file
from app.forms import FrenchForm, SelectField, optional_int
from app.models import Meeting
from app.submissions import SubmittedOnce

TITLE = dict(validators=[DataRequired("Donnez un titre au document."),
                         Length(max=300, message="300 caractères au plus.")])


class DocumentFileForm(FrenchForm):
    """A file for the dossier, checked by its content; keeps the detected type for the view."""

    file = FileField("Fichier", validators=[FileRequired("Choisissez un fichier.")])

    def validate_file(self, field):
        self.file_type = None
        upload = field.data
        try:
            self.file_type = check_file(upload.stream, upload.filename or "", current_app.config["DOCUMENT_MAX_BYTES"])
        except RefusedFile as refused:
            raise ValidationError(str(refused)) from None


class DocumentDetailsMixin:
    def set_agenda_choices(self, meeting: Meeting) -> None:
        self.agenda_item.choices = [("", "Toute la séance")] + [
            (item.id, f"{index}. {item.title}"[:120]) for index, item in enumerate(meeting.agenda_items, start=1)]

    def validate_agenda_item(self, field):
        if field.data is not None and field.data not in {choice[0] for choice in field.choices}:
            raise ValidationError("Choisissez un point de l'ordre du jour de cette séance.")


class NewDocumentForm(SubmittedOnce, DocumentDetailsMixin, DocumentFileForm):
    """Posted twice (a double tap, « Renvoyer »), it adds the document once (``app/submissions.py``)."""

    title = StringField("Titre", **TITLE)
    agenda_item = SelectField("Rattaché à", coerce=optional_int, validate_choice=False)
    presented_at_meeting = BooleanField("Présenté en séance (ajouté après la réunion, annexé au compte rendu)")


class DocumentForm(DocumentDetailsMixin, FrenchForm):
    title = StringField("Titre", **TITLE)
    agenda_item = SelectField("Rattaché à", coerce=optional_int, validate_choice=False)
    presented_at_meeting = BooleanField("Présenté en séance (ajouté après la réunion, annexé au compte rendu)")


class NewVersionForm(SubmittedOnce, DocumentFileForm):
    """Posted twice, it records one new version (``app/submissions.py``)."""

from docx.image.image import Image
from flask_wtf.file import FileField, FileSize
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.documents.word import UNREADABLE_IMAGE_ERRORS, TemplateError, check_template
from app.extensions import db
from app.forms import CONTROL_CHARACTERS, FrenchForm
from app.models import Organisation
from app.submissions import SubmittedOnce

MAX_LOGO_BYTES = 500 * 1024
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024

# What a logo file starts with, whatever its name says: the bytes decide, not the extension.
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def logo_mimetype(content: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` from the file's first bytes, if Word can also read the image
    (it goes into every compte rendu); None for anything else."""
    mimetype = next((mimetype for signature, mimetype in LOGO_SIGNATURES.items() if content.startswith(signature)),
                    None)
    if mimetype is None:
        return None
    try:
        Image.from_blob(content)
    except UNREADABLE_IMAGE_ERRORS:
        return None
    return mimetype


class OrganisationDetailsForm(FrenchForm):
    name = StringField("Nom de l'organisation", validators=[
        DataRequired("Saisissez le nom de l'organisation."), Length(max=200, message="200 caractères au plus.")])
    short_name = StringField("Nom court", validators=[Length(max=50, message="50 caractères au plus.")])
    secretariat_email = EmailField("Adresse du secrétariat", validators=[
        Optional(), Email("Adresse électronique invalide."), Length(max=254, message="254 caractères au plus.")])

    def __init__(self, *args, organisation_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id  # the organisation edited: its own name is not taken

    def validate_name(self, field):
        """Two organisations never share a name (case aside)."""
        taken = select(Organisation.id).where(func.lower(Organisation.name) == (field.data or "").strip().lower())
        if self.organisation_id is not None:
            taken = taken.where(Organisation.id != self.organisation_id)
        if db.session.scalar(taken):
            raise ValidationError("Une organisation porte déjà ce nom.")


class OrganisationForm(OrganisationDetailsForm):
    """The ARS's own settings (its admins)."""

    logo = FileField("Logo", validators=[
        FileSize(MAX_LOGO_BYTES, message="Le logo dépasse 500 Ko.")])
    remove_logo = BooleanField("Retirer le logo actuel")
    word_template = FileField("Modèle Word", validators=[
        FileSize(MAX_TEMPLATE_BYTES, message="Le modèle dépasse 5 Mo.")])
    remove_word_template = BooleanField("Retirer le modèle actuel (les documents reprennent la présentation intégrée)")
    state_brand = BooleanField("Afficher le bloc-marque « République française »")
    french_typography = BooleanField("Appliquer la typographie française aux textes saisis dans les documents")

    def validate_logo(self, field):
        """Read the upload once; keeps its bytes and type for the view."""
        self.logo_content = self.logo_type = None
        if not field.data or not getattr(field.data, "filename", None):
            return
        content = field.data.read()
        if not content:
            raise ValidationError("Le fichier est vide.")
        mimetype = logo_mimetype(content)
        if mimetype is None:
            raise ValidationError("Le logo doit être une image PNG ou JPEG lisible.")
        self.logo_content, self.logo_type = content, mimetype

    def validate_word_template(self, field):
        """A Word document or template holding every style the documents use; keeps its bytes for the view."""
        self.template_content = self.template_filename = None
        if not field.data or not getattr(field.data, "filename", None):
            return
        content = field.data.read()
        if not content:
            raise ValidationError("Le fichier est vide.")
        try:
            check_template(content)
        except TemplateError as error:
            raise ValidationError(str(error)) from error
        self.template_content = content
        self.template_filename = CONTROL_CHARACTERS.sub("", field.data.filename).strip()[-255:] or "modele.dotx"


class NewOrganisationForm(SubmittedOnce, OrganisationDetailsForm):
    """A new ARS (national admins); its admins then set its logo on their « Organisation » page. Posted twice (a
    double tap, « Renvoyer »), it creates one (``app/submissions.py``)."""

from docx.image.image import Image
from flask_wtf.file import FileField, FileSize
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.documents.word import UNREADABLE_IMAGE_ERRORS
from app.extensions import db
from app.forms import FrenchForm
from app.models import Organisation

MAX_LOGO_BYTES = 500 * 1024

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


class OrganisationForm(OrganisationDetailsForm):
    """The ARS's own settings (its admins)."""

    logo = FileField("Logo", validators=[
        FileSize(MAX_LOGO_BYTES, message="Le logo dépasse 500 Ko.")])
    remove_logo = BooleanField("Retirer le logo actuel")
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


class NewOrganisationForm(OrganisationDetailsForm):
    """A new ARS (national admins); its admins then set its logo on their « Organisation » page."""

    def validate_name(self, field):
        name = (field.data or "").strip()
        if db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())):
            raise ValidationError("Une organisation porte déjà ce nom.")

"""Forms of the bodies area: a body and its rules, a membership, the CSV import of members."""
from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, FormField, HiddenField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import FrenchFloatField, FrenchForm, SelectField, choices, date_field
from app.models import MAX_PROXIES_PER_HOLDER, PRESETS, BodyKind, RoleKind, Seat
from app.people.forms import PersonFields
from app.submissions import SubmittedOnce

MAX_IMPORT_BYTES = 1024 * 1024


class BodyForm(FrenchForm):
    name = StringField("Nom", validators=[DataRequired("Saisissez le nom de l'instance."), Length(max=200)])
    short_name = StringField("Nom court", validators=[Length(max=50)])
    kind = SelectField("Type d'instance", choices=choices(BodyKind.choices()))
    parent_id = SelectField("Instance de rattachement", coerce=int, choices=[])
    territory = StringField("Territoire", validators=[Length(max=100)])
    # No default here: a new body's rules start from its kind's preset (``preset_data``).
    quorum_fraction = FrenchFloatField(
        "Quorum : part des membres en fonction avec voix délibérative",
        validators=[InputRequired("Saisissez la part des membres qui fait le quorum."),
                    NumberRange(min=0.01, max=1, message="Saisissez une part entre 0,01 et 1 (0,5 = la moitié).")],
    )
    quorum_strict = BooleanField("Il faut strictement plus que cette part (« plus de la moitié ») ; sinon « au moins »")
    quorum_minimum = IntegerField(
        "Nombre minimum de membres présents",
        validators=[InputRequired("Saisissez un nombre (0 s'il n'y a pas de minimum)."),
                    NumberRange(min=0, message="Le minimum ne peut pas être négatif.")],
    )
    quorum_counts_represented = BooleanField("Les membres représentés (pouvoirs) comptent dans le quorum")
    convocation_days = IntegerField(
        "Délai de convocation (jours)",
        validators=[InputRequired("Saisissez un nombre de jours."),
                    NumberRange(min=0, max=365, message="Saisissez un nombre de jours entre 0 et 365.")],
    )
    reminder_days = IntegerField(
        "Rappel avant la séance (jours)",
        validators=[InputRequired("Saisissez un nombre de jours."),
                    NumberRange(min=0, max=365, message="Saisissez un nombre de jours entre 0 et 365.")],
    )
    second_convocation_days = IntegerField(
        "Seconde convocation si le quorum n'est pas atteint : dans les (jours)",
        validators=[InputRequired("Saisissez un nombre de jours."),
                    NumberRange(min=1, max=365, message="Saisissez un nombre de jours entre 1 et 365.")],
    )
    proxies_allowed = BooleanField("Les pouvoirs sont admis")
    max_proxies_per_holder = IntegerField(
        "Nombre maximum de pouvoirs par membre",
        validators=[InputRequired("Saisissez un nombre."),
                    NumberRange(min=1, max=MAX_PROXIES_PER_HOLDER, message=(
                        f"Un membre détient 1 pouvoir, ou jusqu'à {MAX_PROXIES_PER_HOLDER} si le règlement "
                        f"intérieur le permet, jamais plus (art. D.1432-50 du CSP) : saisissez un nombre entre 1 "
                        f"et {MAX_PROXIES_PER_HOLDER}."))],
    )
    proxies_exclude_presidents = BooleanField("Le président de l'instance ne donne ni ne reçoit de pouvoir")
    abstentions_in_base = BooleanField("Les abstentions comptent parmi les suffrages exprimés (base de la majorité)")
    president_casting_vote = BooleanField("La voix du président est prépondérante en cas de partage égal des voix")
    roll_call_votes = BooleanField("Les votes se font par appel nominal (chaque membre nommé)")
    max_substitutes_per_titulaire = IntegerField(
        "Nombre maximum de suppléants par membre titulaire",
        validators=[InputRequired("Saisissez un nombre."),
                    NumberRange(min=1, max=10, message="Saisissez un nombre entre 1 et 10.")],
    )
    unexcused_absences_limit = IntegerField(
        "Absences successives sans excuse avant une proposition de démission",
        validators=[InputRequired("Saisissez un nombre de séances."),
                    NumberRange(min=1, max=50, message="Saisissez un nombre de séances entre 1 et 50.")],
    )

    def validate_quorum_strict(self, field) -> None:
        """« Plus de la totalité » asks for more members than the body has: no sitting could reach it."""
        if field.data and self.quorum_fraction.data is not None and self.quorum_fraction.data >= 1:
            raise ValidationError("Strictement plus que la totalité des membres : ce quorum ne peut jamais être "
                                  "atteint. Décochez cette case (« la totalité au moins »), ou saisissez une part "
                                  "inférieure à 1.")


def preset_data(kind: BodyKind) -> dict:
    """The rules fields of ``BodyForm`` filled with the preset of ``kind``."""
    return PRESETS[kind].rules.settings()


NEW_PERSON = "nouvelle"  # the picker's choice « elle n'est pas encore enregistrée : la créer »


class MembershipForm(FrenchForm):
    """A seat in a body. The person is only chosen when adding (an existing seat keeps its person): found
    by ``person_search`` among the ARS's people (``person_id``), or created with ``new_person``."""

    person_search = StringField("Rechercher la personne", validators=[Length(max=200)])
    person_id = RadioField("Personne", choices=[], validate_choice=False)
    new_person = FormField(PersonFields, label="Créer la personne")
    title = StringField("Qualité", validators=[Length(max=300)],
                        description="Imprimée à côté du nom dans les comptes rendus.")
    college = StringField("Collège", validators=[Length(max=200)])
    seat = SelectField("Siège", choices=choices(Seat.choices()))
    substitute_for_id = SelectField("Suppléant de", coerce=int, choices=[])
    voting = BooleanField("Voix délibérative", default=True)
    start_date = date_field("Début du mandat", [InputRequired("Saisissez la date de début du mandat.")])
    end_date = date_field("Fin du mandat", [Optional()])

    def creates_person(self) -> bool:
        """« Créer la personne » chosen, or, without a choice, her name typed in its fields."""
        if self.person_id.data == NEW_PERSON:
            return True
        typed = (self.new_person.last_name.data, self.new_person.first_name.data, self.new_person.email.data)
        return not self.person_id.data and any(value and value.strip() for value in typed)

    def validate(self, extra_validators=None) -> bool:
        """The new person's fields count only when she is being created."""
        valid = super().validate(extra_validators)
        if "new_person" in self and not self.creates_person():
            for person_field in self.new_person:
                person_field.errors = []
            valid = not any(form_field.errors for form_field in self)
        return valid


class NewBodyForm(SubmittedOnce, BodyForm):
    """A new body: created once, however often the same form is posted (``app/submissions.py``)."""


class NewMembershipForm(SubmittedOnce, MembershipForm):
    """A new seat (and the new person's fiche, if created with it): saved once, however often the same form is
    posted (app/submissions.py); « Rechercher » keeps the token."""


class EndMembershipForm(FrenchForm):
    end_date = date_field("Fin du mandat", [InputRequired("Saisissez la date de fin du mandat.")])


class MemberImportForm(FrenchForm):
    csv_file = FileField("Fichier CSV", validators=[
        FileRequired("Choisissez un fichier."),
        FileAllowed(["csv", "txt"], "Le fichier doit être un fichier CSV (.csv ou .txt)."),
        FileSize(MAX_IMPORT_BYTES, message="Le fichier dépasse 1 Mo."),
    ])


class ConfirmImportForm(SubmittedOnce, FrenchForm):
    """Carries the decoded file from the preview to the confirmation, so nothing is kept on disk. Confirmed twice
    (a double tap, « Renvoyer »), it imports once (``app/submissions.py``)."""

    content = HiddenField(validators=[DataRequired("Le contenu du fichier est manquant : recommencez l'import."),
                                      Length(max=MAX_IMPORT_BYTES, message="Le fichier dépasse 1 Mo.")])


class RoleForm(FrenchForm):
    """A dated role held through a membership."""

    kind = SelectField("Rôle", choices=choices(RoleKind.choices()))
    start_date = date_field("Début", [InputRequired("Saisissez la date à laquelle le rôle commence.")])
    end_date = date_field("Fin", [Optional()])


class NewRoleForm(SubmittedOnce, RoleForm):
    """A new role: recorded once, however often the same form is posted (``app/submissions.py``)."""

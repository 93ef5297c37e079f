"""Forms of the votes area: an item's nature, the vote (counts or roll call by name), the avis text."""
from __future__ import annotations

from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.forms import FrenchForm, MultiCheckboxField, SelectField, choices, date_field, paris_time_on, time_field
from app.models import AgendaItemNature, VoteChoice
from app.submissions import SubmittedOnce
from app.votes.consultations import ANSWER_CHOICES
from app.votes.domain import VotingContext, choice_field

MAX_TEXT = 20000
NOT_CHOSEN = ("", "—")


def optional_choice(value) -> VoteChoice | None:
    """« — » is no choice; anything else must be a choice (a ValueError makes the select refuse it)."""
    if value in (None, "", "None"):
        return None
    return VoteChoice(value)


def choice_select(label: str) -> SelectField:
    return SelectField(label, choices=choices([NOT_CHOSEN, *VoteChoice.choices()]), coerce=optional_choice,
                       validate_choice=False)


class AgendaItemNatureForm(FrenchForm):
    nature = SelectField("Nature du point", choices=choices([("", "Non précisée"), *AgendaItemNature.choices()]),
                         coerce=lambda value: AgendaItemNature(value) if value else None, validate_choice=False)
    submitted_text = TextAreaField("Texte soumis au vote", validators=[Length(max=MAX_TEXT)])

    def refused(self, refusal: str | None) -> bool:
        """Put ``refusal`` (of ``app.votes.domain.nature_refusal``) on the nature's field; whether there is one."""
        if refusal:
            self.nature.errors = [*self.nature.errors, refusal]
        return refusal is not None


class VoteCountField(IntegerField):
    """A number of votes: one French message for what is not a whole number."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError as error:
                self.data = None
                raise ValueError("Saisissez un nombre entier de voix.") from error


def not_negative(form, field) -> None:
    if field.data is not None and field.data < 0:
        raise ValidationError("Un nombre de voix ne peut pas être négatif.")


def count_field(label: str) -> VoteCountField:
    return VoteCountField(label, validators=[InputRequired("Saisissez un nombre de voix (0 s'il n'y en a pas)."),
                                             not_negative])


class VoteForm(SubmittedOnce, FrenchForm):
    """The fields every vote has; ``vote_form`` adds the counts or one select per voter. Posted twice (a double
    tap, « Renvoyer »), it records one vote (``app/submissions.py``)."""

    agenda_item_id = SelectField("Point de l'ordre du jour", coerce=int, choices=[])
    question = TextAreaField("Texte soumis au vote", validators=[
        DataRequired("Saisissez le texte soumis au vote."), Length(max=MAX_TEXT)])
    interests = MultiCheckboxField("Membres ayant déclaré un intérêt sur ce point (ils ne prennent pas part au vote)",
                                   coerce=int, choices=[])

    def add_refusals(self, refusals: dict[str, str]) -> None:
        """Put each refusal on its field; those without one (quorum, roll call) in ``general_errors``."""
        self.general_errors = {}
        for name, message in refusals.items():
            if name in self._fields:
                self._fields[name].errors = [*self._fields[name].errors, message]
            else:
                self.general_errors[name] = message


def vote_form(context: VotingContext, items, **kwargs) -> VoteForm:
    """The vote form of a meeting: counts by show of hands, or a roll call by name when the body votes so."""

    class MeetingVoteForm(VoteForm):
        pass

    if context.roll_call:
        for voter in context.voters:
            setattr(MeetingVoteForm, choice_field(voter.person.id), choice_select(voter.label))
    else:
        MeetingVoteForm.votes_for = count_field("Pour")
        MeetingVoteForm.votes_against = count_field("Contre")
        MeetingVoteForm.abstentions = count_field("Abstentions")
        MeetingVoteForm.not_voting = count_field("Ne prennent pas part au vote")
        if context.president is not None:
            MeetingVoteForm.president_choice = choice_select(f"Vote du président ({context.president.formal_name})")
    form = MeetingVoteForm(**kwargs)
    form.general_errors = {}
    form.agenda_item_id.choices = choices((item.id, f"{item.position}. {item.title}") for item in items)
    form.interests.choices = choices((voter.person.id, voter.label) for voter in context.voters)
    return form


class AvisForm(FrenchForm):
    avis_text = TextAreaField("Texte de l'avis", validators=[
        DataRequired("Saisissez le texte de l'avis."), Length(max=MAX_TEXT)])


class ConsultationForm(SubmittedOnce, FrenchForm):
    """A written consultation: the question and when it closes (Paris time). Posted twice, it opens one
    consultation and sends its links once (``app/submissions.py``)."""

    question = TextAreaField("Question soumise aux membres", validators=[
        DataRequired("Saisissez la question soumise aux membres."), Length(max=MAX_TEXT)])
    closes_on = date_field("Date de clôture", [InputRequired("Saisissez la date de clôture.")])
    closes_at = time_field("Heure de clôture", [InputRequired("Saisissez l'heure de clôture."),
                                                paris_time_on("closes_on")])


class ConsultationAnswerForm(FrenchForm):
    choice = SelectField("Votre réponse", choices=choices([NOT_CHOSEN, *[(choice.value, choice.label)
                                                                         for choice in ANSWER_CHOICES]]),
                         coerce=optional_choice, validate_choice=False,
                         validators=[InputRequired("Choisissez pour, contre ou abstention.")])

    def validate_choice(self, field) -> None:
        if field.data is None or field.data not in ANSWER_CHOICES:
            raise ValidationError("Choisissez pour, contre ou abstention.")

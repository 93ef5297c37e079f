"""The compte rendu of seed 004 (and its échéances) as Word and calendar clients treat the files: spelling
checked, lists followed by their usual gap, the agenda numbered as the relevé des avis names its items, the
CRSA's 3 June the plenary of that day."""
from __future__ import annotations

from datetime import date

from docx.oxml.ns import qn
from docx.shared import Length
from icalendar import Calendar
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.documents.queries import load_meeting_for_minutes, load_meeting_with_records
from app.documents.workflow import minutes_file, validate_minutes
from app.extensions import db
from app.formatting import to_paris
from app.models import Body, BodyKind, Meeting, User
from conftest import log_in
from docx_reading import reopen, styled_paragraphs

W_VAL = qn("w:val")


def demo_user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def draft_of(meeting: Meeting):
    return reopen(minutes_file(load_meeting_for_minutes(meeting.id)))


def validated_of(meeting: Meeting):
    validate_minutes(load_meeting_with_records(meeting.id), demo_user("secretariat@demo.example.fr"))
    db.session.commit()
    return reopen(minutes_file(load_meeting_for_minutes(meeting.id)))


def crsa_plenary_of_3_june() -> Meeting:
    crsa = db.session.scalar(select(Body).where(Body.kind == BodyKind.CRSA_PLENARY, Body.short_name == "CRSA"))
    return next(meeting for meeting in db.session.scalars(select(Meeting).where(Meeting.body_id == crsa.id))
                if to_paris(meeting.starts_at).date() == date(2020, 6, 3))


# -- Word: spelling and grammar ------------------------------------------------------------------

def test_word_checks_the_spelling_of_the_compte_rendu_instead_of_trusting_a_stale_clean_state(demo):
    """The file must not say « already spell-checked, no error » (python-docx's template's ``w:proofState``):
    Word would underline nothing, so the seed's own typos (« GRUPE DE TRAVAIL », « aux regard ») or
    the secretariat's would go out unseen, the French proofing language set on every style notwithstanding."""
    for document in (draft_of(demo), validated_of(demo)):
        state = document.settings.element.find(qn("w:proofState"))
        flags = {} if state is None else {name: state.get(qn(f"w:{name}")) for name in ("spelling", "grammar")}
        assert "clean" not in flags.values(), flags


# -- Word: spacing after lists -------------------------------------------------------------------

def _resolved_space(paragraph, attribute: str, document) -> int:
    """space_before / space_after as Word applies it: the paragraph's, else its style chain's, else the
    document defaults'."""
    value = getattr(paragraph.paragraph_format, attribute)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, attribute)
        style = style.base_style
    if value is None:
        defaults = document.styles.element.find(qn("w:docDefaults"))
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        raw = spacing.get(qn("w:after" if attribute == "space_after" else "w:before")) if spacing is not None else None
        value = Length(int(raw) * 635) if raw else Length(0)  # twips → EMU
    return int(value)


def test_a_paragraph_following_a_list_is_not_glued_to_its_last_item(demo):
    """The list styles have no space after (so that a point and its sub-points stay together); the last item
    gets the usual 10 pt back, so that « …ouvert début juin. » does not run into « Les concertations du
    Ségur… », nor « …mineurs accompagnés » into « A l'issue du tour de table… », nor the agenda into the
    quorum sentence."""
    document = draft_of(demo)
    paragraphs = document.paragraphs
    glued = [
        (previous.text[-25:], following.text[:30])
        for previous, following in zip(paragraphs, paragraphs[1:])
        if previous.style.name.startswith("List Bullet") and following.style.name == "Normal"
        and _resolved_space(previous, "space_after", document) + _resolved_space(following, "space_before",
                                                                                 document) == 0
    ]
    assert glued == []


# -- Word: the ordre du jour and the relevé des avis ---------------------------------------------

def _number_format(document, paragraph) -> str | None:
    """The numFmt Word shows for ``paragraph`` (its own numPr, else its style's), None when not a list."""
    numbering_properties = None
    for properties in (paragraph._p.pPr, paragraph.style.element.pPr):
        if properties is not None and properties.find(qn("w:numPr")) is not None:
            numbering_properties = properties.find(qn("w:numPr"))
            break
    if numbering_properties is None:
        return None
    num_id = numbering_properties.find(qn("w:numId")).get(W_VAL)
    level = numbering_properties.find(qn("w:ilvl"))
    level = level.get(W_VAL) if level is not None else "0"
    numbering = document.part.numbering_part.element
    num = next(num for num in numbering.findall(qn("w:num")) if num.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(W_VAL)
    abstract = next(item for item in numbering.findall(qn("w:abstractNum"))
                    if item.get(qn("w:abstractNumId")) == abstract_id)
    lvl = next(lvl for lvl in abstract.findall(qn("w:lvl")) if lvl.get(qn("w:ilvl")) == level)
    return lvl.find(qn("w:numFmt")).get(W_VAL)


def test_relevé_des_avis_item_numbers_can_be_found_in_the_ordre_du_jour(demo):
    """The relevé des avis heads each vote « 2. Ségur de la Santé : la concertation en région »: the ordre du
    jour above is numbered, so the reader finds the « 2 » it refers to."""
    document = draft_of(crsa_plenary_of_3_june())
    paragraphs = styled_paragraphs(document)
    assert ("Heading 2", "2. Ségur de la Santé\u00a0: la concertation en région") in paragraphs
    start = [text for _style, text in paragraphs].index("Ordre du jour\u00a0:") + 1
    agenda = document.paragraphs[start:start + 2]
    assert [paragraph.text for paragraph in agenda] == [
        "Approbation du compte rendu de la séance précédente", "Ségur de la Santé\u00a0: la concertation en région"]
    assert [_number_format(document, paragraph) for paragraph in agenda] == ["decimal", "decimal"]


# -- Échéances: the CRSA of 3 June ---------------------------------------------------------------

def test_the_crsa_echeance_of_3_june_is_the_crsa_plenary_held_that_day(demo, app):
    """Seed 004's first échéance, « Réunion de la CRSA le 3 juin », is the CRSA plenary the demo records on
    3 June 2020 (14h00–17h00, Hôtel de Région): the échéances .ics gives that meeting's own event (its UID),
    not an all-day one a calendar holding the plenary's invitation would show twice, and the compte rendu
    gives its hour."""
    plenary = crsa_plenary_of_3_june()
    client = log_in(app.test_client(), demo_user("secretariat@demo.example.fr"), DEMO_PASSWORD)
    calendar = Calendar.from_ical(client.get(f"/meetings/{demo.id}/deadlines.ics").data)
    on_3_june = [event for event in calendar.walk("VEVENT")
                 if event.decoded("dtstart") in (date(2020, 6, 3),)
                 or getattr(event.decoded("dtstart"), "date", lambda: None)() == date(2020, 6, 3)]
    assert len(on_3_june) == 1
    assert str(on_3_june[0]["uid"]) == plenary.ical_uid

"""Files Word treats as its own (French proofing, current compatibility mode, true properties, A4),
and what a compte rendu states: header block, validation line, plenary attendance, typography."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from docx.oxml.ns import qn

from app.demo import ORGANISATION_NAME
from app.documents.minutes import build_minutes
from app.documents.queries import load_meeting_for_minutes
from app.documents.typography import NBSP, french_typography
from app.documents.workflow import minutes_file
from app.extensions import db
from app.formatting import plain_date
from app.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Civility,
    Membership,
    Minutes,
    Person,
    Role,
    Seat,
)
from docx_reading import body_text, headings, reopen, styled_paragraphs, table_rows
from tests.conftest import create_user, log_in, test_organisation
from tests.meeting_factories import add_member, make_body, make_meeting, make_president

W_VAL = qn("w:val")


def language_of(run_properties) -> str | None:
    language = run_properties.find(qn("w:lang")) if run_properties is not None else None
    return language.get(W_VAL) if language is not None else None


def assert_word_native(document, title_part: str, author: str) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert language_of(defaults) == "fr-FR"
    used = {paragraph.style.name for paragraph in document.paragraphs} | {"Table Grid"}
    for name in used:
        assert language_of(document.styles[name].element.find(qn("w:rPr"))) == "fr-FR", name
    modes = [setting.get(W_VAL) for setting in document.settings.element.iter(qn("w:compatSetting"))
             if setting.get(qn("w:name")) == "compatibilityMode"]
    assert modes == ["15"]
    properties = document.core_properties
    assert title_part in properties.title and properties.author == author == properties.last_modified_by
    assert properties.subject and "python-docx" not in (properties.comments + properties.author)
    now = datetime.now(timezone.utc)
    for moment in (properties.created, properties.modified):
        assert abs(moment.replace(tzinfo=timezone.utc) - now) < timedelta(minutes=5)
    package_rels = document.part.package.rels.values()
    assert not any(rel.reltype.endswith("/thumbnail") for rel in package_rels)
    # No Word 2010 copy of the styles beside styles.xml (one without the French proofing checked above).
    assert [rel.reltype.rsplit("/", 1)[-1] for rel in document.part.rels.values()
            if "styles" in rel.reltype.lower()] == ["styles"]
    assert not any(str(part.partname) == "/word/stylesWithEffects.xml" for part in document.part.package.iter_parts())
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_draft_and_frozen_validated_file_are_french_word_2013_files_true_to_the_document(demo, app):
    draft = reopen(minutes_file(load_meeting_for_minutes(demo.id)))
    assert_word_native(draft, demo.title, ORGANISATION_NAME)
    assert draft.core_properties.subject.startswith("Compte rendu de la séance du jeudi 28 mai 2020")
    client = log_in(app.test_client(), create_user(Role.SECRETARIAT))
    client.post(f"/meetings/{demo.id}/minutes/validate")
    frozen = reopen(db.session.get(Minutes, demo.minutes.id).document)
    assert_word_native(frozen, demo.title, ORGANISATION_NAME)


def test_built_in_template_is_sober_black_arial_headings_and_distinct_bullets(demo):
    document = reopen(build_minutes(load_meeting_for_minutes(demo.id)))
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        color = style.element.find(qn("w:rPr")).find(qn("w:color"))
        assert color.get(W_VAL) == "000000" and color.get(qn("w:themeColor")) is None, name
        assert style.element.find(qn("w:pPr")).find(qn("w:pBdr")) is None, name
        assert style.font.name == "Arial", name
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")) \
        .find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Arial" and fonts.get(qn("w:asciiTheme")) is None
    numbering = document.part.numbering_part.element
    glyphs = []
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3"):
        style = document.styles[name]
        assert style.paragraph_format.space_before == 0 and style.paragraph_format.space_after == 0
        num_id = style.element.find(qn("w:pPr")).find(qn("w:numPr")).find(qn("w:numId")).get(W_VAL)
        abstract = next(num.find(qn("w:abstractNumId")).get(W_VAL) for num in numbering.findall(qn("w:num"))
                        if num.get(qn("w:numId")) == num_id)
        level = next(item for item in numbering.findall(qn("w:abstractNum"))
                     if item.get(qn("w:abstractNumId")) == abstract).find(qn("w:lvl"))
        glyphs.append(level.find(qn("w:lvlText")).get(W_VAL))
    assert len(set(glyphs)) == 3


def test_header_block_states_hours_place_presiding_person_and_ordre_du_jour(app_context):
    body = make_body("CRSA Occitanie")
    chair = add_member(body, "Marchand", first_name="Laure")
    make_president(chair)
    meeting = make_meeting(body, day=date(2020, 5, 28), hour=10, place="", visio_url="https://visio.example.fr/x")
    meeting.agenda_items.append(AgendaItem(title="Avis sur le PRS", position=1))
    db.session.commit()
    paragraphs = styled_paragraphs(reopen(minutes_file(load_meeting_for_minutes(meeting.id))))
    texts = [text for _style, text in paragraphs]
    assert texts[:7] == [
        "Séance plénière", "Compte rendu de la séance du jeudi 28 mai 2020", f"Instance{NBSP}: CRSA Occitanie",
        f"Horaires{NBSP}: de 10h00 à 12h00", f"Lieu{NBSP}: visioconférence",
        f"Présidence{NBSP}: Mme Laure MARCHAND, Présidente", f"Ordre du jour{NBSP}:"]
    assert paragraphs[7] == ("List Number", "Avis sur le PRS")  # numbered, as the relevé des avis names it


def test_validated_file_says_when_and_by_whom_and_downloads_are_named_projet_then_valide(demo, app):
    person = db.session.get(Person, demo.attendances[0].person_id)
    secretary = Person(organisation=person.organisation, civility=Civility.MRS, first_name="Claire",
                       last_name="Dupont")
    user = create_user(Role.SECRETARIAT, person=secretary)
    client = log_in(app.test_client(), user)
    response = client.get(f"/meetings/{demo.id}/minutes.docx")
    assert "-projet.docx" in response.headers["Content-Disposition"]
    assert "validé le" not in body_text(reopen(response.data))
    client.post(f"/meetings/{demo.id}/minutes/validate")
    response = client.get(f"/meetings/{demo.id}/minutes.docx")
    assert "compte-rendu-2020-05-28-gt-covid-deconfinement-valide.docx" in response.headers["Content-Disposition"]
    validated_at = db.session.get(Minutes, demo.minutes.id).validated_at
    assert f"Compte rendu validé le {plain_date(validated_at)} par Mme Claire DUPONT." in body_text(
        reopen(response.data))


def test_plenary_attendance_sorted_grouped_by_college_with_absents_and_agreement(app_context):
    body = make_body("CRSA plénière")
    seats = {}
    for last_name, college, civility in (("Zola", "1er collège : collectivités", Civility.MR),
                                         ("Abel", "2e collège : usagers", Civility.MRS),
                                         ("Élie", "1er collège : collectivités", Civility.MRS),
                                         ("Brun", "2e collège : usagers", Civility.MR),
                                         ("Morel", "", Civility.MR),
                                         ("Petit", "1er collège : collectivités", Civility.MR),
                                         ("Roux", "2e collège : usagers", Civility.MRS)):
        membership = add_member(body, last_name)
        membership.college = college
        membership.person.civility = civility
        seats[last_name] = membership
    meeting = make_meeting(body)
    status = {"Zola": AttendanceStatus.PRESENT, "Abel": AttendanceStatus.PRESENT, "Élie": AttendanceStatus.PRESENT,
              "Brun": AttendanceStatus.REPRESENTED, "Morel": AttendanceStatus.PRESENT,
              "Petit": AttendanceStatus.ABSENT, "Roux": AttendanceStatus.REPRESENTED}
    for position, (last_name, membership) in enumerate(seats.items()):
        meeting.attendances.append(Attendance(
            person=membership.person, status=status[last_name], title=membership.title, position=position,
            represented_by=seats["Zola"].person if status[last_name] is AttendanceStatus.REPRESENTED else None))
    db.session.commit()
    db.session.expire_all()
    document = reopen(build_minutes(load_meeting_for_minutes(meeting.id)))
    typeset = french_typography
    assert headings(document) == [
        ("Heading 1", "Participants"),
        ("Heading 2", "Étaient présents"), ("Heading 3", typeset("1er collège : collectivités")),
        ("Heading 3", typeset("2e collège : usagers")), ("Heading 3", "Autres membres"),
        ("Heading 2", "Étaient représentés"), ("Heading 3", typeset("2e collège : usagers")),
        ("Heading 2", "Étaient absents"), ("Heading 3", typeset("1er collège : collectivités")),
    ]
    names = [[row[0] for row in table_rows(table)[1:]] for table in document.tables]
    assert names == [
        ["Mme ÉLIE Anne", "M. ZOLA Anne"], ["Mme ABEL Anne"], ["M. MOREL Anne"],
        ["M. BRUN Anne, représenté par M. ZOLA Anne", "Mme ROUX Anne, représentée par M. ZOLA Anne"],
        ["M. PETIT Anne"],
    ]


def test_each_attendance_is_listed_under_the_college_of_its_seat_on_the_meeting_day(app_context):
    """The collège is that of the seat in this body current on the meeting day: not of a mandate ended before,
    nor of one starting after, nor of a seat in another body."""
    body, other_body = make_body("CRSA plénière"), make_body("Commission permanente")
    renewed = add_member(body, "Renouvelée")
    renewed.college, renewed.end_date = "Ancien collège", date(2020, 5, 31)
    db.session.add(Membership(person=renewed.person, body=body, title="Qualité", seat=Seat.TITULAIRE, voting=True,
                              college="2e collège : usagers", start_date=date(2020, 6, 1)))
    elsewhere = add_member(body, "Ailleurs")
    db.session.add(Membership(person=elsewhere.person, body=other_body, title="Qualité", seat=Seat.TITULAIRE,
                              voting=True, college="Collège d'une autre instance", start_date=date(2019, 1, 1)))
    future = add_member(body, "Future")
    future.start_date, future.college = date(2020, 7, 1), "Collège à venir"
    meeting = make_meeting(body, day=date(2020, 6, 4), convene=[renewed, elsewhere, future])
    for position, membership in enumerate((renewed, elsewhere, future)):
        meeting.attendances.append(Attendance(person=membership.person, status=AttendanceStatus.PRESENT,
                                              title=membership.title, position=position))
    db.session.commit()
    document = reopen(minutes_file(load_meeting_for_minutes(meeting.id)))
    assert headings(document)[-3:] == [("Heading 2", "Étaient présents"),
                                       ("Heading 3", french_typography("2e collège : usagers")),
                                       ("Heading 3", "Autres membres")]
    names = [[row[0] for row in table_rows(table)[1:]] for table in document.tables]
    assert names[-2:] == [["Mme RENOUVELÉE Anne"], ["Mme AILLEURS Anne", "Mme FUTURE Anne"]]


def test_typed_text_keeps_its_typography_when_the_organisation_turns_it_off(app_context):
    body = make_body("CTS test")
    meeting = make_meeting(body, context="Objectif : l'accès aux soins !")
    body.organisation.french_typography = False
    db.session.commit()
    texts = [text for _style, text in styled_paragraphs(reopen(build_minutes(load_meeting_for_minutes(meeting.id))))]
    assert "Objectif : l'accès aux soins !" in texts
    assert f"Instance{NBSP}: CTS test" in texts  # the tool's own labels always
    body.organisation.french_typography = True
    db.session.commit()
    texts = [text for _style, text in styled_paragraphs(reopen(build_minutes(load_meeting_for_minutes(meeting.id))))]
    assert f"Objectif{NBSP}: l’accès aux soins{NBSP}!" in texts


def test_french_typography_leaves_hours_and_addresses_alone():
    assert french_typography("Réunion à 10:30, voir https://ars.example.fr : ici") == (
        f"Réunion à 10:30, voir https://ars.example.fr{NBSP}: ici")
    assert french_typography("«Aller vers» ; l'ARS?") == f"«{NBSP}Aller vers{NBSP}»{NBSP}; l’ARS{NBSP}?"


def test_admin_turns_french_typography_of_typed_text_off_and_on(admin_client):
    organisation = test_organisation()
    page = admin_client.get("/organisation").get_data(as_text=True)
    assert "Appliquer la typographie française" in page
    data = {"name": organisation.name, "short_name": "ARS", "secretariat_email": ""}
    assert admin_client.post("/organisation", data=data).status_code == 302
    db.session.expire_all()
    assert test_organisation().french_typography is False
    admin_client.post("/organisation", data={**data, "french_typography": "y"})
    db.session.expire_all()
    assert test_organisation().french_typography is True

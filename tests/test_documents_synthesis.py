"""The synthesis by theme, built from the demo meetings and through its page."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.demo import WORKING_GROUP_NAME
from app.documents.queries import meetings_for_synthesis, synthesis_themes
from app.documents.synthesis import build_synthesis
from app.documents.typography import french_typography as fr
from app.extensions import db
from app.models import Body, Meeting, MeetingStatus, Role, RoundTablePoint, RoundTableSection, Theme, utc_now
from conftest import create_user, log_in
from docx_reading import headings, repeated_header_flags, reopen, styled_paragraphs, table_rows

PILLAR_NAMES = [fr(name) for name in (
    "Pilier n°1 : Transformer les métiers et revaloriser ceux qui soignent",
    "Pilier n°2 : Définir une nouvelle politique d'investissement et de financement au service des soins",
    "Pilier n°3 : Simplifier radicalement les organisations et le quotidien des équipes",
    "Pilier n°4 : Fédérer les acteurs de la santé dans les territoires au service des usagers",
)]
CITATION_28_MAY = " (GT COVID Déconfinement, 28 mai 2020)"
CITATION_9_JUNE = " (GT COVID Déconfinement, 9 juin 2020)"


@pytest.fixture
def group(demo) -> Body:
    return demo.body


@pytest.fixture
def proposals(demo, group):
    """Proposals at the 9 June meeting: one on pillar 1, one on pillars 2 and 3, one without theme."""
    june_9 = db.session.scalar(select(Meeting).where(Meeting.body_id == group.id).order_by(Meeting.starts_at)
                               .offset(1).limit(1))
    themes = {theme.code: theme for theme in db.session.scalars(select(Theme))}
    section = RoundTableSection(position=1, title="Propositions")
    june_9.sections = [section]
    section.points = [
        RoundTablePoint(position=1, text="Créer un guichet unique « aller vers »", is_proposal=True,
                        themes=[themes["pilier-1"]]),
        RoundTablePoint(position=2, text="Financer les coopérations & simplifier", is_proposal=True,
                        themes=[themes["pilier-2"], themes["pilier-3"]]),
        RoundTablePoint(position=3, text="Associer les usagers", is_proposal=True),
    ]
    db.session.commit()
    return june_9


def synthesis_of(group, date_from=date(2020, 5, 1), date_to=date(2020, 6, 30)):
    return reopen(build_synthesis(meetings_for_synthesis([group.id], date_from, date_to),
                                  synthesis_themes(group.organisation_id)))


def test_counts_per_theme_come_first_in_a_table(group, proposals):
    document = synthesis_of(group)
    paragraphs = styled_paragraphs(document)
    assert paragraphs[0] == ("Title", "Synthèse des travaux")
    assert paragraphs[1][1] == fr("4 séance(s) du 28 mai 2020 au 23 juin 2020 ; "
                                   "18 point(s), dont 3 proposition(s).")
    assert paragraphs[2][1] == fr(f"Instances : {WORKING_GROUP_NAME}")
    assert paragraphs[3] == ("Heading 1", "Points et propositions par thème")
    counts = document.tables[0]
    assert table_rows(counts) == [
        ["THÈME", "POINTS RELEVÉS", "PROPOSITIONS"],
        [PILLAR_NAMES[0], "3", "1"],
        [PILLAR_NAMES[1], "1", "1"],
        [PILLAR_NAMES[2], "2", "1"],
        [PILLAR_NAMES[3], "4", "0"],
        ["Sans thème", "5", "1"],
    ]
    assert repeated_header_flags(counts)[0]


def test_points_are_grouped_by_pillar_and_cite_their_meeting(group, proposals):
    document = synthesis_of(group)
    assert [text for style, text in headings(document) if style == "Heading 1"] == [
        "Points et propositions par thème", *PILLAR_NAMES, "Sans thème", "Séances retenues"]
    paragraphs = styled_paragraphs(document)
    pillar_1 = paragraphs.index(("Heading 1", PILLAR_NAMES[0]))
    assert paragraphs[pillar_1 + 1:pillar_1 + 7] == [
        ("Heading 2", "Propositions"),
        ("List Bullet", fr("Créer un guichet unique « aller vers »") + CITATION_9_JUNE),
        ("Heading 2", "Points relevés"),
        ("List Bullet", fr("Implication remarquable des professionnels de santé et de l'ensemble des personnels "
                           "d'accompagnement") + CITATION_28_MAY),
        ("List Bullet", paragraphs[pillar_1 + 5][1]),
        ("List Bullet", paragraphs[pillar_1 + 6][1]),
    ]
    assert paragraphs[pillar_1 + 5][1].startswith("Métiers de la santé")
    two_themes = ("List Bullet", "Financer les coopérations & simplifier" + CITATION_9_JUNE)
    assert paragraphs.count(two_themes) == 2
    citation_run = document.paragraphs[pillar_1 + 2].runs[-1]
    assert citation_run.italic and citation_run.text == CITATION_9_JUNE


def test_sub_points_follow_their_parent_one_level_down(group):
    paragraphs = styled_paragraphs(synthesis_of(group))
    parent = paragraphs.index(("List Bullet", fr("Emergence de nouvelles modalités de collaboration :") + CITATION_28_MAY))
    assert paragraphs[parent + 1][0] == "List Bullet 2"
    assert paragraphs[parent + 1][1].startswith("Des exemples de coopérations territoriales")
    assert paragraphs[parent + 1][1].endswith("collectivités locales")  # no citation on sub-points
    assert paragraphs[parent + 2][0] == "List Bullet 2"


def test_date_range_keeps_only_meetings_between_the_two_days(group):
    document = synthesis_of(group, date(2020, 6, 9), date(2020, 6, 16))
    meetings = [text for style, text in styled_paragraphs(document)[-2:]]
    assert meetings == [fr("GT COVID Déconfinement, 9 juin 2020 : Réunion du groupe de travail CRSA COVID "
                           "Déconfinement"),
                        fr("GT COVID Déconfinement, 16 juin 2020 : Réunion du groupe de travail CRSA COVID "
                           "Déconfinement")]
    assert [row[1:] for row in table_rows(document.tables[0])[1:]] == [["0", "0"]] * 4


def test_secretariat_downloads_a_synthesis_from_the_page(group, secretariat_client):
    page = secretariat_client.get("/synthesis")
    assert page.status_code == 200 and WORKING_GROUP_NAME in page.get_data(as_text=True)
    data = {"bodies": [str(group.id)], "date_from": "2020-05-01", "date_to": "2020-06-30",
            "title": "Contribution de la région Occitanie au Ségur de la santé",
            "introduction": "Le groupe de travail s'est réuni quatre fois.\n- en visioconférence"}
    flagged = secretariat_client.post("/synthesis", data=data)
    assert flagged.status_code == 200 and flagged.mimetype == "text/html"  # untagged points shown first
    page = flagged.get_data(as_text=True)
    assert "5 point(s) sans thème" in page and "Produire quand même" in page
    assert f"/meetings/{group.meetings[0].id}/round-table" in page or "/round-table" in page
    response = secretariat_client.post("/synthesis", data={**data, "generate_anyway": "y"})
    assert response.status_code == 200
    assert "synthese-2020-05-01-2020-06-30.docx" in response.headers["Content-Disposition"]
    document = reopen(response.data)
    paragraphs = styled_paragraphs(document)
    assert paragraphs[0] == ("Title", "Contribution de la région Occitanie au Ségur de la santé")
    assert document.core_properties.title == "Contribution de la région Occitanie au Ségur de la santé"
    assert ("Normal", fr("Le groupe de travail s'est réuni quatre fois.")) in paragraphs
    assert ("List Bullet", "en visioconférence") in paragraphs
    assert table_rows(reopen(response.data).tables[0])[4] == [PILLAR_NAMES[3], "4", "0"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"date_from": "2020-06-30", "date_to": "2020-05-01"},
         "La date de fin doit être postérieure ou égale à la date de début."),
        ({"date_from": "2019-01-01", "date_to": "2019-12-31"}, "Aucune séance ne correspond à cette sélection."),
        ({"date_from": "2020-02-31", "date_to": "2020-06-30"}, "Date invalide"),
        ({"date_from": "", "date_to": "2020-06-30"}, "Indiquez la date de début."),
        ({"date_from": "2020-05-01", "date_to": "  "}, "Indiquez la date de fin."),  # blanks are no date
        ({"bodies": [], "date_from": "2020-05-01", "date_to": "2020-06-30"}, "Choisissez au moins une instance."),
        ({"bodies": ["999999"], "date_from": "2020-05-01", "date_to": "2020-06-30"}, "Choix invalide"),
    ],
)
def test_synthesis_form_errors_are_french_and_keep_the_input(group, secretariat_client, form, message):
    data = {"bodies": [str(group.id)], **form}
    response = secretariat_client.post("/synthesis", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if form["date_to"].strip():
        assert f'value="{form["date_to"]}"' in page


def test_members_cannot_open_the_synthesis_page(demo, app):
    member = log_in(app.test_client(), create_user(Role.MEMBER))
    assert member.get("/synthesis").status_code == 403


def test_synthesis_ignores_cancelled_and_future_meetings(group):
    held = meetings_for_synthesis([group.id], date(2020, 5, 1), date(2020, 6, 30))
    cancelled = held[1]
    cancelled.status = MeetingStatus.CANCELLED
    future = Meeting(body=group, title="Séance à venir", starts_at=utc_now() + timedelta(days=3),
                     ends_at=utc_now() + timedelta(days=3, hours=2))
    future.sections.append(RoundTableSection(title="Points", position=1, points=[
        RoundTablePoint(text="Point d'une séance future", position=1)]))
    db.session.add(future)
    db.session.commit()
    kept = meetings_for_synthesis([group.id], date(2020, 1, 1), date.today() + timedelta(days=30))
    assert cancelled not in kept and future not in kept
    assert set(held) - {cancelled} <= set(kept)
    assert all(meeting.status is not MeetingStatus.CANCELLED and meeting.ends_at <= utc_now() for meeting in kept)
    text = "\n".join(text for _style, text in styled_paragraphs(build_synthesis(kept)))
    assert "Point d’une séance future" not in text and "Séance à venir" not in text


def test_pillars_come_in_seed_003_order_with_their_counts_and_untagged_points_last(group, proposals):
    document = synthesis_of(group)
    rows = table_rows(document.tables[0])
    assert [row[0] for row in rows[1:]] == [*PILLAR_NAMES, "Sans thème"]
    level_1 = [text for style, text in headings(document) if style == "Heading 1"]
    assert level_1.index("Sans thème") == len(level_1) - 2  # before the list of meetings only

"""Seed 004 (the compte rendu of the « groupe de travail CRSA COVID déconfinement », 28 May 2020) against the
.docx the secretariat downloads for the demo's copy of that meeting, line by line and style by style.

The seed's lines are written out below as the seed gives them, so that the demo data and the builder are
checked against the source rather than against each other. The differences the README chooses are applied
to them here, and only those: French typography (non-breaking spaces, ’; « Word documents and their PDF »),
dates in full with the hour as « 10h30 » (the échéances), attendance sorted by name (« Participants are
sorted by name… »), and the demo's fictional names (app/demo.py: qualités and structure are the seed's).
"""
from __future__ import annotations

import re
from datetime import date

from app.documents.minutes import build_minutes
from app.documents.queries import load_meeting_for_minutes
from app.documents.typography import NBSP
from app.extensions import db
from app.formatting import long_date
from docx_reading import reopen, styled_paragraphs, table_rows

# The seed from its context to the end of its tour de table, in its own Markdown. One line is edited: the
# seed's « Méthode de travail retenue » is a heading that lost its marks in the text export (a bare line
# between paragraphs), written here as the heading it is.
SEED_NARRATIVE = """
Le 25 mai le Premier ministre et le Ministre des Solidarités et de la Santé ont donné le coup d'envoi du Ségur de la Santé auprès de 300 acteurs du monde de la santé.
Le Ségur de la Santé ouvre un mois de concertation avec les acteurs du système de santé :
- Des concertations nationales à travers un Comité Ségur national et un groupe Ségur national spécifique autour des carrières et des rémunérations, dès le 26 mai
- Des partages d'expérience dans les territoires à partir du 29 mai
- Une consultation en ligne via un espace d'expression dématérialisé ouvert début juin.
Les concertations du Ségur de la Santé reposent sur 4 piliers :
- Pilier n°1 : Transformer les métiers et revaloriser ceux qui soignent
- Pilier n°2 : Définir une nouvelle politique d'investissement et de financement au service des soins
- Pilier n°3 : Simplifier radicalement les organisations et le quotidien des équipes
- Pilier n°4 : Fédérer les acteurs de la santé dans les territoires au service des usagers.
Le « groupe de travail CRSA COVID Déconfinement » travaille depuis plusieurs semaines à identifier les enjeux de la gestion de crise et proposer des actions concrètes pour accompagner le processus complexe de déconfinement.
La séance de ce jour vise – aux regard des enjeux du Ségur de la santé - à élargir la réflexion du groupe de travail pour répondre à l'ambition de la concertation lancée qui vise à tirer collectivement les leçons de l'épreuve traversée pour bâtir les fondations d'un système de santé encore plus moderne, plus innovant et plus souple à l'écoute de ses professionnels, des usagers et des territoires.
Dans ce cadre, il est prévu que soient mis en œuvre des partages d'expériences territoriaux qui ont pour objectifs de recueillir largement l'avis des professionnels de santé et des usagers pour capitaliser sur les initiatives et coopérations de la crise du COVID 19. Dans la mesure du possible ces retours d'expérience devront s'appuyer sur des exemples précis et signifiants d'expériences ou d'initiatives mises en place durant la crise.
Il est proposé que la CRSA organise et anime ces partages d'expérience.
Les synthèses des retours d'expérience sont attendues pour le 20 juin afin de pouvoir être pris en compte dans le PLFSS.
## Méthode de travail retenue
Elargissement du périmètre du groupe de travail pour répondre à la demande formulée dans le cadre du Ségur de la Santé.
Animation par la CRSA en lien avec les CTS et implication des commissions spécialisées : recensement des difficultés rencontrées, des expériences réussies et des propositions concrètes et opérationnelles des territoires.
Demande de contribution de 9 CTS via leur bureau à minima et réalisation d'une concertation élargie dans 4 autres CTS autour d'un des 4 piliers.
Importance de recueillir le point de vue des collectivités locales.
Ces travaux seront poursuivis pour contribuer à revisiter le PRS à l'aune des retours d'expériences recensées.
## Tour de table des participants
### Points forts relevés
- Implication remarquable des professionnels de santé et de l'ensemble des personnels d'accompagnement
- Avancée considérable de la télémédecine
- Emergence de nouvelles modalités de collaboration :
  - Des exemples de coopérations territoriales entre les acteurs, l'ARS et association des collectivités locales
  - collaboration exemplaire entre secteur/public et privé et dispositif de régulation
- Impulsion de l'« Aller vers » (exemple de la télémédecine)
- Prise de décision et mise en œuvre très rapide dans les hôpitaux à l'opposé du fonctionnement quotidien
### Des thématiques mises en exergue durant la gestion de crise
- Articulation ville hôpital et rôle du médecin généraliste
- Si l'association des usagers à la gouvernance régionale en Occitanie dans la phase de déconfinement est relevée, la question demeure de leur association au niveau des établissements de santé au travers des CDU. Aller au-delà du réglementaire en associant les usagers dès la construction des projets puis les impliquer dans la mise en œuvre et l'évaluation. Plus largement, importance de la démocratie sanitaire : il faut accompagner les acteurs afin qu'ils soient force de proposition
- Métiers de la santé : prendre en compte la souffrance au travail des soignants : la perte de la relation au patient crée une perte de sens, lourdeur des tâches administratives. Redonner du sens au travail des soignants. Question rejoignant celle de la problématique de l'attractivité des métiers. La revalorisation des métiers doit se faire en harmonisations entre les différents secteurs
- Importance de la formation. Attente d'une plus forte implication des régions dans la définition des quotas paramédicaux et médicaux
- Faire apparaître la prévention dans l'expression des retours d'expériences
- Coopération entre les acteurs et périmètre des GHT : vers une coopération de l'ensemble des acteurs
- Renforcer les orientations de MA SANTE 2022
- Réflexion sur les EHPAD et leur faible médicalisation ; structurer les appuis qui peuvent leur être apportés, développer des méthodes de résolution des problèmes.
- Evolution de la gouvernance hospitalière : cultiver la reconnaissance, décloisonner l'hôpital avec fluidité médico-social et ville (parcours handicap).
- Difficultés de l'accompagnement des personnes en situation de précarité, des mineurs accompagnés
A l'issue du tour de table, il est convenu que chaque participant adressera à l'ARS, les principaux points qu'il a relevé au regard des enjeux du Ségur de la Santé.
"""

# « Prochaines échéances » as the seed writes them: (line, sub-lines).
SEED_DEADLINES = [
    ("Réunion de la CRSA le 3 juin", []),
    ("Réunions du groupe de travail CRSA COVID :", ["Le 09/06 à 10h30", "Le 16/06 à 14H30", "Le 23/06 à 11H00"]),
]
# « Les synthèses des retours d'expérience sont attendues pour le 20 juin »: the context's due date, an échéance.
SEED_DUE_DATE = date(2020, 6, 20)

# The seed's attendance: civility and qualité (the demo's names are fictional), in the seed's order.
SEED_PRESENT = [
    ("M.", "Président de la CRSA"), ("M.", "Président URPS Médecins"),
    ("M.", "Président de France Assos Santé Occitanie"), ("Mme", "Présidente du CTS Haute Garonne"),
    ("Mme", "Président de la CSP"), ("Mme", "Directrice ERE OCCITANIE"), ("M.", "Président de la CSDU"),
    ("M.", "Conseil Régional"), ("Mme", "Présidente de la Communauté d'Agglomération de l'Albigeois"),
    ("M.", "Président de la CSOS"), ("M.", "Président de la CSMS"), ("Mme", "CD 34"),
]
SEED_EXCUSED = [("M.", "URPS Infirmiers"), ("M.", "Président ERE Occitanie")]
SEED_ARS_STAFF = [
    ("M.", "Directeur Général Adjoint"),
    ("M.", "Directeur des Droits des Usagers et des Affaires Juridiques (DUAJ)"),
    ("Mme", "Directrice Déléguée des Droits des Usagers et des Affaires Juridiques"),
    ("Mme", "Assistante Démocratie Sanitaire (DUAJ)"),
]
# The seed's surnames without a first name keep it so (« Mme DUPRE GOUDALE »).
SEED_NAMES_WITHOUT_FIRST_NAME = {"Directrice ERE OCCITANIE"}

MARKDOWN_STYLES = (("## ", "Heading 1"), ("### ", "Heading 2"), ("  - ", "List Bullet 2"), ("- ", "List Bullet"))


def seed_lines(markdown: str) -> list[tuple[str, str]]:
    """(Word style, text) of each line of the seed's Markdown."""
    lines = []
    for line in markdown.strip("\n").splitlines():
        style, text = next(((style, line[len(mark):]) for mark, style in MARKDOWN_STYLES if line.startswith(mark)),
                           ("Normal", line))
        lines.append((style, text))
    return lines


def plain(text: str) -> str:
    """The text with French typography undone, to compare it with the seed as typed."""
    return text.replace(NBSP, " ").replace("’", "'")


def downloaded_minutes(client, meeting):
    response = client.get(f"/meetings/{meeting.id}/minutes.docx")
    assert response.status_code == 200
    return reopen(response.data)


def paragraphs_between(document, first_text: str, heading: str) -> list[tuple[str, str]]:
    """(style, plain text) from the paragraph ``first_text`` to the one before the Heading 1 ``heading``."""
    paragraphs = [(style, plain(text)) for style, text in styled_paragraphs(document)]
    start = [text for _style, text in paragraphs].index(first_text)
    end = paragraphs.index(("Heading 1", heading), start)
    return paragraphs[start:end]


def test_context_working_method_and_tour_de_table_read_as_the_seed_line_by_line_with_its_levels(
        demo, secretariat_client):
    expected = seed_lines(SEED_NARRATIVE)
    document = downloaded_minutes(secretariat_client, demo)
    assert paragraphs_between(document, expected[0][1], "Prochaines échéances") == expected


def test_the_route_serves_the_pure_builder_document_plus_the_quorum_sentence(demo, secretariat_client):
    served = styled_paragraphs(downloaded_minutes(secretariat_client, demo))
    built = styled_paragraphs(reopen(build_minutes(load_meeting_for_minutes(demo.id))))
    quorum = ("Normal", "Le quorum étant atteint (12 membres présents ou représentés sur 14), la séance est ouverte.")
    assert served == built[:9] + [quorum] + built[9:]
    assert built[1] == ("Normal", "Compte rendu de la séance du jeudi 28 mai 2020")  # the seed's « Date : 28 mai 2020 »


def in_full(seed_text: str) -> str:
    """The seed's dates as the documents print them (2020): « le 3 juin » → « le mercredi 3 juin 2020 »,
    « Le 09/06 à 14H30 » → « Le mardi 9 juin 2020 à 14h30 »."""
    text = re.sub(r"(\d\d)/(\d\d)", lambda match: long_date(date(2020, int(match[2]), int(match[1]))), seed_text)
    text = re.sub(r"(\d\d)H(\d\d)", r"\1h\2", text)
    return re.sub(r"le (\d+) juin$", lambda match: f"le {long_date(date(2020, 6, int(match[1])))}", text)


def test_prochaines_echeances_give_the_seed_lines_with_their_days_and_hours(demo, secretariat_client):
    expected = []
    for seed_line, seed_children in SEED_DEADLINES:
        expected.append(("List Bullet", in_full(seed_line)))
        expected += [("List Bullet 2", in_full(child)) for child in seed_children]
    expected[0] = ("List Bullet", expected[0][1] + " à 14h00")  # the hour of the CRSA plenary of that day
    expected.append(("List Bullet", f"Synthèses des retours d'expérience attendues le {long_date(SEED_DUE_DATE)}"))
    document = downloaded_minutes(secretariat_client, demo)
    assert paragraphs_between(document, expected[0][1], "Participants") == expected


def _civility_and_title(name_and_title: tuple[str, str]) -> tuple[str, str]:
    name, title = name_and_title
    return name.split(" ", 1)[0], plain(title)


def test_attendance_holds_every_civility_and_qualite_of_the_seed(demo, secretariat_client):
    document = downloaded_minutes(secretariat_client, demo)
    present, excused = document.tables
    for table, seed_rows in ((present, SEED_PRESENT), (excused, SEED_EXCUSED)):
        rows = table_rows(table)
        assert rows[0] == ["NOMS", "QUALITÉ"]
        assert sorted(_civility_and_title(tuple(row)) for row in rows[1:]) == sorted(seed_rows)
        for name, title in rows[1:]:
            surname_and_first_name = name.split(" ", 1)[1]
            assert (plain(title) in SEED_NAMES_WITHOUT_FIRST_NAME) == (surname_and_first_name.upper()
                                                                       == surname_and_first_name), name
    paragraphs = styled_paragraphs(document)
    staff_heading = ("Heading 2", "Personnes présentes au titre de l’Agence Régionale de Santé")
    staff = paragraphs[paragraphs.index(staff_heading) + 1:]
    assert [style for style, _text in staff] == ["List Bullet"] * len(SEED_ARS_STAFF)
    # « M. Pierre RICORDEAU, Directeur Général Adjoint »: civility, first name, NAME, qualité, in the seed's order.
    assert [(text.split(" ", 1)[0], plain(text.split(", ", 1)[1])) for _style, text in staff] == SEED_ARS_STAFF
    assert all(re.fullmatch(r"(M\.|Mme) \S+ [A-ZÀ-Ý' -]+, .+", text) for _style, text in staff)


def test_every_line_follows_french_typography(demo, secretariat_client):
    """No ordinary space before « : ; ! ? » nor inside « », no straight apostrophe: in the tool's labels and in
    the typed text alike (the demo ARS keeps « typographie française » on)."""
    document = downloaded_minutes(secretariat_client, demo)
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell for table in document.tables for row in table_rows(table) for cell in row]
    texts += [paragraph.text for paragraph in document.sections[0].header.paragraphs]
    faults = [text for text in texts if re.search(r"[ \t][:;!?]|«[^\u00a0]|[^\u00a0]»|'", text)]
    assert faults == []


def test_echeance_titles_typed_by_the_secretariat_keep_their_typography_when_the_organisation_turns_it_off(
        demo, secretariat_client):
    """README: French typography applies to the typed text « as the organisation chooses ». With it off, the
    seed's context keeps « retours d'expérience » as typed, but the échéance typed beside it, « Synthèses des
    retours d'expérience attendues », came out « d’expérience »: one compte rendu, two spellings."""
    demo.body.organisation.french_typography = False
    db.session.commit()
    texts = [text for _style, text in styled_paragraphs(downloaded_minutes(secretariat_client, demo))]
    assert ("Les synthèses des retours d'expérience sont attendues pour le 20 juin afin de pouvoir être pris en "
            "compte dans le PLFSS.") in texts
    assert f"Synthèses des retours d'expérience attendues le {long_date(SEED_DUE_DATE)}" in texts
    assert "Réunions du groupe de travail CRSA COVID :" in texts
    assert f"Instance{NBSP}: Groupe de travail CRSA COVID Déconfinement" in texts  # the tool's own labels always

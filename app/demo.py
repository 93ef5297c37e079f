"""Demo data: an ARS with its CRSA, commissions, two CTS and the working group of seed 004,
whose 28 May 2020 meeting is recorded exactly as that compte rendu records it; a second, smaller ARS
with its own accounts, so that each ARS seeing only its own data shows; and a national admin.

People's names are fictional; qualités and structure are those of the seed.
"""
from __future__ import annotations

import unicodedata
from datetime import date, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.formatting import paris_datetime, paris_today
from app.meetings.defaults import DEFAULT_AGENDA_ITEM
from app.meetings.scheduling import MeetingDetails, Occurrence, schedule_meeting
from app.votes.demo import add_demo_votes
from app.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Capacity,
    Civility,
    Deadline,
    DeadlineKind,
    Invitation,
    Meeting,
    MeetingStatus,
    Membership,
    Organisation,
    Person,
    Role,
    RoundTablePoint,
    RoundTableSection,
    Seat,
    Theme,
    User,
    ensure_default_themes,
)

ORGANISATION_NAME = "Agence Régionale de Santé Occitanie"
WORKING_GROUP_NAME = "Groupe de travail CRSA COVID Déconfinement"
DEMO_PASSWORD = "demo-seances-2020"  # demo accounts only; documented in the README
OTHER_ORGANISATION_NAME = "Agence Régionale de Santé Bretagne"
NATIONAL_ADMIN_EMAIL = "national@demo.example.fr"

SEED_CONTEXT = """Le 25 mai le Premier ministre et le Ministre des Solidarités et de la Santé ont donné le coup d'envoi du Ségur de la Santé auprès de 300 acteurs du monde de la santé.
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
Les synthèses des retours d'expérience sont attendues pour le 20 juin afin de pouvoir être pris en compte dans le PLFSS."""

SEED_WORKING_METHOD = """Elargissement du périmètre du groupe de travail pour répondre à la demande formulée dans le cadre du Ségur de la Santé.
Animation par la CRSA en lien avec les CTS et implication des commissions spécialisées : recensement des difficultés rencontrées, des expériences réussies et des propositions concrètes et opérationnelles des territoires.
Demande de contribution de 9 CTS via leur bureau à minima et réalisation d'une concertation élargie dans 4 autres CTS autour d'un des 4 piliers.
Importance de recueillir le point de vue des collectivités locales.
Ces travaux seront poursuivis pour contribuer à revisiter le PRS à l'aune des retours d'expériences recensées."""

SEED_CONCLUSION = (
    "A l'issue du tour de table, il est convenu que chaque participant adressera à l'ARS, "
    "les principaux points qu'il a relevé au regard des enjeux du Ségur de la Santé."
)

# (text, sub-points, pillar codes)
SEED_STRONG_POINTS = [
    ("Implication remarquable des professionnels de santé et de l'ensemble des personnels d'accompagnement", [], ["pilier-1"]),
    ("Avancée considérable de la télémédecine", [], []),
    (
        "Emergence de nouvelles modalités de collaboration :",
        [
            "Des exemples de coopérations territoriales entre les acteurs, l'ARS et association des collectivités locales",
            "collaboration exemplaire entre secteur/public et privé et dispositif de régulation",
        ],
        ["pilier-4"],
    ),
    ("Impulsion de l'« Aller vers » (exemple de la télémédecine)", [], []),
    ("Prise de décision et mise en œuvre très rapide dans les hôpitaux à l'opposé du fonctionnement quotidien", [], ["pilier-3"]),
]

SEED_THEMATICS = [
    ("Articulation ville hôpital et rôle du médecin généraliste", ["pilier-4"]),
    ("Si l'association des usagers à la gouvernance régionale en Occitanie dans la phase de déconfinement est relevée, la question demeure de leur association au niveau des établissements de santé au travers des CDU. Aller au-delà du réglementaire en associant les usagers dès la construction des projets puis les impliquer dans la mise en œuvre et l'évaluation. Plus largement, importance de la démocratie sanitaire : il faut accompagner les acteurs afin qu'ils soient force de proposition", ["pilier-4"]),
    ("Métiers de la santé : prendre en compte la souffrance au travail des soignants : la perte de la relation au patient crée une perte de sens, lourdeur des tâches administratives. Redonner du sens au travail des soignants. Question rejoignant celle de la problématique de l'attractivité des métiers. La revalorisation des métiers doit se faire en harmonisations entre les différents secteurs", ["pilier-1"]),
    ("Importance de la formation. Attente d'une plus forte implication des régions dans la définition des quotas paramédicaux et médicaux", ["pilier-1"]),
    ("Faire apparaître la prévention dans l'expression des retours d'expériences", []),
    ("Coopération entre les acteurs et périmètre des GHT : vers une coopération de l'ensemble des acteurs", ["pilier-4"]),
    ("Renforcer les orientations de MA SANTE 2022", []),
    ("Réflexion sur les EHPAD et leur faible médicalisation ; structurer les appuis qui peuvent leur être apportés, développer des méthodes de résolution des problèmes.", ["pilier-2"]),
    ("Evolution de la gouvernance hospitalière : cultiver la reconnaissance, décloisonner l'hôpital avec fluidité médico-social et ville (parcours handicap).", ["pilier-3"]),
    ("Difficultés de l'accompagnement des personnes en situation de précarité, des mineurs accompagnés", []),
]

# (civility, last name, first name, qualité): fictional names, the seed's qualités.
SEED_PRESENT = [
    (Civility.MR, "Marchand", "Laurent", "Président de la CRSA"),
    (Civility.MR, "Bertrand", "Maurice", "Président URPS Médecins"),
    (Civility.MR, "Delmas", "Jean-Michel", "Président de France Assos Santé Occitanie"),
    (Civility.MRS, "De Sousa-Laffitte", "Elvire", "Présidente du CTS Haute Garonne"),
    (Civility.MRS, "Grandclément", "Hélène", "Président de la CSP"),
    (Civility.MRS, "Durand Goudin", "", "Directrice ERE OCCITANIE"),
    (Civility.MR, "Serres", "Simon", "Président de la CSDU"),
    (Civility.MR, "Bousquet", "Michel", "Conseil Régional"),
    (Civility.MRS, "Guiral-Chambon", "Stéphanie", "Présidente de la Communauté d'Agglomération de l'Albigeois"),
    (Civility.MR, "Jouve", "Olivier", "Président de la CSOS"),
    (Civility.MR, "Jourdan", "Philippe", "Président de la CSMS"),
    (Civility.MRS, "Nougaret", "Dominique", "CD 34"),
]
SEED_EXCUSED = [
    (Civility.MR, "Bouscat", "Jean-François", "URPS Infirmiers"),
    (Civility.MR, "Brunel", "Jacques", "Président ERE Occitanie"),
]
SEED_ARS_STAFF = [
    (Civility.MR, "Ricard", "Pierre", "Directeur Général Adjoint"),
    (Civility.MR, "Mercier", "Philippe", "Directeur des Droits des Usagers et des Affaires Juridiques (DUAJ)"),
    (Civility.MRS, "Battisti", "Marie-Pierre", "Directrice Déléguée des Droits des Usagers et des Affaires Juridiques"),
    (Civility.MRS, "Le Roux", "Céline", "Assistante Démocratie Sanitaire (DUAJ)"),
]

SPECIALISED_COMMISSIONS = [
    ("Commission spécialisée de prévention", "CSP"),
    ("Commission spécialisée de l'organisation des soins", "CSOS"),
    ("Commission spécialisée pour les prises en charge et accompagnements médico-sociaux", "CSMS"),
    ("Commission spécialisée dans le domaine des droits des usagers", "CSDU"),
]


def demo_email(first_name: str, last_name: str) -> str:
    """« hélène.grandclément » → « helene.grandclement@demo.example.fr » (plain ASCII addresses)."""
    local = f"{first_name or 'contact'}.{last_name}".lower().replace(" ", "-")
    return unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode() + "@demo.example.fr"


def database_is_empty() -> bool:
    """No body yet (an organisation and its first accounts may exist already)."""
    return db.session.scalar(select(Body.id).limit(1)) is None


def load_demo(today: date | None = None) -> bool:
    """Load the demo data into an empty database. Returns False (and changes nothing) otherwise."""
    if not database_is_empty():
        return False
    today = today or paris_today()
    ensure_default_themes()
    pillars = {theme.code: theme for theme in db.session.scalars(select(Theme))}

    ars = Organisation(name=ORGANISATION_NAME, short_name="ARS Occitanie", state_brand=True,
                       secretariat_email="ars-oc-democratie-sanitaire@ars.example.fr")
    crsa = Body(organisation=ars, kind=BodyKind.CRSA_PLENARY, name="Conférence Régionale de la Santé et de l'Autonomie",
                short_name="CRSA", territory="Occitanie")
    permanent = Body(organisation=ars, kind=BodyKind.PERMANENT_COMMISSION, name="Commission permanente de la CRSA",
                     short_name="CP", parent=crsa, territory="Occitanie")
    commissions = {
        short: Body(organisation=ars, kind=BodyKind.SPECIALISED_COMMISSION, name=name, short_name=short, parent=crsa,
                    territory="Occitanie")
        for name, short in SPECIALISED_COMMISSIONS
    }
    cts_31 = Body(organisation=ars, kind=BodyKind.CTS, name="Conseil territorial de santé de Haute-Garonne",
                  short_name="CTS 31", territory="Haute-Garonne")
    cts_34 = Body(organisation=ars, kind=BodyKind.CTS, name="Conseil territorial de santé de l'Hérault",
                  short_name="CTS 34", territory="Hérault")
    group = Body(organisation=ars, kind=BodyKind.WORKING_GROUP, name=WORKING_GROUP_NAME,
                 short_name="GT COVID Déconfinement", parent=crsa, territory="Occitanie", convocation_days=5)
    db.session.add_all([crsa, permanent, cts_31, cts_34, group, *commissions.values()])

    def person(civility, last_name, first_name, affiliation=""):
        new_person = Person(organisation=ars, civility=civility, last_name=last_name, first_name=first_name,
                            affiliation=affiliation, email=demo_email(first_name, last_name))
        db.session.add(new_person)
        return new_person

    mandate_start = date(2019, 1, 1)
    members = []
    for civility, last_name, first_name, title in SEED_PRESENT + SEED_EXCUSED:
        member = person(civility, last_name, first_name)
        db.session.add(Membership(person=member, body=group, title=title, seat=Seat.TITULAIRE, voting=True,
                                  start_date=mandate_start, college=""))
        members.append((member, title))
    # The CRSA president and the commission presidents also sit in the plenary.
    for member, title in members[:1] + [m for m in members if m[1].startswith("Président de la CS")]:
        db.session.add(Membership(person=member, body=crsa, title=title, seat=Seat.TITULAIRE, voting=True,
                                  start_date=mandate_start))
    for member, title in members:
        for short, commission in commissions.items():
            if title.endswith(short):
                db.session.add(Membership(person=member, body=commission, title=title, seat=Seat.TITULAIRE,
                                          voting=True, start_date=mandate_start))
    cts_president = members[3][0]
    db.session.add(Membership(person=cts_president, body=cts_31, title="Présidente du CTS Haute Garonne",
                              start_date=mandate_start))
    substitute = person(Civility.MRS, "Fabre", "Claire")
    db.session.add(Membership(person=substitute, body=group, title="URPS Médecins", seat=Seat.SUPPLEANT,
                              voting=True, start_date=mandate_start,
                              substitute_for=next(m for m in group.memberships if m.person is members[1][0])))
    staff = [(person(civility, last_name, first_name, "ARS Occitanie"), title)
             for civility, last_name, first_name, title in SEED_ARS_STAFF]

    meeting = Meeting(
        body=group,
        title="Réunion du groupe de travail CRSA COVID Déconfinement — Ségur de la Santé",
        starts_at=paris_datetime(date(2020, 5, 28), 10, 0),
        ends_at=paris_datetime(date(2020, 5, 28), 12, 0),
        place="Visioconférence",
        status=MeetingStatus.HELD,
        context=SEED_CONTEXT,
        working_method=SEED_WORKING_METHOD,
        round_table_conclusion=SEED_CONCLUSION,
    )
    db.session.add(meeting)
    meeting.agenda_items = [
        AgendaItem(position=1, title="Ségur de la Santé : élargissement de la réflexion du groupe de travail"),
        AgendaItem(position=2, title="Tour de table des participants"),
        AgendaItem(position=3, title="Prochaines échéances"),
    ]
    position = 0
    for member, title in members:
        meeting.invitations.append(Invitation(person=member, title=title, capacity=Capacity.MEMBER))
    for status, rows in ((AttendanceStatus.PRESENT, members[:12]), (AttendanceStatus.EXCUSED, members[12:])):
        for member, title in rows:
            position += 1
            meeting.attendances.append(Attendance(person=member, title=title, status=status, capacity=Capacity.MEMBER,
                                                  voting=True, position=position))
    for staff_person, title in staff:
        position += 1
        meeting.attendances.append(Attendance(person=staff_person, title=title, status=AttendanceStatus.PRESENT,
                                              capacity=Capacity.ARS_STAFF, position=position))

    strong = RoundTableSection(position=1, title="Points forts relevés")
    thematics = RoundTableSection(position=2, title="Des thématiques mises en exergue durant la gestion de crise")
    meeting.sections = [strong, thematics]
    for index, (text, sub_points, codes) in enumerate(SEED_STRONG_POINTS, start=1):
        point = RoundTablePoint(position=index, text=text, themes=[pillars[c] for c in codes])
        strong.points.append(point)
        for sub_index, sub_text in enumerate(sub_points, start=1):
            strong.points.append(RoundTablePoint(parent=point, position=sub_index, text=sub_text))
    for index, (text, codes) in enumerate(SEED_THEMATICS, start=1):
        thematics.points.append(RoundTablePoint(position=index, text=text, themes=[pillars[c] for c in codes]))

    group_meetings = []
    for day, hour, minute in ((9, 10, 30), (16, 14, 30), (23, 11, 0)):
        start = paris_datetime(date(2020, 6, day), hour, minute)
        group_meetings.append(Meeting(body=group, title="Réunion du groupe de travail CRSA COVID Déconfinement",
                                      starts_at=start, ends_at=start + timedelta(hours=2), place="Visioconférence",
                                      status=MeetingStatus.HELD))
    db.session.add_all(group_meetings)
    meeting.deadlines = [
        Deadline(position=1, kind=DeadlineKind.NEXT_MEETING, title="Réunion de la CRSA", body=crsa,
                 due_date=date(2020, 6, 3)),
        *[
            Deadline(position=index, kind=DeadlineKind.NEXT_MEETING, title="Réunions du groupe de travail CRSA COVID",
                     body=group, due_date=announced.starts_at.date(), due_at=announced.starts_at,
                     announced_meeting=announced)
            for index, announced in enumerate(group_meetings, start=2)
        ],
        Deadline(position=5, kind=DeadlineKind.DUE_DATE, title="Synthèses des retours d'expérience attendues",
                 due_date=date(2020, 6, 20)),
    ]

    # « Réunion de la CRSA le 3 juin »: the plenary the demo holds that day, so that calendars show it once.
    plenary = _add_crsa_plenary(crsa, commissions)
    meeting.deadlines[0].announced_meeting, meeting.deadlines[0].due_at = plenary, plenary.starts_at
    add_demo_votes(crsa)
    _add_upcoming_meetings(today, crsa, commissions["CSDU"], cts_31, group)
    _add_demo_users(ars, members[0][0], staff[3][0])
    _add_other_organisation(today)
    _add_dossiers()
    db.session.commit()
    return True


# The 8 collèges of the CRSA (D.1432-28) and how many of the 100 voting titulaires of the demo sit in each.
CRSA_COLLEGES = [
    ("1 — Collectivités territoriales", 13, ["Conseil régional", "Conseil départemental", "Communauté d'agglomération"]),
    ("2 — Usagers des services de santé et médico-sociaux", 17,
     ["France Assos Santé", "Association de patients", "Union départementale des associations familiales"]),
    ("3 — Conseils territoriaux de santé", 9, ["Représentant d'un conseil territorial de santé"]),
    ("4 — Partenaires sociaux", 10, ["Organisation syndicale de salariés", "Organisation professionnelle d'employeurs"]),
    ("5 — Cohésion et protection sociales", 7, ["Caisse d'allocations familiales", "Mutualité française"]),
    ("6 — Prévention et éducation pour la santé", 7, ["Service de santé au travail", "Éducation pour la santé"]),
    ("7 — Offreurs des services de santé", 35,
     ["Fédération hospitalière de France", "URPS Médecins", "URPS Infirmiers", "Fédération des EHPAD",
      "Ordre des médecins"]),
    ("8 — Personnalités qualifiées", 2, ["Personnalité qualifiée"]),
]


def _add_crsa_plenary(crsa: Body, commissions: dict[str, Body]) -> Meeting:
    """The CRSA plenary at a realistic size: 100 voting titulaires in the 8 collèges (the seed's president
    and commission presidents among them), most with one or two suppléants (generated names), its
    president, vice-presidents and a rapporteure, and two held plenaries with their attendance: the
    quorum, the suppléants sitting, the pouvoirs and the unexcused absences can be seen at work. Returns the
    plenary of 3 June."""
    from itertools import product
    from random import Random

    from app.loadgen import FIRST_NAMES, LAST_NAMES
    from app.models import MembershipRole, RoleKind

    start = date(2019, 1, 1)
    seed_names = {(first, last) for _, last, first, _ in SEED_PRESENT + SEED_EXCUSED + SEED_ARS_STAFF}
    names = [(civility, first, last) for (civility, first), last in product(FIRST_NAMES, LAST_NAMES)
             if (first, last) not in seed_names]
    Random(2020).shuffle(names)
    names = iter(names)

    def new_person():
        civility, first_name, last_name = next(names)
        person = Person(organisation=crsa.organisation, civility=civility, first_name=first_name,
                        last_name=last_name, email=demo_email(first_name, last_name))
        db.session.add(person)
        return person

    titulaires = list(crsa.memberships)  # the seed's president and commission presidents
    for membership in titulaires:
        membership.college = CRSA_COLLEGES[6][0]
    for college, size, titles in CRSA_COLLEGES:
        already = sum(1 for membership in titulaires if membership.college == college)
        for index in range(size - already):
            titulaires.append(Membership(person=new_person(), body=crsa, college=college, title=titles[index % len(titles)],
                                         seat=Seat.TITULAIRE, voting=True, start_date=start))
    substitutes = {}
    for index, titulaire in enumerate(titulaires):
        count = 0 if index % 6 == 5 else 2 if index % 3 == 0 else 1  # most have one or two
        substitutes[index] = [Membership(person=new_person(), body=crsa, college=titulaire.college, title=titulaire.title,
                                         seat=Seat.SUPPLEANT, voting=True, start_date=start, substitute_for=titulaire)
                              for _ in range(count)]
    db.session.add_all(titulaires + [m for group in substitutes.values() for m in group])

    president, vice_presidents = titulaires[0], titulaires[1:5]
    db.session.add(MembershipRole(membership=president, kind=RoleKind.PRESIDENT, start_date=start))
    for membership in vice_presidents:
        db.session.add(MembershipRole(membership=membership, kind=RoleKind.VICE_PRESIDENT, start_date=start))
        for commission in commissions.values():
            for seat in commission.memberships:
                if seat.person is membership.person:
                    db.session.add(MembershipRole(membership=seat, kind=RoleKind.PRESIDENT, start_date=start))
    db.session.add(MembershipRole(membership=titulaires[20], kind=RoleKind.RAPPORTEUR, start_date=date(2020, 1, 1)))

    # Two plenaries after the seed meeting, the titulaires convened; three of them absent without excuse
    # from both. 3 June: 45 present, 4 replaced by their suppléant, 3 pouvoirs: 52 on 100.
    absent = titulaires[97:]
    replaced = [index for index in range(45, 97) if substitutes[index]][:4]
    givers = [index for index in range(45, 97) if index not in replaced][:3]
    represented = {titulaires[index]: substitutes[index][0] for index in replaced}
    represented.update({titulaires[index]: titulaires[holder] for index, holder in zip(givers, (1, 2, 3))})
    june = _record_plenary(crsa, date(2020, 6, 3), titulaires, present=titulaires[:45], represented=represented,
                           excused=[m for m in titulaires[45:97] if m not in represented], absent=absent)
    _record_plenary(crsa, date(2020, 7, 2), titulaires, present=titulaires[:58], represented={},
                    excused=titulaires[58:97], absent=absent)
    return june


def _record_plenary(crsa: Body, day: date, convened: list[Membership], *, present: list[Membership],
                    represented: dict[Membership, Membership], excused: list[Membership],
                    absent: list[Membership]) -> Meeting:
    """A held plenary of ``convened``, its attendance recorded; a suppléant representing their titulaire sits."""
    meeting = Meeting(body=crsa, title="Séance plénière de la CRSA", starts_at=paris_datetime(day, 14, 0),
                      ends_at=paris_datetime(day, 17, 0), place="Hôtel de Région, Montpellier", status=MeetingStatus.HELD)
    meeting.agenda_items = [AgendaItem(position=1, title=DEFAULT_AGENDA_ITEM),
                            AgendaItem(position=2, title="Ségur de la Santé : la concertation en région")]
    meeting.invitations = [Invitation(person=m.person, title=m.title, capacity=Capacity.MEMBER) for m in convened]
    rows = [(m, AttendanceStatus.PRESENT, None) for m in present]
    rows += [(m, AttendanceStatus.REPRESENTED, by) for m, by in represented.items()]
    rows += [(by, AttendanceStatus.PRESENT, None) for by in represented.values() if by.seat is Seat.SUPPLEANT]
    rows += [(m, AttendanceStatus.EXCUSED, None) for m in excused] + [(m, AttendanceStatus.ABSENT, None) for m in absent]
    meeting.attendances = [
        Attendance(person=m.person, status=status, represented_by=by.person if by else None, title=m.title,
                   capacity=Capacity.MEMBER, voting=m.voting, position=position)
        for position, (m, status, by) in enumerate(rows, start=1)
    ]
    db.session.add(meeting)
    return meeting


def _add_upcoming_meetings(today: date, crsa: Body, csdu: Body, cts: Body, group: Body) -> None:
    """A few meetings ahead of the load date, so that agendas are never empty; planned as the
    secretariat would plan them (members convened, default round-table sections)."""
    db.session.flush()
    for days_ahead, body, hour, title in (
        (7, group, 10, "Suivi des retours d'expérience"),
        (14, crsa, 14, "Séance plénière"),
        (21, csdu, 10, "Rapport sur les droits des usagers"),
        (35, cts, 14, "Séance du conseil territorial"),
    ):
        occurrence = Occurrence(today + timedelta(days=days_ahead), time(hour), time(hour + 2))
        schedule_meeting(body, occurrence, MeetingDetails(
            title=title, place="ARS Occitanie, 26-28 Parc-Club du Millénaire, Montpellier",
            agenda_titles=(DEFAULT_AGENDA_ITEM, title),
        ))


def _add_dossiers() -> None:
    from app.dossier.demo import add_demo_dossiers

    add_demo_dossiers()


def _add_demo_users(ars: Organisation, member: Person, assistant: Person) -> None:
    for email, role, linked in (
        ("admin@demo.example.fr", Role.ADMIN, None),
        ("secretariat@demo.example.fr", Role.SECRETARIAT, assistant),
        ("membre@demo.example.fr", Role.MEMBER, member),
    ):
        user = User(email=email, role=role, person=linked, organisation=ars)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)


# (civility, last name, first name, qualité) of the second ARS's CTS: fictional.
OTHER_ARS_MEMBERS = [
    (Civility.MRS, "Le Gall", "Maëlle", "Présidente du CTS"),
    (Civility.MR, "Kerjean", "Yann", "Représentant des usagers"),
    (Civility.MRS, "Tanguy", "Rozenn", "URPS Infirmiers"),
    (Civility.MR, "Morvan", "Erwan", "Conseil départemental"),
]


def _add_other_organisation(today: date) -> None:
    """A second ARS with a CRSA, a CTS and a working group, four members, an upcoming meeting and its own
    accounts (secretariat, member), and a national admin: each ARS sees only its own bodies and people."""
    ars = Organisation(name=OTHER_ORGANISATION_NAME, short_name="ARS Bretagne",
                       secretariat_email="ars-bzh-democratie-sanitaire@ars.example.fr")
    crsa = Body(organisation=ars, kind=BodyKind.CRSA_PLENARY, name="Conférence Régionale de la Santé et de "
                "l'Autonomie", short_name="CRSA Bretagne", territory="Bretagne")
    cts = Body(organisation=ars, kind=BodyKind.CTS, name="Conseil territorial de santé du Finistère",
               short_name="CTS 29", territory="Finistère")
    group = Body(organisation=ars, kind=BodyKind.WORKING_GROUP, name="Groupe de travail Santé mentale",
                 short_name="GT Santé mentale", parent=crsa, territory="Bretagne")
    db.session.add_all([crsa, cts, group])
    people = []
    for civility, last_name, first_name, title in OTHER_ARS_MEMBERS:
        person = Person(organisation=ars, civility=civility, last_name=last_name, first_name=first_name,
                        email=demo_email(first_name, last_name))
        db.session.add(Membership(person=person, body=cts, title=title, start_date=date(2021, 1, 1)))
        people.append(person)
    db.session.add(Membership(person=people[1], body=group, title="Représentant des usagers",
                              start_date=date(2021, 1, 1)))
    assistant = Person(organisation=ars, civility=Civility.MR, last_name="Quéré", first_name="Gwenaël",
                       affiliation="ARS Bretagne", email=demo_email("Gwenaël", "Quéré"))
    db.session.add(assistant)
    db.session.flush()
    schedule_meeting(cts, Occurrence(today + timedelta(days=10), time(14), time(16)), MeetingDetails(
        title="Séance du conseil territorial", place="ARS Bretagne, 6 place des Colombes, Rennes",
        agenda_titles=(DEFAULT_AGENDA_ITEM, "Projet territorial de santé mentale")))
    for email, role, linked, organisation in (
        ("secretariat@bretagne.demo.example.fr", Role.SECRETARIAT, assistant, ars),
        ("membre@bretagne.demo.example.fr", Role.MEMBER, people[0], ars),
        (NATIONAL_ADMIN_EMAIL, Role.NATIONAL_ADMIN, None, None),
    ):
        user = User(email=email, role=role, person=linked, organisation=organisation)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)

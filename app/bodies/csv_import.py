"""Import of a body's members from a CSV file (UTF-8, or the Excel « CSV ; » variant in Windows-1252).

Reading is pure: ``read_members_csv`` returns every row with its problems; ``import_members`` writes
them, and is only called when no row has a problem.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from app.bodies.domain import current_substitutes, current_titulaires, overlap_message
from app.extensions import db
from app.formatting import EARLIEST_DATE, LATEST_DATE, short_date
from app.forms import CONTROL_CHARACTERS, clean_text, one_line
from app.models import Body, Civility, Membership, Person, Seat

# (header as documented, key, required)
COLUMNS = [
    ("civilité", "civility", True),
    ("nom", "last_name", True),
    ("prénom", "first_name", True),
    ("email", "email", True),
    ("qualité", "title", True),
    ("collège", "college", False),
    ("siège", "seat", True),
    ("suppléant de", "substitute_for", False),
    ("voix délibérative", "voting", False),
    ("début", "start_date", True),
]
CIVILITIES = {"m": Civility.MR, "m.": Civility.MR, "monsieur": Civility.MR, "mme": Civility.MRS,
              "madame": Civility.MRS}
SEATS = {"titulaire": Seat.TITULAIRE, "suppleant": Seat.SUPPLEANT, "suppleante": Seat.SUPPLEANT}
YES_NO = {"oui": True, "o": True, "1": True, "non": False, "n": False, "0": False, "": True}


class UnreadableFile(ValueError):
    """The file is not text in a known encoding."""


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    civility: Civility | None = None
    email: str = ""
    seat: Seat | None = None
    voting: bool = True
    start_date: date | None = None
    person: Person | None = None  # the existing person with this email, if any
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    file_errors: list[str]

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def messages(self) -> list[str]:
        """« Ligne 4 : adresse électronique invalide », one per problem, file problems first."""
        return self.file_errors + [f"Ligne {row.line} : {error}" for row in self.rows for error in row.errors]


def decode_upload(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, else Windows-1252 as saved by Excel."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise UnreadableFile("Le fichier n'est pas un texte en UTF-8 ou Windows-1252.") from error
    if CONTROL_CHARACTERS.search(text):  # a text file has none: an image, a PDF or an .xlsx renamed .csv
        raise UnreadableFile("Le fichier n'est pas un fichier texte CSV (enregistrez-le au format CSV).")
    return clean_text(text)  # as the confirmation form will send it back


def normalise_header(header: str) -> str:
    """« Prénom », « PRENOM » and « prénom  » are the same column."""
    text = unicodedata.normalize("NFKD", header.strip().lstrip("\ufeff")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


def _detect_delimiter(first_line: str) -> str:
    """Excel in French writes « ; », others « , »: take the one that splits the header most."""
    return max((";", ",", "\t"), key=first_line.count)


def _unreadable(reader, error: csv.Error) -> str:
    return f"Ligne {reader.line_num} : le fichier n'est pas un CSV lisible ({error})."


def read_members_csv(text: str, body: Body) -> ImportPreview:
    """Every row of the file checked against the body's members and the rest of the file."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=_detect_delimiter(first_line))
    try:
        headers = next(reader)
    except StopIteration:
        return ImportPreview([], ["Le fichier est vide."])
    except csv.Error as error:  # a header line of several hundred kilobytes
        return ImportPreview([], [_unreadable(reader, error)])
    keys_by_header = {normalise_header(header): key for header, key, _ in COLUMNS}
    column_keys = [keys_by_header.get(normalise_header(header)) for header in headers]
    missing = [header for header, key, required in COLUMNS if required and key not in column_keys]
    if missing:
        return ImportPreview([], ["Colonne manquante : " + ", ".join(f"« {header} »" for header in missing) + "."])

    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            row_values = {key: "" for _, key, _ in COLUMNS}
            for key, value in zip(column_keys, values):
                if key:  # a cell is one line (Excel's Alt+Enter makes line breaks inside quoted cells)
                    row_values[key] = one_line(clean_text(value)).strip()
            rows.append(ImportRow(line=reader.line_num, values=row_values))
    except csv.Error as error:  # a stray quote, a cell of several hundred kilobytes
        return ImportPreview([], [_unreadable(reader, error)])
    if not rows:
        return ImportPreview([], ["Le fichier ne contient aucune ligne de membre."])
    _check_rows(rows, body)
    return ImportPreview(rows, [])


def _check_rows(rows: list[ImportRow], body: Body) -> None:
    for row in rows:
        _check_own_values(row)
    emails = [row.email for row in rows if row.email]
    people = {
        person.email.lower(): person
        for person in db.session.scalars(
            select(Person).where(func.lower(Person.email).in_(emails), Person.deleted_at.is_(None),
                                 Person.organisation_id == body.organisation_id)
        )
    } if emails else {}
    existing = db.session.scalars(select(Membership).where(Membership.body_id == body.id)
                                  .order_by(Membership.start_date)).all()
    existing_starts = {(membership.person_id, membership.start_date) for membership in existing}
    titulaire_mandates = defaultdict(list)  # person id → their titulaire mandates in the body, by start date
    for membership in existing:
        if membership.seat is Seat.TITULAIRE:
            titulaire_mandates[membership.person_id].append(membership)
    titulaire_emails = {row.email for row in rows if row.seat is Seat.TITULAIRE and row.email}
    titulaire_emails |= {(m.person.email or "").lower() for m in current_titulaires(body)}
    # Suppléants per titulaire (by address): those in office today, then the file's, each checked as it comes.
    substitutes = Counter((m.substitute_for.person.email or "").lower() for m in current_substitutes(body)
                          if m.substitute_for is not None)
    limit = body.max_substitutes_per_titulaire
    seen = set()
    for row in rows:
        if row.email:
            if row.email in seen:
                row.errors.append(f"l'adresse {row.email} figure déjà plus haut dans le fichier")
            seen.add(row.email)
            row.person = people.get(row.email)
        if row.person is not None and row.start_date and (row.person.id, row.start_date) in existing_starts:
            row.errors.append(f"{row.person.display_name} a déjà un mandat dans cette instance commençant "
                              f"le {short_date(row.start_date)}")
        elif row.person is not None and row.start_date and row.seat is Seat.TITULAIRE and (overlapping := next(
                (mandate for mandate in titulaire_mandates[row.person.id]
                 if mandate.end_date is None or mandate.end_date >= row.start_date), None)) is not None:
            row.errors.append(overlap_message(row.person, overlapping).rstrip("."))  # one seat per person
        if row.seat is Seat.SUPPLEANT:
            target = row.values["substitute_for"].lower()
            if not target:
                row.errors.append("indiquez dans « suppléant de » l'adresse du titulaire remplacé")
            elif target == row.email:
                row.errors.append("une personne ne peut pas être sa propre suppléante")
            elif target not in titulaire_emails:
                row.errors.append(f"le titulaire {target} n'est ni titulaire dans le fichier ni titulaire actuel "
                                  "de l'instance")
            else:
                substitutes[target] += 1
                if substitutes[target] > limit:
                    row.errors.append(f"le titulaire {target} aurait plus de {limit} suppléant{'s' if limit > 1 else ''}"
                                      f" : au plus {limit} par titulaire dans cette instance")


def _check_own_values(row: ImportRow) -> None:
    """The checks that need nothing but the row itself."""
    values = row.values
    row.civility = CIVILITIES.get(values["civility"].lower())
    if row.civility is None:
        row.errors.append(f"civilité « {values['civility']} » inconnue (M. ou Mme attendu)")
    if not values["last_name"]:
        row.errors.append("nom manquant")
    for key, limit, label in (("last_name", 100, "nom"), ("first_name", 100, "prénom"), ("title", 300, "qualité"),
                              ("college", 200, "collège")):
        if len(values[key]) > limit:
            row.errors.append(f"{label} trop long ({limit} caractères au plus)")
    if not values["email"]:
        row.errors.append("adresse électronique manquante")
    else:
        try:
            row.email = validate_email(values["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            row.errors.append(f"adresse électronique invalide « {values['email']} »")
    row.seat = SEATS.get(normalise_header(values["seat"]))
    if row.seat is None:
        row.errors.append(f"siège « {values['seat']} » inconnu (titulaire ou suppléant attendu)")
    if normalise_header(values["voting"]) in YES_NO:
        row.voting = YES_NO[normalise_header(values["voting"])]
    else:
        row.errors.append(f"voix délibérative « {values['voting']} » : oui ou non attendu")
    try:
        row.start_date = datetime.strptime(values["start_date"], "%d/%m/%Y").date()
    except ValueError:
        row.errors.append(f"date de début « {values['start_date']} » invalide (JJ/MM/AAAA attendu)")
    else:
        if not EARLIEST_DATE <= row.start_date <= LATEST_DATE:
            row.errors.append(f"date de début « {values['start_date']} » hors des limites (entre le "
                              f"{short_date(EARLIEST_DATE)} et le {short_date(LATEST_DATE)})")
            row.start_date = None


def import_members(preview: ImportPreview, body: Body) -> int:
    """Write the people and memberships of a valid preview (the caller commits). Returns the count."""
    assert preview.is_valid
    titulaires = {(m.person.email or "").lower(): m for m in current_titulaires(body)}
    created = []
    for row in preview.rows:
        person = row.person or Person(
            organisation=body.organisation, civility=row.civility, last_name=row.values["last_name"],
            first_name=row.values["first_name"], email=row.email,
        )
        membership = Membership(
            person=person, body=body, title=row.values["title"], college=row.values["college"], seat=row.seat,
            voting=row.voting, start_date=row.start_date,
        )
        db.session.add(membership)
        if row.seat is Seat.TITULAIRE:
            titulaires[row.email] = membership
        created.append((row, membership))
    for row, membership in created:
        if row.seat is Seat.SUPPLEANT:
            membership.substitute_for = titulaires[row.values["substitute_for"].lower()]
    db.session.flush()
    return len(created)

"""Finding a person by name: one query for every picker (the attendance sheet's « ajouter une personne »,
the membership form's person picker), case and accents ignored (« helene » finds « Hélène »), a few
results only. The caller gives the people it may offer (an ARS's, scoped by app/permissions.py)."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import ColumnElement, Select, func, or_

from app.folding import SQL_ACCENTED, SQL_PLAIN, fold
from app.extensions import db
from app.forms import without_control_characters
from app.models import Person

# A name narrows it down: a list of the whole ARS (1,500 people at demo scale) would weigh on the page.
MAX_PEOPLE_FOUND = 30
MAX_SEARCH_LENGTH = 200  # a LIKE pattern of a megabyte is refused by SQLite
MAX_SEARCH_WORDS = 5


def search_text(typed: str | None) -> str:
    """What was typed in a search box, as searched: no control characters, cut to a sensible length."""
    return without_control_characters(typed or "").strip()[:MAX_SEARCH_LENGTH]


def folded(column) -> ColumnElement[str]:
    """``column`` lowered and without accents, in SQL (SQLite gets ``translate`` from ``sqlite_translate``)."""
    return func.translate(func.lower(column), SQL_ACCENTED, SQL_PLAIN)


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching_name(query: Select, text: str) -> Select:
    """``query`` (of ``Person``) narrowed to the people whose last or first name holds every word of ``text``."""
    for word in fold(text).split()[:MAX_SEARCH_WORDS]:
        pattern = _like_pattern(word)
        query = query.where(or_(folded(Person.last_name).like(pattern, escape="\\"),
                                folded(Person.first_name).like(pattern, escape="\\")))
    return query


def find_people(query: Select, text: str, limit: int = MAX_PEOPLE_FOUND) -> list[Person]:
    """Up to ``limit`` people of ``query`` matching ``text``, by name; none for an empty search."""
    if not text.strip():
        return []
    query = matching_name(query, text).order_by(None).order_by(Person.last_name, Person.first_name, Person.id)
    return list(db.session.scalars(query.limit(limit)))


@lru_cache(maxsize=8)
def _table(source: str, target: str) -> dict:
    return str.maketrans(source, target)


def sqlite_translate(text: str | None, source: str, target: str) -> str | None:
    """PostgreSQL's ``translate(text, from, to)`` for SQLite (one character for one, as it is used here)."""
    if text is None:
        return None
    return text.translate(_table(source, target))

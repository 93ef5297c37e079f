"""Column types shared by the models."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import Date, DateTime, Enum, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from app.formatting import PARIS


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored in UTC on every engine.

    SQLite has no time zone type: values are written as naive UTC and read back as aware UTC,
    so the application only ever handles aware datetimes.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware value")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class paris_day(GenericFunction):
    """SQL: the Paris day (a date) of a ``UTCDateTime`` column, e.g. the day a meeting is held on.
    PostgreSQL converts the stored UTC itself; SQLite, without time zones, calls ``sqlite_paris_day``."""

    type = Date()
    inherit_cache = True


@compiles(paris_day, "postgresql")
def _paris_day_on_postgresql(element, compiler, **kw) -> str:
    return f"CAST(timezone('{PARIS.key}', timezone('UTC', {compiler.process(element.clauses, **kw)})) AS DATE)"


def sqlite_paris_day(stored: str | None) -> str | None:
    """``paris_day`` of a value as SQLite stores a ``UTCDateTime`` (naive UTC text), as SQLite stores a date."""
    if stored is None:
        return None
    return datetime.fromisoformat(stored).replace(tzinfo=timezone.utc).astimezone(PARIS).date().isoformat()


@event.listens_for(Engine, "connect")
def _register_sqlite_paris_day(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function("paris_day", 1, sqlite_paris_day, deterministic=True)


class LabelledEnum(str, enum.Enum):
    """An enum whose members carry a French label: ``Member("value", "Libellé")``."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """A portable enum: VARCHAR plus a CHECK constraint, storing the member values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def utc_now() -> datetime:
    return datetime.now(timezone.utc)

"""The one place that turns dates and times into French text (Europe/Paris)."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date

PARIS = ZoneInfo("Europe/Paris")
LOCALE = "fr_FR"
# The dates Séances records (forms refuse others): calendars, time zones and « the next day » all work
# within them, where year 1 or 9999 would overflow.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
FIRST_OF_MONTH = re.compile(r"\b1 (?=[^\W\d])")  # « 1 août », not « 01/08/2021 »


def paris_today() -> date:
    """Today in Paris: the day a mandate, a deadline or a feed is judged on (the server's clock runs in UTC,
    whose day ends one or two hours after the Paris one)."""
    return datetime.now(PARIS).date()


def to_paris(moment: datetime) -> datetime:
    """An aware datetime in Paris local time."""
    return moment.astimezone(PARIS)


def paris_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware datetime for a Paris wall-clock time (daylight saving handled by zoneinfo)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def paris_time_exists(day: date, hour: int, minute: int = 0) -> bool:
    """False for the wall-clock times skipped when Paris moves to summer time (02:00–02:59 on the last
    Sunday of March): such a time would silently become another one."""
    moment = paris_datetime(day, hour, minute)
    return to_paris(moment.astimezone(timezone.utc)).replace(tzinfo=None) == moment.replace(tzinfo=None)


def _as_date(value: date | datetime) -> date:
    return to_paris(value).date() if isinstance(value, datetime) else value


@lru_cache(maxsize=8192)
def _formatted_date(day: date, pattern: str) -> str:
    """Babel parses its pattern on every call; lists and feeds show the same days again and again. The first
    of the month is written « 1er » in words (« dimanche 1er août 2021 »), as French typography writes it."""
    text = format_date(day, pattern, locale=LOCALE)
    return FIRST_OF_MONTH.sub("1er ", text, count=1) if day.day == 1 else text


def long_date(value: date | datetime) -> str:
    """« jeudi 28 mai 2020 »."""
    return _formatted_date(_as_date(value), "full")


def plain_date(value: date | datetime) -> str:
    """« 28 mai 2020 »."""
    return _formatted_date(_as_date(value), "d MMMM y")


def short_date(value: date | datetime) -> str:
    """« 28/05/2020 »."""
    return _formatted_date(_as_date(value), "dd/MM/y")


def clock_time(value: datetime) -> str:
    """« 10h30 », « 14h00 » — the way French minutes write hours (Babel's « HH'h'mm », written directly:
    Babel parses its pattern on every call, and lists show a time per meeting)."""
    local = to_paris(value)
    return f"{local.hour:02d}h{local.minute:02d}"


def time_range(start: datetime, end: datetime) -> str:
    """« de 10h30 à 12h00 »."""
    return f"de {clock_time(start)} à {clock_time(end)}"


def day_offset(days_before: int) -> str:
    """« J-14 » for 14 days before the meeting, « J+3 » for 3 days after it (never « J--3 »)."""
    return f"J-{days_before}" if days_before >= 0 else f"J+{-days_before}"


def long_datetime(value: datetime) -> str:
    """« mardi 9 juin 2020 à 10h30 »."""
    return f"{long_date(value)} à {clock_time(value)}"


@lru_cache(maxsize=65536)  # names come back on every page that lists people: fold each once per process
def alphabetical_key(text: str) -> tuple[str, str]:
    """Sorts French names as a reader expects: « Élise » among the E, « Œuvrard » as « Oeuvrard »,
    case and accents ignored (then used to break ties, so that the order is stable)."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(char for char in folded if not unicodedata.combining(char)), text


JINJA_FILTERS = {
    "long_date": long_date,
    "plain_date": plain_date,
    "short_date": short_date,
    "clock_time": clock_time,
    "long_datetime": long_datetime,
    "day_offset": day_offset,
    "paris": to_paris,
}

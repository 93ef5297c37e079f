"""Full-text search of meetings (title, context) and of round-table points, by the database's own index.

PostgreSQL: ``tsvector`` of the French configuration (plurals and conjugations stemmed: « hôpitaux »
finds « hôpital ») over the text lowered and stripped of its accents by ``translate()`` (``unaccent`` is
an extension not installed by default), in a stored generated column ``search_vector`` of ``meeting`` and
``round_table_point`` with a GIN index: the database keeps both.
SQLite: FTS5 tables with the ``unicode61 remove_diacritics 2`` tokenizer, external content tables kept
by triggers; its words are not stemmed, so each word of the question is searched by a prefix of its
light French stem (« hôpitaux » → ``hopita*``).
Each point carries its meeting (``round_table_point.meeting_id``, copied from its section): the user's scope
of meetings filters the points without going through their sections (``_points_in_scope``).

Every object of the index is named ``search_…``: ``outside_search_index`` keeps them out of the comparison
of models and migrations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import (ARRAY, ColumnElement, Double, Integer, Select, String, any_, bindparam, cast, event, func,
                        literal_column, null, select, union_all)
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.sql import column, table

from app.folding import ACCENTED, PLAIN, SQL_ACCENTED, SQL_PLAIN, fold
from app.models import Meeting, RoundTablePoint

WORD = re.compile(r"\w+")
# PostgreSQL's French stop words (tsearch_data/french.stop) as they read once folded (its accented ones,
# « été », are no longer stop words then): it leaves them out of the question; SQLite and the highlighting
# leave them out too, or « l'hôpital » would ask for a word in « l… » and mark every « la » and « les ».
STOP_WORDS = frozenset("""
ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aux avaient
avais avait avec avez aviez avions avons ayant ayante ayantes ayants ayez ayons c ce ces d dans de des du elle en es
est et eu eue eues eurent eus eusse eussent eusses eussiez eussions eut eux furent fus fusse fussent fusses fussiez
fussions fut il j je l la le leur lui m ma mais me mes moi mon n ne nos notre nous on ont ou par pas pour qu que qui s
sa se sera serai seraient serais serait seras serez seriez serions serons seront ses soient sois soit sommes son sont
soyez soyons suis sur t ta te tes toi ton tu un une vos votre vous y""".split())
# SQLite's unicode61 tokenizer strips accents but keeps the ligatures « œ » and « æ »: its words keep them.
SQLITE_FOLDING = str.maketrans({accented: plain for accented, plain in zip(ACCENTED, PLAIN) if accented not in "œæ"})
PREFIX = "search_"


def light_stem(word: str) -> str:
    """A prefix shared by the singular and the plural of a folded French word (SQLite has no stemmer)."""
    for ending, replacement in (("eaux", "eau"), ("aux", "a"), ("al", "a"), ("s", ""), ("x", "")):
        if word.endswith(ending) and len(word) - len(ending) + len(replacement) >= 3:
            return word[: len(word) - len(ending)] + replacement
    return word


def question_words(text: str, folding=None) -> list[str]:
    """The words of the question, folded (``fold``, or lowered then ``folding``), without the stop words."""
    folded = fold(text) if folding is None else text.lower().translate(folding)
    return [word for word in WORD.findall(folded) if fold(word) not in STOP_WORDS]


# --- PostgreSQL: expression indexes -------------------------------------------------------------

PG_SEPARATORS = "-./@"  # read as spaces by the index (``_pg_vector``)


def _pg_vector(expression: str) -> str:
    """Hyphens, dots, slashes and « @ » read as spaces, as the question's words and SQLite read them: the
    parser would make one word of « EHPAD/USLD », « L.1434 » or an address, and a negative number of the number
    after a hyphen (« covid-19 » → ``-19``), which the question's words (« ehpad », « 19 ») never find."""
    return (f"to_tsvector('french'::regconfig, "
            f"translate(lower({expression}), '{SQL_ACCENTED}{PG_SEPARATORS}', '{SQL_PLAIN}{' ' * len(PG_SEPARATORS)}'))")


MEETING_TEXT = "((title)::text || ' '::text || coalesce(context, ''::text))"


PG_VECTORS = {  # table: (stored generated column, its GIN index, the text it folds)
    "meeting": ("search_vector", "search_meeting_text", MEETING_TEXT),
    "round_table_point": ("search_vector", "search_point_text", "text"),
}
PG_MEETING_VECTOR = literal_column("meeting.search_vector")
PG_POINT_VECTOR = literal_column("round_table_point.search_vector")

# --- SQLite: FTS5 external content tables and their triggers --------------------------------------

SQLITE_TABLES = {  # index table: (content table, indexed columns)
    "search_meeting": ("meeting", ("title", "context")),
    "search_point": ("round_table_point", ("text",)),
}


def _sqlite_statements(name: str, source: str, columns: tuple[str, ...]) -> list[str]:
    listed = ", ".join(columns)
    new = ", ".join(f"new.{name_}" for name_ in columns)
    old = ", ".join(f"old.{name_}" for name_ in columns)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({listed}, content='{source}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {source} BEGIN "
        f"INSERT INTO {name}(rowid, {listed}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {source} BEGIN "
        f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_update AFTER UPDATE OF {listed} ON {source} BEGIN "
        f"INSERT INTO {name}({name}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {name}(rowid, {listed}) VALUES (new.id, {new}); END",
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",  # the rows already there
    ]


def create_search_index(connection, source: str | None = None) -> None:
    """Create the index (of the table ``source`` only, or of both) if missing, and fill it from the rows
    already there; the database keeps it up to date afterwards. Nothing happens when it exists."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # A stored vector, not an expression index: ranking and the recheck of a common word's many rows
        # read it instead of computing to_tsvector again for each (seconds at national scale).
        for table_name, (column_name, index, folded) in PG_VECTORS.items():
            if source in (None, table_name):
                connection.exec_driver_sql(
                    f"ALTER TABLE {table_name} ADD COLUMN IF NOT EXISTS {column_name} tsvector "
                    f"GENERATED ALWAYS AS ({_pg_vector(folded)}) STORED")
                connection.exec_driver_sql(
                    f"CREATE INDEX IF NOT EXISTS {index} ON {table_name} USING gin ({column_name})")
    elif dialect == "sqlite":
        for name, (table_name, columns) in SQLITE_TABLES.items():
            exists = connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).first()
            if source in (None, table_name) and not exists:
                for statement in _sqlite_statements(name, table_name, columns):
                    connection.exec_driver_sql(statement)


def drop_search_index(connection, source: str | None = None) -> None:
    """Drop the index (of the table ``source`` only, or of both)."""
    if connection.dialect.name == "postgresql":
        for table_name, (column_name, index, _) in PG_VECTORS.items():
            if source in (None, table_name):
                connection.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
                connection.exec_driver_sql(f"ALTER TABLE {table_name} DROP COLUMN IF EXISTS {column_name}")
    elif connection.dialect.name == "sqlite":
        for name, (table_name, _columns) in SQLITE_TABLES.items():
            if source not in (None, table_name):
                continue
            for trigger in ("insert", "delete", "update"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}_{trigger}")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def outside_search_index(name: str | None, type_: str, parent_names) -> bool:
    """For Alembic's ``include_name``: the index is made by SQL of its own, not by the models."""
    return not (name or "").startswith(PREFIX)


def _after_create(target, connection, **kw) -> None:
    create_search_index(connection, target.name)


def _before_drop(target, connection, **kw) -> None:
    """SQLite refuses to drop a table while its FTS5 index still reads it (« database table is locked »)."""
    drop_search_index(connection, target.name)


for _table in (Meeting.__table__, RoundTablePoint.__table__):
    event.listen(_table, "after_create", _after_create)
    event.listen(_table, "before_drop", _before_drop)


# --- Queries ----------------------------------------------------------------------------------

SEARCH_WORDS = bindparam("search_words", type_=String)


def search_words(text: str) -> str | None:
    """The value of ``SEARCH_WORDS``: the words of ``text`` as the database's index reads them (SQLite: each
    by the prefix of its light stem); None without a word."""
    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        words = question_words(text)
        return " ".join(words) or None
    words = question_words(text, SQLITE_FOLDING)
    return " ".join(f'"{light_stem(word)}"*' for word in words) or None


def _points_in_scope(meeting_ids: Select, many_meetings: bool) -> ColumnElement[bool]:
    """The point's meeting is one of ``meeting_ids``. On PostgreSQL, for ``many_meetings`` (an ARS's 1,400
    meetings and 34,000 points at national scale), the ids go as one array (``= ANY``): one ordered scan of
    the index of points by meeting instead of a lookup per meeting (22 → 10 ms); for a few (a member's),
    a join. (The meetings keep the join: PostgreSQL then reads the full-text index first for a rare word.)"""
    if not many_meetings:
        return RoundTablePoint.meeting_id.in_(meeting_ids)
    ids = meeting_ids.subquery()
    return RoundTablePoint.meeting_id == any_(cast(select(func.array_agg(ids.c[0])).scalar_subquery(),
                                                   ARRAY(Integer)))


def _hits(kind: str, meeting_ids: Select, many_meetings: bool):
    """Select of (meeting_id, score, point_id) for the meetings (kind "meeting", point_id NULL) or the
    points (kind "point") that hold ``SEARCH_WORDS``, among ``meeting_ids`` (a select of ids)."""
    from app.extensions import db

    postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:
        # A scalar subquery: PostgreSQL parses and stems the words once per statement (an InitPlan). Bare, the
        # call is folded into a constant only in a plan made for the given words; in the generic plan that a
        # prepared statement gets after five runs it ran again for every matching point, in the recheck and
        # in ts_rank (a secretariat's « hôpitaux »: 35 → 20 ms). The plan is the same for any word anyway.
        query = select(func.plainto_tsquery(literal_column("'french'::regconfig"), SEARCH_WORDS)).scalar_subquery()
        vector = PG_MEETING_VECTOR if kind == "meeting" else PG_POINT_VECTOR
        matches, score = vector.op("@@")(query), func.ts_rank(vector, query).label("score")
    else:
        name = f"search_{kind}"
        index = table(name, column("rowid"))
        matches = literal_column(name).op("MATCH")(SEARCH_WORDS)
        score = (-func.bm25(literal_column(name))).label("score")
    if kind == "meeting":
        if postgresql:
            return (select(Meeting.id.label("meeting_id"), score, cast(null(), Integer).label("point_id"))
                    .where(matches, Meeting.id.in_(meeting_ids)))
        # ``+ 0``: on the bare rowid, SQLite hands each id of the scope to FTS5, which runs the MATCH once
        # per id (5 ms for an ARS's 160 meetings, against 0.2 ms for one MATCH filtered after).
        return (select(index.c.rowid.label("meeting_id"), score, cast(null(), Integer).label("point_id"))
                .select_from(index).where(matches, (index.c.rowid + 0).in_(meeting_ids)))
    hits = select(RoundTablePoint.meeting_id.label("meeting_id"), score, RoundTablePoint.id.label("point_id"))
    if postgresql:
        return hits.where(matches, _points_in_scope(meeting_ids, many_meetings))
    # The points of the scope (read from the index of points by meeting) checked against each match of the
    # whole index (``+ 0`` again: a lookup per match, not a MATCH per point); joining every match to its
    # point first to filter on its meeting read the table 7,000 times for a common word (4.5 → 1.6 ms).
    in_scope = select(RoundTablePoint.id).where(RoundTablePoint.meeting_id.in_(meeting_ids))
    return (hits.select_from(index).join(RoundTablePoint, RoundTablePoint.id == index.c.rowid)
            .where(matches, (index.c.rowid + 0).in_(in_scope)))


def ranked_matches(scope: Select, many_meetings: bool = False) -> Select:
    """Select of (meeting_id, score, best_point_id, starts_at, total): the meetings of ``scope`` whose title
    or context, or a point of the tour de table the user may read, holds ``SEARCH_WORDS``, best first
    (then newest); ``best_point_id`` is the best matching point of the meeting (ties: the first made),
    for its excerpt; ``total`` counts them all, computed with the ranking (no second query to count).
    ``page_of_matches`` applies LIMIT and OFFSET. ``scope`` is a select of (id, starts_at, readable) of the
    meetings the user may see (``readable``: may read its record, hence its points); it is read once
    (a CTE) for both the meetings and the points; ``many_meetings``: it holds many (``_points_in_scope``)."""
    from app.extensions import db

    scope = scope.cte("search_scope")
    meetings = _hits("meeting", select(scope.c.id), many_meetings)
    points = _hits("point", select(scope.c.id).where(scope.c.readable), many_meetings)
    hits = union_all(meetings, points).subquery()
    if db.engine.dialect.name == "postgresql":
        # The least pair [−score, id] of the meeting's points (arrays compare element by element; a float8 holds
        # a ts_rank, a real, and an id exactly), in the same aggregation as the best score: a window first_value
        # over every hit sorted them all first (a secretariat's common word: 4,400 hits, 3.5 → 1.8 ms).
        pair = array([cast(-hits.c.score, Double), cast(hits.c.point_id, Double)])
        least = func.min(pair, type_=ARRAY(Double)).filter(hits.c.point_id.is_not(None))
        best_point = cast(least[literal_column("2", Integer)], Integer)
    else:  # SQLite has no such aggregate
        first = func.first_value(hits.c.point_id).over(
            partition_by=hits.c.meeting_id, order_by=(hits.c.point_id.is_(None), hits.c.score.desc(), hits.c.point_id))
        hits = select(hits.c.meeting_id, hits.c.score, first.label("best_point_id")).subquery()
        best_point = func.max(hits.c.best_point_id)
    scores = (select(hits.c.meeting_id, func.max(hits.c.score).label("score"), best_point.label("best_point_id"))
              .group_by(hits.c.meeting_id).subquery("search_scores"))
    return (select(scores.c.meeting_id, scores.c.score, scores.c.best_point_id, scope.c.starts_at,
                   func.count().over().label("total"))
            .join(scope, scope.c.id == scores.c.meeting_id)
            .order_by(scores.c.score.desc(), scope.c.starts_at.desc(), scores.c.meeting_id.desc()))


def page_of_matches(ranked: Select) -> Select:
    """One page of ``ranked_matches`` (bind parameters ``limit`` and ``offset``), in its order: (meeting_id,
    total, point_text), the text of the best matching point read for the page's meetings only."""
    page = ranked.limit(bindparam("limit")).offset(bindparam("offset")).subquery("search_page")
    return (select(page.c.meeting_id, page.c.total, RoundTablePoint.text.label("point_text"))
            .outerjoin(RoundTablePoint, RoundTablePoint.id == page.c.best_point_id)
            .order_by(page.c.score.desc(), page.c.starts_at.desc(), page.c.meeting_id.desc()))


@dataclass
class Excerpt:
    """A passage of a text, in parts: (text, is it a word of the question?)."""

    parts: list[tuple[str, bool]]


def highlight(text: str, question: str, width: int = 80) -> Excerpt | None:
    """The passage of ``text`` around the first word of the question (singular or plural, any accents or
    case), with every such word marked; neighbouring marked words make one mark. None if absent. The stop
    words of the question (« l' », « de la ») are marked only as they are, next to another word of it."""
    stems = [light_stem(word) for word in question_words(question)]
    stops = STOP_WORDS.intersection(WORD.findall(fold(question)))
    folded = fold(text)
    runs: list[list] = []  # [start, end, holds a word of the question other than a stop word]
    for match in WORD.finditer(folded):
        word = match.group()
        content = any(word.startswith(stem) for stem in stems)
        if not content and word not in stops:
            continue
        if runs and not WORD.search(folded, runs[-1][1], match.start()):  # only spaces or punctuation between
            runs[-1][1:] = [match.end(), runs[-1][2] or content]
        else:
            runs.append([match.start(), match.end(), content])
    merged = [run[:2] for run in runs if run[2]]
    if not merged:
        return None
    first, limit = max(0, merged[0][0] - width), merged[0][1] + width
    parts: list[tuple[str, bool]] = [("…" if first else "", False)]
    cursor = first
    for start, end in merged:
        if start >= limit:
            break
        parts += [(text[cursor:start], False), (text[start:end], True)]
        cursor = end
    stop = max(cursor, min(len(text), limit))
    parts.append((text[cursor:stop] + ("…" if stop < len(text) else ""), False))
    return Excerpt([part for part in parts if part[0]])

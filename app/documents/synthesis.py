"""The synthesis: the points and proposals of many meetings, grouped by theme (the four Ségur
pillars first), each citing its meeting — the « rapport régional organisé autour des 4 piliers »."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from docx.document import Document
from docx.shared import Cm

from app.documents.word import WordWriter
from app.formatting import plain_date
from app.models import Meeting, RoundTablePoint, Theme

UNTHEMED = "Sans thème"
DEFAULT_TITLE = "Synthèse des travaux"
NO_MEETING_SELECTED = "Aucune séance ne correspond à cette sélection."
COUNTS_HEADER = ("THÈME", "POINTS RELEVÉS", "PROPOSITIONS")
COUNTS_WIDTHS = (Cm(10), Cm(3.5), Cm(3.5))


@dataclass
class CitedPoint:
    point: RoundTablePoint
    meeting: Meeting
    children: dict[int | None, list[RoundTablePoint]]

    @property
    def citation(self) -> str:
        return f" ({self.meeting.body.label}, {plain_date(self.meeting.starts_at)})"


@dataclass
class ThemeGroup:
    name: str
    points: list[CitedPoint] = field(default_factory=list)
    proposals: list[CitedPoint] = field(default_factory=list)


def points_by_parent(points: list[RoundTablePoint]) -> dict[int | None, list[RoundTablePoint]]:
    """The point tree of a section, rebuilt from ``section.points`` (all levels, already loaded)
    rather than from ``point.children``, which would query once per point."""
    children: dict[int | None, list[RoundTablePoint]] = defaultdict(list)
    for point in points:
        children[point.parent_id].append(point)
    return children


def speaker_suffix(point: RoundTablePoint) -> str:
    return f" ({point.speaker.display_name})" if point.speaker is not None else ""


def add_points(writer: WordWriter, points: list[RoundTablePoint],
               children: dict[int | None, list[RoundTablePoint]], level: int = 1,
               suffix: Callable[[RoundTablePoint], str] = speaker_suffix) -> None:
    """``points`` as list items at ``level``, their sub-points one list level deeper."""
    for point in points:
        writer.bullet(point.text, level, italic_suffix=suffix(point), typed=True)
        add_points(writer, children.get(point.id, []), children, level + 1, suffix)


def group_by_theme(meetings: Sequence[Meeting], themes: Sequence[Theme] = ()) -> list[ThemeGroup]:
    """One group per theme in ``themes`` (kept even when empty) or found on a point, by position,
    then « Sans thème » if some point has none. A point with two themes is in both groups;
    sub-points travel with their parent."""
    known = {theme.id: theme for theme in themes}
    cited: list[tuple[list[Theme], CitedPoint]] = []
    for meeting in meetings:
        for section in meeting.sections:
            children = points_by_parent(section.points)
            for point in children[None]:
                known.update((theme.id, theme) for theme in point.themes)
                cited.append((point.themes, CitedPoint(point, meeting, children)))
    ordered = sorted(known.values(), key=lambda theme: (theme.position, theme.name))
    groups: dict[int | None, ThemeGroup] = {theme.id: ThemeGroup(theme.name) for theme in ordered}
    for point_themes, entry in cited:
        for key in [theme.id for theme in point_themes] or [None]:
            if key not in groups:
                groups[key] = ThemeGroup(UNTHEMED)
            group = groups[key]
            (group.proposals if entry.point.is_proposal else group.points).append(entry)
    return list(groups.values())


def untagged_points(meetings: Sequence[Meeting]) -> list[CitedPoint]:
    """The top-level points without any theme: flagged before generation so they can be tagged."""
    untagged = []
    for meeting in meetings:
        for section in meeting.sections:
            children = points_by_parent(section.points)
            untagged.extend(CitedPoint(point, meeting, children) for point in children[None] if not point.themes)
    return untagged


def build_synthesis(meetings: Sequence[Meeting], themes: Sequence[Theme] = (), *, title: str = DEFAULT_TITLE,
                    introduction: str = "") -> Document:
    """The synthesis of ``meetings`` (loaded with ``meetings_for_synthesis``: held ones only), oldest
    first, under the ``title`` and ``introduction`` the secretariat wrote; the themes in their order
    (the four pillars as seed 003 lists them), the points without a theme last."""
    organisation = meetings[0].body.organisation if meetings else None
    title = title.strip() or DEFAULT_TITLE
    writer = WordWriter(title=title, organisation=organisation, header_lines=[DEFAULT_TITLE],
                        subject="Synthèse des travaux des instances de démocratie en santé")
    writer.title(title, typed=True)
    groups = group_by_theme(meetings, themes)
    if meetings:
        point_count = sum(1 for meeting in meetings for section in meeting.sections
                          for point in section.points if point.parent_id is None)
        proposal_count = sum(1 for meeting in meetings for section in meeting.sections
                             for point in section.points if point.parent_id is None and point.is_proposal)
        writer.paragraph(
            f"{len(meetings)} séance(s) du {plain_date(meetings[0].starts_at)} au "
            f"{plain_date(meetings[-1].starts_at)} ; {point_count} point(s), dont {proposal_count} proposition(s).",
            bold=True,
        )
        writer.paragraph("Instances : " + ", ".join(dict.fromkeys(meeting.body.name for meeting in meetings)))
    writer.text(introduction)
    writer.heading("Points et propositions par thème", 1)
    writer.table(COUNTS_HEADER, [(group.name, str(len(group.points)), str(len(group.proposals)))
                                 for group in groups], COUNTS_WIDTHS)
    for group in groups:
        if not group.points and not group.proposals:
            continue
        writer.heading(group.name, 1)
        for heading, entries in (("Propositions", group.proposals), ("Points relevés", group.points)):
            if not entries:
                continue
            writer.heading(heading, 2)
            for entry in entries:
                writer.bullet(entry.point.text, 1, italic_suffix=entry.citation, typed=True)
                add_points(writer, entry.children.get(entry.point.id, []), entry.children, 2,
                           suffix=lambda point: "")
    if meetings:
        writer.heading("Séances retenues", 1)
        for meeting in meetings:
            writer.bullet(f"{meeting.body.label}, {plain_date(meeting.starts_at)} : {meeting.title}")
    return writer.document

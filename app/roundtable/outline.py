"""Order and nesting of the tour de table: pure functions on loaded sections and points."""
from __future__ import annotations

from collections import defaultdict
from typing import Protocol, Sequence, TypeVar

from app.models import RoundTablePoint


class Positioned(Protocol):
    position: int


Item = TypeVar("Item", bound=Positioned)


def flatten_points(points: Sequence[RoundTablePoint]) -> list[tuple[RoundTablePoint, int]]:
    """Points in reading order with their depth (0 for top level), from a section's flat list.

    Works from ``section.points`` only, so showing a whole section costs no query per point.
    """
    children: dict[int | None, list[RoundTablePoint]] = defaultdict(list)
    for point in points:
        children[point.parent_id].append(point)
    ordered: list[tuple[RoundTablePoint, int]] = []

    def visit(parent_id: int | None, depth: int) -> None:
        for point in sorted(children[parent_id], key=lambda p: (p.position, p.id or 0)):
            ordered.append((point, depth))
            visit(point.id, depth + 1)

    visit(None, 0)
    return ordered


def subtree_ids(point: RoundTablePoint, points: Sequence[RoundTablePoint]) -> set[int]:
    """Ids of ``point`` and all its sub-points, at any depth."""
    ids = {point.id}
    changed = True
    while changed:
        changed = False
        for candidate in points:
            if candidate.parent_id in ids and candidate.id not in ids:
                ids.add(candidate.id)
                changed = True
    return ids


def siblings_of(point: RoundTablePoint, points: Sequence[RoundTablePoint]) -> list[RoundTablePoint]:
    return [candidate for candidate in points if candidate.parent_id == point.parent_id]


def next_position(items: Sequence[Positioned]) -> int:
    return max((item.position for item in items), default=0) + 1


def move(item: Item, items: Sequence[Item], direction: str) -> bool:
    """Swap ``item`` with its neighbour (``up`` or ``down``) and renumber 1..n. False at either end."""
    ordered = sorted(items, key=lambda candidate: (candidate.position, getattr(candidate, "id", 0) or 0))
    index = ordered.index(item)
    target = index - 1 if direction == "up" else index + 1
    if target < 0 or target >= len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, candidate in enumerate(ordered, start=1):
        candidate.position = position
    return True


def moved_message(noun: str, agreement: str, moved: bool, direction: str) -> str:
    """« Point monté. », « Section descendue. », or why nothing moved (already first or last)."""
    if moved:
        return f"{noun} {'monté' if direction == 'up' else 'descendu'}{agreement}."
    return f"{noun} déjà {'en tête' if direction == 'up' else 'en dernier'} : rien n'a changé."

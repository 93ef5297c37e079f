"""Free text as the secretariat types it: one paragraph per line, « - » starting a bullet.

The same reading serves the compte rendu (Word paragraphs and list items) and the meeting page
(``text_blocks`` Jinja filter), so both show a context or a working method the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field

BULLET_MARKER = "- "


@dataclass
class TextBlock:
    """Either a paragraph (``text``) or a run of consecutive bullet items (``items``)."""

    text: str = ""
    items: list[str] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return bool(self.items)


def text_blocks(text: str | None) -> list[TextBlock]:
    """Split ``text`` into paragraphs and bullet lists; blank lines are dropped."""
    blocks: list[TextBlock] = []
    for raw_line in (text or "").splitlines():
        line = raw_line.strip()
        if not line:
            continue
        if line.startswith(BULLET_MARKER) or line == BULLET_MARKER.strip():
            item = line[len(BULLET_MARKER):].strip()
            if not item:
                continue
            if blocks and blocks[-1].is_list:
                blocks[-1].items.append(item)
            else:
                blocks.append(TextBlock(items=[item]))
        else:
            blocks.append(TextBlock(text=line))
    return blocks

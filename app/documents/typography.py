"""French typography (Lexique des règles typographiques de l'Imprimerie nationale): a non-breaking
space before « : ; ! ? » and inside « », the typographic apostrophe ’.

Applied to the tool's own labels in every document, and to the text the secretariat typed when the
organisation keeps its setting « typographie française » on (the default).
"""
from __future__ import annotations

import re

NBSP = "\u00a0"

# A double punctuation mark after a word, with or without spaces before it; not « 10:30 » nor « https:// »
# (the mark must end the word: followed by a space, another mark, a closing bracket or the end).
_BEFORE_DOUBLE_MARK = re.compile(r"(?<=[^\s:;!?«(\[])[ \t\u202f\u00a0]*([:;!?]+)(?=[\s»)\]]|$)")
_AFTER_OPENING_QUOTE = re.compile(r"«[ \t\u202f\u00a0]*")
_BEFORE_CLOSING_QUOTE = re.compile(r"[ \t\u202f\u00a0]*»")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w|«|\s*«)")
# Each rule above needs one of these characters: a text holding none reads the same after them.
_MARKS = re.compile(r"[':;!?«»]")


def french_typography(text: str) -> str:
    """``text`` with French spacing and apostrophes: « Date : 28 mai », « l’« Aller vers » »."""
    if not text:
        return text or ""
    if _MARKS.search(text) is None:  # most lines of a document (names, qualités): nothing to change
        return text
    text = _APOSTROPHE.sub("’", text)
    text = _BEFORE_DOUBLE_MARK.sub(lambda match: NBSP + match.group(1), text)
    text = _AFTER_OPENING_QUOTE.sub("«" + NBSP, text)
    return _BEFORE_CLOSING_QUOTE.sub(NBSP + "»", text)

"""Text lowered and stripped of its accents, one character for one, the same in Python (``fold``) and in
SQL (``translate(lower(…), SQL_ACCENTED, SQL_PLAIN)``): the full-text search and the people search."""
from __future__ import annotations

ACCENTED = "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöøōùúûüūýÿžœæ"
PLAIN = "aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzoa"
FOLDING = str.maketrans(ACCENTED, PLAIN)
# PostgreSQL's lower() leaves accented capitals as they are under the C locale: translate them too.
SQL_ACCENTED, SQL_PLAIN = ACCENTED + ACCENTED.upper(), PLAIN + PLAIN


def fold(text: str) -> str:
    """Lower case without accents, one character for one (the same folding as the SQL ``translate()``)."""
    return text.lower().translate(FOLDING)

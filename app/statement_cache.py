"""SQLAlchemy's cache of compiled statements, found by the identity of a statement's cache key first.

SQLAlchemy keys each compiled statement by ``(dialect, cache key, column keys, …)``, the cache key a nested
tuple of the statement's whole structure: 160 to 2,100 items for the statements of the app's pages (the
meeting page's, the search's). A tuple does not keep its hash, so every execution hashed it again: 10 to 70 µs
a statement, about 2 % of the mixed workload's time (``bench/mix_costs.py``), more than running the account's
statement on SQLite. The app builds its busy statements once (``MEETING``, ``ATTENDANCES``…), and SQLAlchemy
keeps each statement's cache key with it: every execution brings the same tuple object. This cache looks that
object up by its ``id()`` first, then as SQLAlchemy does. An entry holds its key, so no other object can take
the same id while it lives; a statement built for one request only brings a new key each time and is found
the ordinary way.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.util import LRUCache

# SQLAlchemy's own default size (``create_engine(query_cache_size=500)``).
STATEMENTS_KEPT = 500


class StatementCache(LRUCache):
    """An ``LRUCache`` of compiled statements (SQLAlchemy's), with a dict by the identity of their cache keys in
    front. A compiled statement stays right for its key whatever the LRU does, so the front may outlive an
    entry the LRU dropped; it is emptied when it grows as large as the LRU."""

    def __init__(self, capacity: int = STATEMENTS_KEPT) -> None:
        super().__init__(capacity)
        self._by_identity: dict[tuple, tuple] = {}

    @staticmethod
    def _identity(key) -> tuple | None:
        # SQLAlchemy's key: (dialect, the statement's cache key tuple, column keys, schema map used, executemany)
        if type(key) is tuple and len(key) == 5 and type(key[1]) is tuple:
            return id(key[1]), key[0], key[2], key[3], key[4]
        return None

    def get(self, key, default=None):
        identity = self._identity(key)
        if identity is not None:
            found = self._by_identity.get(identity)
            if found is not None and found[0] is key[1]:
                return found[1]
        value = super().get(key)
        if value is None:
            return default
        if identity is not None:
            self._remember(identity, key, value)
        return value

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        identity = self._identity(key)
        if identity is not None:
            self._remember(identity, key, value)

    def _remember(self, identity: tuple, key: tuple, value) -> None:
        if len(self._by_identity) >= self.capacity:
            self._by_identity.clear()
        self._by_identity[identity] = (key[1], value)

    def clear(self) -> None:
        super().clear()
        self._by_identity.clear()


def cache_statements_by_identity(engine: Engine) -> None:
    """Compile ``engine``'s statements into a ``StatementCache`` (every connection it makes from now on)."""
    engine.update_execution_options(compiled_cache=StatementCache())

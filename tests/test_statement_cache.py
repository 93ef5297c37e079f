"""Compiled statements are found by the identity of their cache key (``app.statement_cache``): a statement built
once is not hashed again at each execution, and what is found is always the statement asked for."""
from sqlalchemy import bindparam, select
from sqlalchemy.util import LRUCache

from app.auth.sessions import _account_statement
from app.extensions import db
from app.models import Person, Role, User
from app.statement_cache import StatementCache
from tests.conftest import create_user


def engine_cache() -> StatementCache:
    return db.engine.get_execution_options()["compiled_cache"]


def hashed_lookups(monkeypatch) -> list:
    """The lookups that went to SQLAlchemy's own LRU (hashing the whole key), recorded from now on."""
    calls = []
    lru_get = LRUCache.get

    def recorded(self, key, default=None):
        calls.append(key)
        return lru_get(self, key, default)

    monkeypatch.setattr(LRUCache, "get", recorded)
    return calls


def test_a_statement_built_once_is_found_without_hashing_its_key_again(app_context, monkeypatch):
    user = create_user(Role.SECRETARIAT)
    statement = _account_statement()
    assert isinstance(engine_cache(), StatementCache)
    assert db.session.execute(statement, {"user_id": user.id}).first()[0].email == user.email  # compiled, kept
    calls = hashed_lookups(monkeypatch)
    for _ in range(3):
        assert db.session.execute(statement, {"user_id": user.id}).first()[0].email == user.email
    assert calls == []


def test_a_statement_built_again_finds_the_same_compiled_statement_and_the_right_rows(app_context, monkeypatch):
    anne, marc = create_user(Role.MEMBER), create_user(Role.MEMBER)

    def built_anew():
        return select(User.email).where(User.id == bindparam("user_id"))

    assert db.session.scalar(built_anew(), {"user_id": anne.id}) == anne.email
    compiled = len(engine_cache())
    calls = hashed_lookups(monkeypatch)
    assert db.session.scalar(built_anew(), {"user_id": marc.id}) == marc.email
    assert db.session.scalar(built_anew(), {"user_id": anne.id}) == anne.email
    # a new key object each time: looked up as SQLAlchemy does
    assert len([key for key in calls if key[2] == ("user_id",)]) == 2
    assert len(engine_cache()) == compiled  # and found there: nothing compiled again


def test_different_statements_never_share_an_entry(app_context):
    user = create_user(Role.MEMBER)
    emails = select(User.email).where(User.id == bindparam("user_id"))
    roles = select(User.role).where(User.id == bindparam("user_id"))
    for _ in range(2):
        assert db.session.scalar(emails, {"user_id": user.id}) == user.email
        assert db.session.scalar(roles, {"user_id": user.id}) is Role.MEMBER
        assert db.session.scalar(select(Person.id).where(Person.id == -1)) is None


def test_the_front_is_emptied_when_full_and_answers_stay_right():
    cache = StatementCache(capacity=2)
    dialect = object()
    keys = [(dialect, ("statement", number), (), False, False) for number in range(5)]
    for number, key in enumerate(keys):
        cache[key] = f"compiled {number}"
    assert len(cache._by_identity) <= 2
    for number, key in enumerate(keys[-2:], start=3):
        assert cache.get(key) == f"compiled {number}"
    # an equal key of another object: found through the LRU, then by its identity
    equal = (dialect, ("statement", 4), (), False, False)
    assert cache.get(equal) == "compiled 4"
    assert cache.get((dialect, ("statement", 99), (), False, False), "absent") == "absent"
    assert cache.get("not a statement key", "absent") == "absent"
    cache.clear()
    assert cache.get(keys[4]) is None and not cache._by_identity

"""A list's page and the number of all its rows come from one statement, as ``db.paginate`` gives them from two."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Organisation
from app.pagination import counted_page
from tests.query_count import counted_queries


@pytest.mark.parametrize("page, items, statements", [(1, 3, 1), (2, 3, 1), (3, 1, 1), (4, 0, 2), (9, 0, 2)])
def test_a_page_and_the_number_of_rows_come_together(app_context, page, items, statements):
    """Pages of 3 among 7 rows: the same rows and numbers as db.paginate; past the last page, which has no
    row to carry the number, a count is read as db.paginate reads it."""
    db.session.add_all([Organisation(name=f"ARS {number}") for number in range(7)])
    db.session.commit()
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    with counted_queries() as sent:
        counted = counted_page(query, page=page, per_page=3)
    reference = db.paginate(query, page=page, per_page=3, error_out=False)
    assert len(sent) == statements
    assert [organisation.id for organisation in counted.items] == [organisation.id for organisation in reference.items]
    assert len(counted.items) == items
    assert (counted.total, counted.pages, counted.has_next, counted.has_prev) == (
        reference.total, reference.pages, reference.has_next, reference.has_prev) == (7, 3, page < 3, page > 1)


def test_an_empty_list_is_one_statement_and_no_page(app_context):
    with counted_queries() as sent:
        counted = counted_page(select(Organisation).where(Organisation.name == "aucune"), page=1, per_page=3)
    assert len(sent) == 1 and counted.items == [] and counted.total == 0 and counted.pages == 0


@pytest.mark.parametrize("page, items, statements", [(1, 3, 1), (3, 1, 1), (4, 0, 2)])
def test_a_statement_built_once_is_counted_with_its_values(app_context, page, items, statements):
    """A list built once with bind parameters (« Mes séances »): its page and, past the last page, its count
    read with this request's values."""
    from sqlalchemy import bindparam

    db.session.add_all([Organisation(name=f"{prefix} {number}") for prefix in ("ARS", "GHT") for number in range(7)])
    db.session.commit()
    query = (select(Organisation).where(Organisation.name.startswith(bindparam("prefix")))
             .order_by(Organisation.name, Organisation.id))
    for prefix in ("ARS", "GHT"):
        with counted_queries() as sent:
            counted = counted_page(query, page=page, per_page=3, parameters={"prefix": prefix})
        assert len(sent) == statements
        assert len(counted.items) == items and all(item.name.startswith(prefix) for item in counted.items)
        assert (counted.total, counted.pages) == (7, 3)

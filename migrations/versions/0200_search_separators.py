"""PostgreSQL's search vectors read hyphens, dots, slashes and « @ » as spaces (« covid-19 », « PRS 2018-2028 »,
« EHPAD/USLD » are found by « 19 », « 2028 », « ehpad »): the stored generated columns are made again
(``app/agenda/fulltext.py``, ``PG_SEPARATORS``). SQLite unchanged.

Revision ID: 0200
Revises: 0180
Create Date: 2026-12-04
"""
from alembic import op

from app.agenda.fulltext import create_search_index, drop_search_index

revision = '0200'
down_revision = '0180'
branch_labels = None
depends_on = None


def rebuild_vectors():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        drop_search_index(bind)
        create_search_index(bind)


def upgrade():
    rebuild_vectors()


def downgrade():
    rebuild_vectors()  # the vectors follow the code's expression: nothing older to restore

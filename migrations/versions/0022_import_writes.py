"""fewer indexes to write on person: three that no query reads since names are searched by any part

Every registration (a ledger import: 100,000 of them at once) writes an entry into each
index of ``person``. These three serve no query any more, and a plan of every list,
search and count of ``bench/worklist.py`` on 1,000,000 people is the same without them:

- ``ix_person_name_prefix`` and ``ix_person_grid_name_prefix`` (``name text_pattern_ops``)
  served ``name LIKE 'x%'``; since 0016 a name is searched for anywhere in it
  (``LIKE '%x%'``, by ``ix_person_name_trgm`` and ``ix_person_name_chars``), and every
  query by name and birth date reads ``ix_person_name_birth``;
- ``ix_person_phone`` (equality on the phone): phones are searched for by any part
  (``ix_person_phone_trgm``) and never looked up whole.

Revision ID: 0022_import_writes
Revises: 0021_list_indexes
Create Date: 2026-12-05 17:00:00

"""
from alembic import op


revision = '0022_import_writes'
down_revision = '0021_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_person_phone', table_name='person')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_person_name_prefix")
        op.execute("DROP INDEX IF EXISTS ix_person_grid_name_prefix")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_person_grid_name_prefix ON person (grid_id, name text_pattern_ops)")
        op.execute("CREATE INDEX ix_person_name_prefix ON person (name text_pattern_ops)")
    op.create_index('ix_person_phone', 'person', ['phone'])

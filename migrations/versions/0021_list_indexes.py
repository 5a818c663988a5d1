"""indexes for county-wide lists: dwellings in address order, household codes skipped through

Revision ID: 0021_list_indexes
Revises: 0020_ledger_kind
Create Date: 2026-12-05 12:30:00

"""
from alembic import op


revision = '0021_list_indexes'
down_revision = '0020_ledger_kind'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_dwelling_address_id', 'dwelling', ['address', 'id'])
    op.create_index('ix_person_hukou_area_code', 'person', ['hukou_area_code'])


def downgrade():
    op.drop_index('ix_person_hukou_area_code', table_name='person')
    op.drop_index('ix_dwelling_address_id', table_name='dwelling')

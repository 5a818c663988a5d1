"""the ledger import serves more than one kind of ledger: people_import.ledger

Revision ID: 0020_ledger_kind
Revises: 0018_exchange
Create Date: 2026-12-05 07:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0020_ledger_kind'
down_revision = '0018_exchange'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger', sa.String(length=10), server_default='people', nullable=False))


def downgrade():
    with op.batch_alter_table('people_import', schema=None) as batch_op:
        batch_op.drop_column('ledger')

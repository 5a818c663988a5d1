"""agreements: one signature per dwelling, landlord and text version

A dwelling's new landlord signs the version its previous landlord signed.

Revision ID: 0009
Revises: 0008
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_constraint('uq_agreement_dwelling_template', type_='unique')
        batch_op.create_unique_constraint('uq_agreement_dwelling_landlord_template',
                                          ['dwelling_id', 'landlord_id', 'template_id'])


def downgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_constraint('uq_agreement_dwelling_landlord_template', type_='unique')
        batch_op.create_unique_constraint('uq_agreement_dwelling_template', ['dwelling_id', 'template_id'])

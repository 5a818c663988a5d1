"""landlords: accounts (user.landlord_id), invitations, agreement templates and
signatures, monthly sweep visits

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('resign_required', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_agreement_template_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_template')),
    sa.UniqueConstraint('version', name=op.f('uq_agreement_template_version'))
    )
    op.create_table('landlord_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('landlord_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_landlord_invitation_created_by_id_user')),
    sa.ForeignKeyConstraint(['landlord_id'], ['landlord.id'], name=op.f('fk_landlord_invitation_landlord_id_landlord'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_landlord_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_landlord_invitation_token_hash'))
    )
    with op.batch_alter_table('landlord_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_landlord_invitation_landlord_id'), ['landlord_id'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dwelling_id', sa.Integer(), nullable=False),
    sa.Column('landlord_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('signed_name', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('signed_ip', sa.String(length=45), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dwelling_id'], ['dwelling.id'], name=op.f('fk_agreement_dwelling_id_dwelling'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['landlord_id'], ['landlord.id'], name=op.f('fk_agreement_landlord_id_landlord')),
    sa.ForeignKeyConstraint(['template_id'], ['agreement_template.id'], name=op.f('fk_agreement_template_id_agreement_template')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_agreement_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('dwelling_id', 'template_id', name='uq_agreement_dwelling_template')
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_landlord_id'), ['landlord_id'], unique=False)

    op.create_table('sweep_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dwelling_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('visited_at', sa.DateTime(), nullable=False),
    sa.Column('visited_by_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['dwelling_id'], ['dwelling.id'], name=op.f('fk_sweep_visit_dwelling_id_dwelling'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grid_id'], ['area.id'], name=op.f('fk_sweep_visit_grid_id_area')),
    sa.ForeignKeyConstraint(['visited_by_id'], ['user.id'], name=op.f('fk_sweep_visit_visited_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sweep_visit')),
    sa.UniqueConstraint('dwelling_id', 'month', name='uq_sweep_visit_dwelling_month')
    )
    with op.batch_alter_table('sweep_visit', schema=None) as batch_op:
        batch_op.create_index('ix_sweep_visit_grid_month', ['grid_id', 'month'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('landlord_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_landlord_id'), ['landlord_id'], unique=True)
        batch_op.create_foreign_key(batch_op.f('fk_user_landlord_id_landlord'), 'landlord', ['landlord_id'], ['id'])

    # A landlord's own reports are listed on their page.
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_request_requested_by_id'), ['requested_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_request_requested_by_id'))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_landlord_id_landlord'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_landlord_id'))
        batch_op.drop_column('landlord_id')

    with op.batch_alter_table('sweep_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_sweep_visit_grid_month')

    op.drop_table('sweep_visit')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_landlord_id'))

    op.drop_table('agreement')
    with op.batch_alter_table('landlord_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_landlord_invitation_landlord_id'))

    op.drop_table('landlord_invitation')
    op.drop_table('agreement_template')

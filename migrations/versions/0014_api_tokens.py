"""api tokens: integrations' keys to the JSON API, scoped to areas; movements by time recorded

Revision ID: 0014_api_tokens
Revises: 0011_jobs
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_api_tokens'
down_revision = '0011_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=12), nullable=False),
        sa.Column('access', sa.String(length=8), nullable=False),
        sa.Column('full_id_numbers', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_token_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash')),
    )
    op.create_table(
        'api_token_area',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_api_token_area_area_id_area'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_api_token_area_token_id_api_token'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_id', 'area_id', name=op.f('pk_api_token_area')),
    )
    # "Changes since a timestamp" pages through movements by the time they were recorded.
    op.create_index('ix_movement_recorded_at', 'movement', ['recorded_at', 'id'])


def downgrade():
    op.drop_index('ix_movement_recorded_at', table_name='movement')
    op.drop_table('api_token_area')
    op.drop_table('api_token')

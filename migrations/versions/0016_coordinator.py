"""coordinator's daily work: card print batches (reprint a sheet); names found by any part

- ``card_batch``: the cards printed together on one sheet, and ``card.batch_id``, so that
  a sheet that came out wrong can be reprinted (every card of it reissued).
- PostgreSQL: a name is searched for anywhere in it (given names as often as surnames):
  pg_trgm for 3 or more characters, each name's characters for 1 or 2 (as addresses).

Revision ID: 0016_coordinator
Revises: 0014_api_tokens
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_coordinator'
down_revision = '0014_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'card_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('printed_at', sa.DateTime(), nullable=False),
        sa.Column('printed_by_id', sa.Integer(), nullable=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('reprint_of_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['grid_id'], ['area.id'], name=op.f('fk_card_batch_grid_id_area')),
        sa.ForeignKeyConstraint(['printed_by_id'], ['user.id'], name=op.f('fk_card_batch_printed_by_id_user')),
        sa.ForeignKeyConstraint(['reprint_of_id'], ['card_batch.id'],
                                name=op.f('fk_card_batch_reprint_of_id_card_batch')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_card_batch')),
    )
    op.create_index('ix_card_batch_grid_printed', 'card_batch', ['grid_id', 'printed_at'], unique=False)
    # A new nullable column with its foreign key, added in place: a batch copy of the table
    # would reflect it (and warn about the expression indexes of tables it refers to).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE card ADD COLUMN batch_id INTEGER "
                   "CONSTRAINT fk_card_batch_id_card_batch REFERENCES card_batch (id)")
    else:
        op.add_column('card', sa.Column('batch_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_card_batch_id_card_batch'), 'card', 'card_batch', ['batch_id'], ['id'])
    op.create_index(op.f('ix_card_batch_id'), 'card', ['batch_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_person_name_trgm ON person USING gin (name gin_trgm_ops)")
        op.execute("CREATE INDEX ix_person_name_chars ON person USING gin (string_to_array(name, NULL))")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_person_name_chars")
        op.execute("DROP INDEX IF EXISTS ix_person_name_trgm")
    op.drop_index(op.f('ix_card_batch_id'), table_name='card')
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_column('batch_id')  # with its foreign key (SQLite copies the table)
    op.drop_index('ix_card_batch_grid_printed', table_name='card_batch')
    op.drop_table('card_batch')

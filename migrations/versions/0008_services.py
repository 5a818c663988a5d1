"""service schedules: service types, appointments, notices, documents, choices, SMS outbox

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('service_type_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('window_end', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('catch_up', sa.Boolean(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('no_shows', sa.Integer(), nullable=False),
    sa.Column('last_no_show_on', sa.Date(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=20), nullable=True),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('planned_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment')),
    sa.UniqueConstraint('person_id', 'service_type_id', 'slot', name='uq_appointment_slot')
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index('ix_appointment_notice', ['notice_id'], unique=False, postgresql_where=sa.text('notice_id IS NOT NULL'), sqlite_where=sa.text('notice_id IS NOT NULL'))
        batch_op.create_index('ix_appointment_type_done', ['service_type_id', 'done_on'], unique=False, postgresql_where=sa.text('done_on IS NOT NULL'), sqlite_where=sa.text('done_on IS NOT NULL'))
        batch_op.create_index('ix_appointment_type_status_due', ['service_type_id', 'status', 'due_on'], unique=False)

    op.create_table('service_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('cadence', sa.JSON(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('instructions', sa.String(length=500), nullable=True),
    sa.Column('sms_enabled', sa.Boolean(), nullable=False),
    sa.Column('sms_days_before', sa.Integer(), nullable=False),
    sa.Column('deadline_rule', sa.String(length=12), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_type')),
    sa.UniqueConstraint('code', name=op.f('uq_service_type_code'))
    )
    op.create_table('sms_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('service_type_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('body', sa.String(length=500), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('provider_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_outbox')),
    sa.UniqueConstraint('person_id', 'service_type_id', 'due_on', name='uq_sms_outbox_visit')
    )
    with op.batch_alter_table('sms_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_sms_outbox_queue', ['due_on', 'id'], unique=False, postgresql_where=sa.text("state IN ('queued', 'retry')"), sqlite_where=sa.text("state IN ('queued', 'retry')"))

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('service_type_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('endorsed_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_document_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_document_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['service_type_id'], ['service_type.id'], name=op.f('fk_document_service_type_id_service_type'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('person_id', 'service_type_id', name='uq_document_person_type')
    )
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('deadline_on', sa.Date(), nullable=True),
    sa.Column('distance', sa.String(length=16), nullable=True),
    sa.Column('stub_returned_on', sa.Date(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_notice_issued_by_id_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_notice_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_issued', ['issued_on', 'stub_returned_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_person_id'), ['person_id'], unique=False)

    op.create_table('service_choice',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('service_type_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=3), nullable=False),
    sa.Column('chosen_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_service_choice_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_service_choice_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['service_type_id'], ['service_type.id'], name=op.f('fk_service_choice_service_type_id_service_type'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'service_type_id', name=op.f('pk_service_choice'))
    )
    with op.batch_alter_table('service_choice', schema=None) as batch_op:
        batch_op.create_index('ix_service_choice_type', ['service_type_id', 'choice'], unique=False)

    op.create_table('sms_opt_out',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_sms_opt_out_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_sms_opt_out_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_sms_opt_out'))
    )


def downgrade():
    op.drop_table('sms_opt_out')
    with op.batch_alter_table('service_choice', schema=None) as batch_op:
        batch_op.drop_index('ix_service_choice_type')

    op.drop_table('service_choice')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_person_id'))
        batch_op.drop_index('ix_notice_issued')

    op.drop_table('notice')
    op.drop_table('document')
    with op.batch_alter_table('sms_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_outbox_queue', postgresql_where=sa.text("state IN ('queued', 'retry')"), sqlite_where=sa.text("state IN ('queued', 'retry')"))

    op.drop_table('sms_outbox')
    op.drop_table('service_type')
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_type_status_due')
        batch_op.drop_index('ix_appointment_type_done', postgresql_where=sa.text('done_on IS NOT NULL'), sqlite_where=sa.text('done_on IS NOT NULL'))
        batch_op.drop_index('ix_appointment_notice', postgresql_where=sa.text('notice_id IS NOT NULL'), sqlite_where=sa.text('notice_id IS NOT NULL'))

    op.drop_table('appointment')

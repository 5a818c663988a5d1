"""sessions and abuse limits: a session generation per user, login failures per IP address,
rate-limit counters in the database; a report of ID numbers written in other digits

Revision ID: 0017_sessions
Revises: 0015_station
"""
import logging
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0017_sessions'
down_revision = '0015_station'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')),
    )
    op.create_index('ix_login_failure_ip_at', 'login_failure', ['ip', 'at'])
    op.create_table(
        'rate_counter',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_counter')),
    )
    report_foreign_digits(op.get_bind())


def ascii_form(number: str) -> str | None:
    """The number in ASCII digits, or None when a character is no decimal digit nor X."""
    out = []
    for ch in number:
        if ch.upper() in ("X", "\uff38"):
            out.append("X")
            continue
        value = unicodedata.decimal(ch, None)
        if value is None:
            return None
        out.append(str(value))
    return "".join(out)


def report_foreign_digits(conn) -> list[dict]:
    """ID numbers stored with digits of another script (full-width ４, Arabic-Indic ٤…), which
    the form used to accept. Each is the same number as its ASCII form: one without a twin is
    rewritten in ASCII; one whose ASCII form is already registered is a duplicate person,
    left as it is and reported (record ids and areas, never the number) for the stations to
    merge. Returns the report (tests read it)."""
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('id_number', sa.String),
                      sa.column('grid_id', sa.Integer))
    rows = conn.execute(sa.select(person.c.id, person.c.id_number, person.c.grid_id)
                        .where(person.c.id_number.is_not(None))).all()
    report = []
    for pid, number, grid_id in rows:
        if number.isascii():
            continue
        plain = ascii_form(number)
        twin = None if plain is None else conn.execute(
            sa.select(person.c.id, person.c.grid_id).where(person.c.id_number == plain)).first()
        if plain is not None and twin is None:
            conn.execute(person.update().where(person.c.id == pid).values(id_number=plain))
            report.append({"person_id": pid, "rewritten": True})
            continue
        entry = {"person_id": pid, "grid_id": grid_id, "rewritten": False,
                 "same_as_person_id": twin.id if twin else None, "same_as_grid_id": twin.grid_id if twin else None}
        report.append(entry)
        log.warning("ID number written in other digits; %s", entry)
    if report:
        log.warning("ID numbers in other digits: %d rewritten in ASCII, %d duplicates to merge by hand",
                    sum(e["rewritten"] for e in report), sum(not e["rewritten"] for e in report))
    return report


def downgrade():
    op.drop_table('rate_counter')
    op.drop_index('ix_login_failure_ip_at', table_name='login_failure')
    op.drop_table('login_failure')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('session_generation')

"""the admin's holiday calendar entries (calendar_day); catch-up rules of the shipped schedule

Working days follow the official holiday calendar (domain.workcalendar); the admin adds
days off and adjusted working days (调休) that the package does not know yet.

The shipped childhood immunisation schedule gains what catching up needs (domain.schedules.
Dose: the vaccine a dose belongs to, the shortest interval after the one before, oral, live,
the age after which it is not caught up), for the doses a deployment still has as shipped.

Revision ID: 0015_station
Revises: 0016_coordinator
"""
import json

from alembic import op
import sqlalchemy as sa

revision = '0015_station'
down_revision = '0016_coordinator'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'calendar_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('workday', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_calendar_day_updated_by_id_user')),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day')),
    )


    _catch_up_rules(add=True)


# As in app/domain/service_defaults.py when this revision was written (a migration keeps its own copy).
CATCH_UP = {
    "BCG": {"live": True, "until_months": 36}, "HepB-2": {"after_days": 28}, "IPV-1": {"series": "polio"},
    "IPV-2": {"series": "polio", "after_days": 28}, "bOPV-1": {"series": "polio", "after_days": 28, "oral": True},
    "DTaP-2": {"after_days": 28}, "HepB-3": {"after_days": 60}, "DTaP-3": {"after_days": 28},
    "MPSV-A-1": {"series": "MPSV", "until_months": 24}, "MMR-1": {"live": True}, "JE-L-1": {"live": True},
    "MPSV-A-2": {"series": "MPSV", "after_months": 3, "until_months": 24}, "DTaP-4": {"after_months": 6},
    "MMR-2": {"after_days": 28, "live": True}, "HepA-L": {"live": True},
    "JE-L-2": {"after_months": 12, "live": True}, "MPSV-AC-1": {"series": "MPSV", "after_months": 12},
    "bOPV-2": {"series": "polio", "after_days": 28, "oral": True}, "DTaP-5": {"after_months": 12},
    "MPSV-AC-2": {"series": "MPSV", "after_months": 36},
}
KEYS = ("series", "after_days", "after_months", "oral", "live", "until_months")


def _catch_up_rules(add: bool) -> None:
    service_type = sa.table("service_type", sa.column("id", sa.Integer), sa.column("code", sa.String),
                            sa.column("cadence", sa.JSON))
    bind = op.get_bind()
    for type_id, cadence in bind.execute(sa.select(service_type.c.id, service_type.c.cadence)
                                         .where(service_type.c.code == "child_immunisation")).all():
        cadence = json.loads(cadence) if isinstance(cadence, str) else dict(cadence or {})
        doses = []
        for dose in cadence.get("doses") or ():
            if not add:
                dose = {k: v for k, v in dose.items() if k not in KEYS}
            elif not any(dose.get(k) for k in KEYS):  # as shipped: the admin has not set these
                dose = {**dose, **CATCH_UP.get(dose.get("code"), {})}
            doses.append(dose)
        cadence["doses"] = doses
        bind.execute(service_type.update().where(service_type.c.id == type_id).values(cadence=cadence))


def downgrade():
    _catch_up_rules(add=False)
    op.drop_table('calendar_day')

from __future__ import annotations

from ..domain.clock import utcnow
from ..extensions import db


class GridFigure(db.Model):
    """One counted figure of one grid for one month (``month`` is its first day): the
    store the dashboards read, filled by ``services.figures.store`` from the records.

    ``measure`` names a definition in ``services.figures.measures``; ``value`` is NULL where the
    figure is unknown (a grid without an estimated population). Rows of a closed month
    are final once computed after the month ended; the current month's are recomputed
    when older than the ``figures.max_age_minutes`` setting.
    """

    month = db.Column(db.Date, primary_key=True)
    measure = db.Column(db.String(60), primary_key=True)
    grid_id = db.Column(db.Integer, db.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    value = db.Column(db.Integer)
    computed_at = db.Column(db.DateTime, nullable=False, default=utcnow)

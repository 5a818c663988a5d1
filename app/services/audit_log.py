"""Reading the audit log (writing it is ``services.audit``)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AuditLog, User
from .search import Page


def search(*, entity: str = "", action: str = "", username: str = "", entity_id: int | None = None,
           page: int = 1, per_page: int = 50) -> Page:
    stmt = select(AuditLog)
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditLog.entity_id == entity_id)
    if action:
        stmt = stmt.where(AuditLog.action.startswith(action))
    if username:
        stmt = stmt.where(AuditLog.user_id.in_(select(User.id).where(User.username == username)))
    total = db.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True).order_by(None))
    rows = db.session.scalars(stmt.options(joinedload(AuditLog.user)).order_by(AuditLog.id.desc())
                              .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    return Page(list(rows), total, max(page, 1), per_page)

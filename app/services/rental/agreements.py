"""Landlord responsibility agreements (出租房屋责任书): the admin keeps the text as
numbered versions; a landlord signs the current one for each dwelling by typing their name.

A signature binds the landlord who signed it: when a dwelling gets another landlord, the
earlier signature stays on record but no longer counts, and the new landlord signs."""
from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from ...domain import rental
from ...domain.text import N_
from ...extensions import db
from ...models import Agreement, AgreementTemplate, Dwelling, User
from .. import scope
from ..common import audit
from ..common.context import Actor
from ..common.errors import NotFound, ValidationFailed


def templates() -> list[AgreementTemplate]:
    return list(db.session.scalars(select(AgreementTemplate).order_by(AgreementTemplate.version.desc())))


def current() -> AgreementTemplate | None:
    return db.session.scalars(select(AgreementTemplate).order_by(AgreementTemplate.version.desc()).limit(1)).first()


def get_template(template_id: int) -> AgreementTemplate:
    template = db.session.get(AgreementTemplate, template_id)
    if template is None:
        raise NotFound("agreement_template")
    return template


def publish(actor: Actor, title: str, body: str, resign_required: bool = False) -> AgreementTemplate:
    """A new version of the text; earlier versions stay as they were signed."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = N_("请填写标题")
    if not body:
        errors["body"] = N_("请填写责任书正文")
    if errors:
        raise ValidationFailed(errors)
    latest = current()
    template = AgreementTemplate(version=(latest.version + 1) if latest else 1, title=title[:100], body=body,
                                 resign_required=bool(resign_required) and latest is not None,
                                 created_by_id=actor.user_id)
    db.session.add(template)
    db.session.flush()
    audit.record(actor, "agreement_template.publish", "agreement_template", template.id, None,
                 {"version": template.version, "title": template.title, "resign_required": template.resign_required})
    db.session.commit()
    return template


def threshold() -> int | None:
    rows = db.session.execute(select(AgreementTemplate.version, AgreementTemplate.resign_required)).all()
    return rental.signature_threshold([(v, bool(r)) for v, r in rows])


def signed_state(dwelling_ids: list[int]) -> dict[int, Agreement | None]:
    """Dwelling id → its standing signature (the newest), or None where it needs one.
    Empty when there is no template at all (nothing to sign)."""
    limit = threshold()
    if limit is None or not dwelling_ids:
        return {}
    rows = db.session.scalars(select(Agreement).join(AgreementTemplate).join(Dwelling, _by_its_landlord(Dwelling))
                              .where(Agreement.dwelling_id.in_(dwelling_ids), AgreementTemplate.version >= limit)
                              .order_by(Agreement.signed_at)).all()
    state: dict[int, Agreement | None] = {d: None for d in dwelling_ids}
    for agreement in rows:
        state[agreement.dwelling_id] = agreement
    return state


def signed_condition(dwelling_id_column):
    """A SQL condition "this dwelling's agreement stands" (None: nothing to sign)."""
    limit = threshold()
    if limit is None:
        return None
    signed = aliased(Dwelling)
    return select(Agreement.id).join(AgreementTemplate).join(signed, _by_its_landlord(signed)).where(
        Agreement.dwelling_id == dwelling_id_column, AgreementTemplate.version >= limit).exists()


def _by_its_landlord(dwelling):
    """Join condition: the agreement is of this dwelling and signed by its landlord now."""
    return and_(dwelling.id == Agreement.dwelling_id, dwelling.landlord_id == Agreement.landlord_id)


def sign(actor: Actor, user: User, dwelling_id: int, typed_name: str, agreed: bool) -> Agreement:
    dwelling = scope.get_landlord_dwelling(user, dwelling_id)
    template = current()
    if template is None:
        raise NotFound("agreement_template")
    if signed_state([dwelling.id]).get(dwelling.id) is not None:
        raise ValidationFailed({"name": N_("该房屋的责任书已签署")})
    errors = {}
    if not agreed:
        errors["agree"] = N_("请勾选已阅读并同意")
    if not rental.same_name(typed_name, dwelling.landlord.name):
        errors["name"] = N_("请输入您登记的姓名；姓名有误请联系网格员")
    if errors:
        raise ValidationFailed(errors)
    agreement = Agreement(dwelling_id=dwelling.id, landlord_id=dwelling.landlord_id, template_id=template.id,
                          signed_name=" ".join(typed_name.split()), signed_ip=actor.ip, user_id=actor.user_id)
    db.session.add(agreement)
    db.session.flush()
    audit.record(actor, "agreement.sign", "agreement", agreement.id, None,
                 {"dwelling_id": dwelling.id, "version": template.version, "name": agreement.signed_name})
    db.session.commit()
    return agreement


def for_landlord(user: User, agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id) if isinstance(agreement_id, int) else None
    if agreement is None or agreement.landlord_id != user.landlord_id:
        raise NotFound("agreement")
    return agreement


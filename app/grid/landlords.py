"""A dwelling's landlord as the coordinator handles it: the invitation to an account
(link and QR code on screen, resend, revoke) and the signed responsibility agreement."""
from __future__ import annotations

from flask import flash, make_response, redirect, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..card.qr import base_url, svg_data_uri
from ..domain import rental
from ..extensions import db
from ..models import Tenancy
from ..services import scope
from ..services.common.errors import NotFound, ValidationFailed
from ..services.rental import agreements, invitations, sweeps
from ..web import actor, render, roles_required
from ..web.forms import flash_refusal
from . import bp
from .helpers import STAFF


def invitation_url(token: str) -> str:
    return f"{base_url()}{url_for('landlord.invitation', token=token)}"


@bp.post("/dwellings/<int:dwelling_id>/invite")
@roles_required(*STAFF)
def invite_landlord(dwelling_id: int):
    """A new link (any earlier one stops working), shown once: only its hash is kept."""
    try:
        issued = invitations.invite(actor(), current_user, dwelling_id)
    except ValidationFailed as exc:
        flash_refusal(exc)
        return redirect(url_for("grid.dwelling", dwelling_id=dwelling_id))
    link = invitation_url(issued.token)
    d = scope.get_dwelling(current_user, dwelling_id)
    response = make_response(render("grid/invitation.html", d=d, link=link, qr=svg_data_uri(link),
                                    invitation=issued.invitation,
                                    has_account=invitations.account(d.landlord) is not None))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/dwellings/<int:dwelling_id>/invite/revoke")
@roles_required(*STAFF)
def revoke_invitation(dwelling_id: int):
    try:
        invitations.revoke(actor(), current_user, dwelling_id)
    except ValidationFailed as exc:
        flash_refusal(exc)
    else:
        flash(gettext("邀请链接已撤销"), "success")
    return redirect(url_for("grid.dwelling", dwelling_id=dwelling_id))


@bp.get("/dwellings/<int:dwelling_id>/agreement")
@roles_required(*STAFF)
def dwelling_agreement(dwelling_id: int):
    d = scope.get_dwelling(current_user, dwelling_id)
    signed = agreements.signed_state([d.id]).get(d.id)
    if signed is None:
        raise NotFound("agreement")
    return render("landlord/agreement_copy.html", a=signed, back=url_for("grid.dwelling", dwelling_id=d.id))


def landlord_panel(d) -> dict:
    """What the dwelling page shows about the landlord's account, agreement and tenancies."""
    state = agreements.signed_state([d.id])
    tenancies = {t.person_id: t for t in db.session.scalars(
        select(Tenancy).where(Tenancy.dwelling_id == d.id, Tenancy.end_on.is_(None)))}
    return {"landlord_account": invitations.account(d.landlord), "open_invitation": invitations.open_invitation(d.landlord),
            "agreement": state.get(d.id), "agreement_needed": d.id in state and state[d.id] is None,
            "tenancies": tenancies, "visit": sweeps.visits(d.grid_id, sweeps.this_month()).get(d.id),
            "sweep_results": rental.SWEEP_RESULTS}

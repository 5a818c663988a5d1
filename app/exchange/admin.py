"""The admin's side of the exchange: this deployment's identity, the peer directory
(keys, rotation), and bundle files for offices without a network link."""
from __future__ import annotations

from flask import flash, redirect, request, send_file, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FileField, StringField
from wtforms.validators import Length, Optional
import io

from ..domain.clock import local_today
from ..services.admin import settings
from ..services.common.errors import ValidationFailed
from ..services.exchange import bundle, peers as directory, signing
from ..web import actor, render, roles_required
from ..web.forms import apply_errors
from . import bp


class PeerForm(FlaskForm):
    name = StringField(_l("名称"), validators=[Length(max=100)])
    code = StringField(_l("对方县（区）行政区划代码"), validators=[Length(max=12)])
    prefixes = StringField(_l("对方管辖的区划代码前缀（空格分隔）"), validators=[Length(max=400)])
    base_url = StringField(_l("对方地址（https://…）"), validators=[Optional(), Length(max=300)])
    key = StringField(_l("签名密钥"), validators=[Length(max=120)], render_kw={"autocomplete": "off"})
    next_key = StringField(_l("轮换中的第二个密钥（可不填）"), validators=[Optional(), Length(max=120)],
                           render_kw={"autocomplete": "off"})
    active = BooleanField(_l("启用"), default=True)


class IdentityForm(FlaskForm):
    county_code = StringField(_l("本部署所在县（区）的行政区划代码"), validators=[Length(max=12)])
    county_name = StringField(_l("本部署所在县（区）的名称"), validators=[Length(max=100)])


class BundleForm(FlaskForm):
    file = FileField(_l("交换文件"))


@bp.route("/peers", methods=["GET", "POST"])
@roles_required("admin")
def peers():
    code, name = directory.identity()
    form = IdentityForm(county_code=code, county_name=name)
    if form.validate_on_submit():
        try:
            settings.update(actor(), {"exchange.county_code": form.county_code.data,
                                      "exchange.county_name": form.county_name.data})
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存"), "success")
            return redirect(url_for("exchange.peers"))
    return render("exchange/peers.html", form=form, peers=directory.all_peers(), bundle_form=BundleForm())


@bp.route("/peers/new", methods=["GET", "POST"], defaults={"peer_id": None})
@bp.route("/peers/<int:peer_id>", methods=["GET", "POST"])
@roles_required("admin")
def peer(peer_id):
    record = directory.get(peer_id) if peer_id else None
    form = PeerForm(obj=record) if request.method == "GET" and record else PeerForm()
    if request.method == "GET" and record is None:
        form.key.data = signing.new_key()
    if form.validate_on_submit():
        try:
            directory.save(actor(), {k: getattr(form, k).data for k in directory.PEER_FIELDS}, peer_id)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已保存"), "success")
            return redirect(url_for("exchange.peers"))
    return render("exchange/peer.html", form=form, record=record)


@bp.post("/peers/<int:peer_id>/export")
@roles_required("admin")
def export_bundle(peer_id):
    data, count = bundle.export(actor(), directory.get(peer_id))
    response = send_file(io.BytesIO(data), mimetype="application/json", as_attachment=True,
                         download_name=f"anju-exchange-{local_today():%Y%m%d}.json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/import")
@roles_required("admin")
def import_bundle():
    form = BundleForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(gettext("请选择交换文件"), "error")
        return redirect(url_for("exchange.peers"))
    try:
        counts = bundle.load(actor(), upload.read())
    except ValidationFailed as exc:
        flash(gettext(next(iter(exc.errors.values()))), "error")
    else:
        flash(gettext("已导入 %(stored)d 条，重复 %(dup)d 条，拒收 %(bad)d 条", stored=counts["stored"],
                      dup=counts["duplicate"], bad=len(counts["refused"])), "success")
    return redirect(url_for("exchange.peers"))

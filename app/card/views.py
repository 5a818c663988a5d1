"""/c/<token>: the card page. Public part for anyone holding the card; the person's own
data after the last 4 characters of their ID number; reports go to the review queue."""
from __future__ import annotations

import time

from flask import (
    abort,
    current_app,
    flash,
    get_flashed_messages,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import format_time, gettext

from ..domain import cards as rules
from ..domain.clock import minutes_until, to_local
from ..extensions import csrf, db, limiter
from ..i18n import select_locale
from ..models import Card
from ..services.cards import issuing as cards
from ..services.cards import page as card_page
from ..services.common.errors import ValidationFailed
from ..services.health import appointments
from ..web import tr
from ..web.forms import apply_errors, own_ids
from . import bp
from . import rate as card_rate
from .fast_path import PUBLIC_PAGE_HEADERS, public_page_context
from .forms import REPORT_FORMS, CodeForm, UnlockForm
from .rendering import card_templates

OPEN = "open"  # the key of a card opened by its short code (kept in the session)


class CardGone(Exception):
    def __init__(self, view):
        self.view = view


def _view(key: str):
    if key == OPEN:
        card_id = session.get("open_card")
        view = card_page.by_card_id(card_id) if isinstance(card_id, int) else None
    else:
        token = rules.normalise_token(key)
        view = card_page.by_token_hash(cards.token_digest(token)) if 20 <= len(token) <= 64 else None
    if view is None:
        abort(404)
    if view.gone:
        raise CardGone(view)
    return view


def _render(template: str, **context) -> str:
    """A card template, through the renderer the fast path uses too (``rendering``)."""
    return card_templates(current_app).render(
        template, select_locale(), request.script_root, path=request.path,
        messages=get_flashed_messages(with_categories=True), **context)


@limiter.request_filter
def _reading_a_card() -> bool:
    """Reading a card is limited by ``rate`` (with the fast path), not by the limiter's
    defaults (unlocking it and entering a code have theirs)."""
    return request.endpoint in ("card.page", "card.page_upper") and request.method in ("GET", "HEAD")


@bp.before_request
def _card_page_rate():
    if request.endpoint in ("card.page", "card.page_upper") and request.method in ("GET", "HEAD") \
            and not card_rate.of(current_app).allowed(request.environ):
        abort(429)


def _unlocked(view) -> bool:
    expires = (session.get("unlocked") or {}).get(str(view.card_id), 0)
    return expires > time.time()


def _private(response):
    response.headers["Cache-Control"] = "no-store, private"
    return response


def _page(key, view, status=200, unlock_form=None, forms=None, locked_until=None):
    unlocked = _unlocked(view)
    context = public_page_context(key, view)
    context.update(unlocked=unlocked, locked_until=locked_until)
    if unlock_form is not None:
        context.update(unlock_errors=unlock_form.last4.errors, unlock_value=unlock_form.last4.data or "")
    if unlocked:
        context.update(forms={kind: own_ids((forms or {}).get(kind) or cls(formdata=None), kind)
                              for kind, cls in REPORT_FORMS.items()},
                       reports=cards.reports(view.person_id),
                       appointments=appointments.next_for_person(view.person_id, station_address=view.station_address))
    response = make_response(_render("card/page.html", **context), status)
    if unlocked or status != 200:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return _private(response)
    response.headers.extend(PUBLIC_PAGE_HEADERS)  # as the fast path sends them
    return response


@bp.errorhandler(CardGone)
def card_gone(exc: CardGone):
    response = make_response(_render("card/gone.html", v=exc.view), 410)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return _private(response)


@bp.errorhandler(404)
def card_unknown(_exc):
    response = make_response(_render("card/gone.html", v=None), 404)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return _private(response)


@bp.route("/c", methods=["GET", "POST"])
@bp.route("/C", methods=["GET", "POST"], endpoint="enter_code_upper")
@limiter.limit("20 per 15 minutes", methods=["POST"])
def enter_code():
    form = CodeForm()
    if form.validate_on_submit():
        card = cards.by_short_code(form.code.data)
        if card is not None:
            session["open_card"] = card.id
            return redirect(url_for("card.page", key=OPEN))
        form.code.errors.append(gettext("没有找到这张联系卡，请核对编码（不含数字 0、1 和字母 O、I、L）"))
    response = make_response(_render("card/code.html", form=form))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/c/<key>")
@bp.get("/C/<key>", endpoint="page_upper")  # the QR code's URL, upper case for alphanumeric mode
def page(key: str):
    return _page(key, _view(key))


@bp.post("/c/<key>/unlock")
@csrf.exempt
def unlock(key: str):
    view = _view(key)
    form = UnlockForm()
    if not form.validate_on_submit():
        return _page(key, view, unlock_form=form)
    card = db.session.get(Card, view.card_id)
    result = cards.try_unlock(card, request.remote_addr or "?", form.last4.data)
    if result is True:
        unlocked = {k: v for k, v in (session.get("unlocked") or {}).items() if v > time.time()}
        unlocked[str(view.card_id)] = time.time() + rules.UNLOCK_LASTS.total_seconds()
        session["unlocked"] = unlocked
        return redirect(url_for("card.page", key=key))
    if not result.locked:
        form.last4.errors.append(tr(rules.wrong_answer_message(result.remaining)))
        return _page(key, view, unlock_form=form)
    until = format_time(to_local(result.locked_until), "HH:mm")
    form.last4.errors.append(tr(rules.locked_message(until, minutes_until(result.locked_until))))
    return _page(key, view, status=429, unlock_form=form, locked_until=until)


@bp.post("/c/<key>/report/<kind>")
def report(key: str, kind: str):
    view = _view(key)
    if kind not in REPORT_FORMS:
        abort(404)
    if not _unlocked(view):
        flash(gettext("请先输入身份证号后 4 位"), "info")
        return redirect(url_for("card.page", key=key))
    card = db.session.get(Card, view.card_id)
    form = REPORT_FORMS[kind]()
    form.arrived_on = card.person.arrived_on
    if form.validate_on_submit():
        payload = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
        try:
            cards.submit_report(card, kind, payload, request.remote_addr)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(gettext("已提交，服务站审核后会更新您的信息。"), "success")
            return redirect(url_for("card.page", key=key) + "#reports")
    return _page(key, view, forms={kind: form})

"""Issuing, printing, reissuing and revoking cards; what a scanned card may show and do."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from ...domain import cards as rules
from ...domain.clock import local_today, utcnow
from ...domain.events import event_date_problem
from ...domain.text import N_
from ...extensions import db
from ...models import Card, CardBatch, ChangeRequest, Person, UnlockAttempt, User, user_grids
from .. import scope
from ..common import audit, bulk
from ..common.context import Actor
from ..common.errors import ValidationFailed


def card_key(config) -> bytes:
    """The key of the stored hashes of card secrets (changing it voids printed cards)."""
    return (config.get("CARD_KEY") or config["SECRET_KEY"]).encode()


def _key() -> bytes:
    return card_key(current_app.config)


def token_digest(token: str) -> str:
    return rules.digest(rules.normalise_token(token), _key())


def code_digest(code: str) -> str:
    return rules.digest(rules.normalise_short_code(code), _key())


@dataclass
class IssuedCard:
    """A card with its secrets, as they exist only between issuing and printing."""

    card: Card
    token: str
    short_code: str


def active(person_id: int) -> Card | None:
    return db.session.scalars(select(Card).where(Card.person_id == person_id, Card.revoked_at.is_(None))
                              .order_by(Card.id.desc())).first()


def _revoke(actor: Actor, card: Card, reason: str) -> None:
    card.revoked_at, card.revoked_reason = utcnow(), reason
    audit.record(actor, "card.revoke", "card", card.id, None, {"person_id": card.person_id, "reason": reason})


def _fresh_secrets(card: Card) -> IssuedCard:
    token = rules.new_token()
    # 31^8 short codes: at a million cards a fresh one collides about once in 850,000.
    while True:
        code = rules.new_short_code()
        code_hash = code_digest(code)
        if db.session.scalar(select(Card.id).where(Card.code_hash == code_hash)) is None:
            break
    card.token_hash, card.code_hash = token_digest(token), code_hash
    return IssuedCard(card, token, code)


def _new(actor: Actor, person: Person) -> IssuedCard:
    card = Card(person_id=person.id, issued_by_id=actor.user_id)
    issued = _fresh_secrets(card)
    db.session.add(card)
    db.session.flush()
    audit.record(actor, "card.issue", "card", card.id, None, {"person_id": person.id})
    return issued


def issue_on_registration(actor: Actor, person: Person) -> Card:
    """One person, one card: every registration issues one (its secrets are set at printing)."""
    return _new(actor, person).card


def revoke_for(actor: Actor, person: Person, reason: str) -> None:
    card = active(person.id)
    if card is not None:
        _revoke(actor, card, reason)


def _rotate(actor: Actor, person: Person, reason: str) -> IssuedCard:
    """A new card replacing the active one, which stops working at once."""
    revoke_for(actor, person, reason)
    return _new(actor, person)


def reissue(actor: Actor, user: User, person_id: int) -> IssuedCard:
    person = scope.get_person(user, person_id)
    if not person.present:
        raise ValidationFailed({"card": N_("此人已注销，不能补发联系卡")})
    issued = _rotate(actor, person, "reissued")
    _printed(actor, _new_batch(actor, person.grid_id), [issued.card])
    db.session.commit()
    return issued


def _new_batch(actor: Actor, grid_id: int, reprint_of: CardBatch | None = None) -> CardBatch:
    batch = CardBatch(grid_id=grid_id, printed_by_id=actor.user_id, printed_at=utcnow(),
                      reprint_of_id=reprint_of.id if reprint_of else None)
    db.session.add(batch)
    db.session.flush()
    return batch


def _printed(actor: Actor, batch: CardBatch, printed: list[Card]) -> None:
    """The cards are on ``batch``'s sheet: printed now, each audited."""
    for card in printed:
        card.printed_at, card.batch_id = batch.printed_at, batch.id
        audit.record(actor, "card.print", "card", card.id, None, {"person_id": card.person_id, "batch_id": batch.id})
    batch.size = len(printed)


def reprint_batch(actor: Actor, user: User, batch_id: int) -> tuple[CardBatch, list[tuple[Person, IssuedCard]]]:
    """Print a sheet again: every card of it still in use is reissued (the printed ones stop
    working at once, as a lost card's would) on a new sheet. Cards replaced or revoked
    since, and people who left, are not printed again."""
    batch = scope.first_or_not_found(select(CardBatch).where(
        CardBatch.id == batch_id, *_in_scope(user, CardBatch.grid_id)), batch_id, "card_batch")
    rows = db.session.execute(
        select(Card, Person).join(Person, Person.id == Card.person_id)
        .where(Card.batch_id == batch.id, Card.revoked_at.is_(None), Person.status == "present")
        .order_by(Person.name, Person.id)).all()
    if not rows:
        raise ValidationFailed({"batch": N_("这一批的联系卡都已停用或补发，无需重印")})
    new_batch = _new_batch(actor, batch.grid_id, reprint_of=batch)
    sheet = [(person, _rotate(actor, person, "reissued")) for _, person in rows]
    _printed(actor, new_batch, [issued.card for _, issued in sheet])
    audit.record(actor, "card.reprint_batch", "card_batch", new_batch.id, None,
                 {"reprint_of": batch.id, "cards": len(sheet)})
    db.session.commit()
    return new_batch, sheet


def _in_scope(user: User, column) -> list:
    condition = scope.grid_filter(user, column)
    return [] if condition is None else [condition]


def recent_batches(user: User, limit: int = 20) -> list[CardBatch]:
    """The last sheets printed in the user's grids, newest first."""
    return list(db.session.scalars(select(CardBatch).where(*_in_scope(user, CardBatch.grid_id))
                                   .order_by(CardBatch.printed_at.desc(), CardBatch.id.desc()).limit(limit)))


def revoke(actor: Actor, user: User, person_id: int) -> None:
    person = scope.get_person(user, person_id)
    revoke_for(actor, person, "revoked")
    db.session.commit()


def print_batch(actor: Actor, user: User, grid_id: int,
                limit: int = 200) -> tuple[CardBatch | None, list[tuple[Person, IssuedCard]]]:
    """Every card of the grid not printed yet, with fresh secrets, marked printed on a new
    batch (None and no cards when there are none).

    Secrets exist only in the returned sheet: an unprinted card was never handed out, so
    giving it new ones costs nothing, and nothing readable is ever stored.
    """
    grid = scope.get_grid(user, grid_id)
    rows = db.session.execute(
        select(Card, Person).join(Person, Person.id == Card.person_id)
        .where(Person.grid_id == grid.id, Person.status == "present", Card.revoked_at.is_(None),
               Card.printed_at.is_(None)).order_by(Person.name, Person.id).limit(limit)).all()
    if not rows:
        return None, []
    sheet = [(person, _fresh_secrets(card)) for card, person in rows]
    batch = _new_batch(actor, grid.id)
    _printed(actor, batch, [card for card, _ in rows])
    db.session.commit()
    return batch, sheet


def unprinted_counts(user: User) -> dict[int, int]:
    """Grid id → number of active cards not printed yet, for the user's grids."""
    stmt = (select(Person.grid_id, func.count()).join(Card, Card.person_id == Person.id)
            .where(Person.status == "present", Card.revoked_at.is_(None), Card.printed_at.is_(None))
            .group_by(Person.grid_id))
    condition = scope.grid_filter(user, Person.grid_id)
    if condition is not None:
        stmt = stmt.where(condition)
    return dict(db.session.execute(stmt).all())


def by_token(token: str) -> Card | None:
    token = rules.normalise_token(token)
    if not token or len(token) > 64:
        return None
    return db.session.scalars(select(Card).where(Card.token_hash == token_digest(token))).first()


def by_short_code(code: str) -> Card | None:
    code = rules.normalise_short_code(code)
    if not rules.is_well_formed_short_code(code):
        return None
    return db.session.scalars(select(Card).where(Card.code_hash == code_digest(code))).first()


def _card_failures(card_id: int, now: dt.datetime) -> list[dt.datetime]:
    return list(db.session.scalars(select(UnlockAttempt.at).where(
        UnlockAttempt.card_id == card_id, UnlockAttempt.at > now - rules.UNLOCK_WINDOW)))


def unlock_state(card: Card, ip: str, now: dt.datetime | None = None) -> rules.UnlockState:
    """The card's own lock (its failures, from anywhere), or its address's when that address
    has been scanning many cards (``rules.scanning_state``)."""
    now = now or utcnow()
    card_state = rules.unlock_state(_card_failures(card.id, now), now)
    by_ip = db.session.execute(select(UnlockAttempt.card_id, UnlockAttempt.at).where(
        UnlockAttempt.ip == ip, UnlockAttempt.at > now - rules.UNLOCK_IP_WINDOW)).all()
    ip_state = rules.scanning_state([tuple(r) for r in by_ip], now)
    locks = [s.locked_until for s in (card_state, ip_state) if s.locked]
    return rules.UnlockState(max(locks) if locks else None, card_state.remaining)


BUSY_RETRY = dt.timedelta(minutes=1)


def try_unlock(card: Card, ip: str, last4: str) -> rules.UnlockState | bool:
    """True when unlocked; otherwise the state after this try: locked out, or how many
    tries remain after a wrong answer.

    The try takes its place among the card's failures (committed) before the answer is
    checked, and is checked only if it is within the allowed number: tries sent at one
    moment from many workers get no more checks between them than one at a time. A right
    answer takes its place back."""
    now = utcnow()
    state = unlock_state(card, ip, now)
    if state.locked:
        return state
    attempt = UnlockAttempt(card_id=card.id, ip=(ip or "?")[:45], at=now)
    db.session.add(attempt)
    db.session.commit()
    over = len(_card_failures(card.id, now)) > rules.UNLOCK_MAX_FAILURES
    right = not over and rules.matches_last4(card.person.id_number, last4)
    if over or right:  # not checked, or not a failure: it counts for nothing
        db.session.delete(attempt)
        db.session.commit()
    if right:
        return True
    state = unlock_state(card, ip)
    if over and not state.locked:
        # Refused unchecked while the tries ahead of it are still being checked: it is told
        # to wait a moment, never "wrong answer" (it was not checked).
        return rules.UnlockState(now + BUSY_RETRY, 0)
    return state


REPORT_KINDS = ("address", "departure", "phone")


def submit_report(card: Card, kind: str, payload: dict, ip: str | None) -> ChangeRequest:
    """A migrant's own report: it waits in the grid's review queue."""
    if kind not in REPORT_KINDS:
        raise ValidationFailed({"kind": N_("未知的报告类型")})
    person = card.person
    if kind in ("address", "departure") and payload.get("on"):
        # the rule the reviewer's acceptance applies: what is accepted here can be accepted there
        problem = event_date_problem(payload["on"], local_today(), arrived_on=person.arrived_on)
        if problem:
            raise ValidationFailed({"on": problem})
    pending = db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.person_id == person.id, ChangeRequest.kind == kind, ChangeRequest.status == "pending")).first()
    if pending is not None:
        raise ValidationFailed({"kind": N_("您已提交过同类报告，正在等待审核")})
    change = ChangeRequest(kind=kind, source="migrant", person_id=person.id, grid_id=person.grid_id,
                           payload={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in payload.items()})
    db.session.add(change)
    db.session.flush()
    audit.record(Actor(None, "card", ip), "report.submit", "change_request", change.id, None,
                 {"kind": kind, "person_id": person.id})
    db.session.commit()
    return change


def reports(person_id: int, limit: int = 10) -> list[ChangeRequest]:
    return list(db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.person_id == person_id, ChangeRequest.source == "migrant")
        .order_by(ChangeRequest.created_at.desc()).limit(limit)))


def coordinator_phone(grid_id: int) -> str | None:
    return db.session.scalar(select(User.phone).join(user_grids, user_grids.c.user_id == User.id).where(
        user_grids.c.area_id == grid_id, User.active.is_(True), User.phone.is_not(None)).order_by(User.id).limit(1))


def _short_codes(n: int) -> list[str]:
    """``n`` fresh short codes, each uniform over all 31^8 (one random draw per code)."""
    alphabet, length = rules.SHORT_CODE_ALPHABET, rules.SHORT_CODE_LENGTH
    codes = []
    for _ in range(n):
        value, chars = secrets.randbelow(len(alphabet) ** length), []
        for _ in range(length):
            value, digit = divmod(value, len(alphabet))
            chars.append(alphabet[digit])
        codes.append("".join(chars))
    return codes


def issue_many(actor: Actor, person_ids: list[int], now: dt.datetime) -> list[dict]:
    """Cards for people registered in bulk (an import), as registration issues them: one
    each, secrets set now and replaced at printing. Returns the rows to write; short
    codes already taken are drawn again, checked with one query for the whole batch."""
    key = _key()
    rows = [{"person_id": person_id, "token_hash": rules.digest(rules.new_token(), key),
             "code_hash": rules.digest(code, key), "issued_at": now, "issued_by_id": actor.user_id}
            for person_id, code in zip(person_ids, _short_codes(len(person_ids)))]
    while True:
        hashes = [r["code_hash"] for r in rows]
        taken = set(db.session.scalars(select(Card.code_hash).where(bulk.any_of(Card.code_hash, hashes))))
        if len(set(hashes)) < len(hashes):
            taken |= {h for h in hashes if hashes.count(h) > 1}
        if not taken:
            return rows
        for r in rows:
            if r["code_hash"] in taken:
                r["code_hash"] = rules.digest(_short_codes(1)[0], key)

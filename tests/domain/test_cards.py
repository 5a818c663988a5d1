import datetime as dt

from app.domain import cards


def test_tokens_are_long_random_and_url_safe():
    tokens = {cards.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    for t in list(tokens)[:50]:
        assert len(t) >= 26 and t.isalnum() and t == t.upper()  # ≥ 130 bits, QR alphanumeric
    assert cards.TOKEN_BYTES * 8 >= 128


def test_short_codes_avoid_look_alikes():
    for _ in range(500):
        code = cards.new_short_code()
        assert len(code) == 8 and not set(code) & set("01OIL")
        assert cards.is_well_formed_short_code(code)


def test_short_codes_are_case_insensitive_and_forgive_spacing():
    assert cards.normalise_short_code(" abcd-efgh ") == "ABCDEFGH"
    assert not cards.is_well_formed_short_code("ABCD0FGH")  # 0 is not in the alphabet


def test_digest_is_keyed():
    assert cards.digest("ABC", b"k1") != cards.digest("ABC", b"k2")
    assert len(cards.digest("ABC", b"k1")) == 64


def test_unlock_locks_after_five_failures_in_fifteen_minutes():
    now = dt.datetime(2026, 11, 25, 10, 0)
    four = [now - dt.timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert not cards.unlock_state(four, now).locked
    five = four + [now - dt.timedelta(minutes=10)]
    state = cards.unlock_state(five, now)
    assert state.locked and state.locked_until == now + dt.timedelta(minutes=5)
    old = four + [now - dt.timedelta(minutes=16)]
    assert not cards.unlock_state(old, now).locked


def test_last4_check():
    assert cards.matches_last4("11010519491231002X", "002x")
    assert not cards.matches_last4("11010519491231002X", "0021")
    assert not cards.matches_last4(None, "002X")
    assert not cards.matches_last4("11010519491231002X", "02X")


def test_scanning_counts_different_cards_not_tries():
    from app.domain.cards import UNLOCK_IP_MAX_CARDS, UNLOCK_IP_WINDOW, scanning_state
    now = dt.datetime(2026, 12, 1, 12, 0)
    one_card = [(1, now - dt.timedelta(minutes=i)) for i in range(50)]
    assert not scanning_state(one_card, now).locked
    many = [(i, now - dt.timedelta(minutes=i)) for i in range(UNLOCK_IP_MAX_CARDS)]
    state = scanning_state(many, now)
    assert state.locked_until == now - dt.timedelta(minutes=UNLOCK_IP_MAX_CARDS - 1) + UNLOCK_IP_WINDOW
    old = [(i, now - UNLOCK_IP_WINDOW - dt.timedelta(seconds=1)) for i in range(UNLOCK_IP_MAX_CARDS)]
    assert not scanning_state(old, now).locked

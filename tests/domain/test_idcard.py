import datetime as dt

import pytest

from app.domain.idcard import InvalidIdNumber, check_character, make_id_number, mask_id_number, parse_id_number

VALID = "11010519491231002X"  # the standard's own example


def test_parses_the_standard_example():
    parsed = parse_id_number(VALID)
    assert parsed.number == VALID
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"
    assert parsed.region_code == "110105"


def test_accepts_spaces_and_lower_case_x():
    assert parse_id_number("  11010519491231002x ").number == VALID
    assert parse_id_number("110105 19491231 002X").number == VALID


def test_male_from_odd_sequence():
    number = make_id_number("440305", dt.date(1990, 1, 1), 123)
    assert parse_id_number(number).sex == "M"


def test_converts_fifteen_digit_numbers():
    parsed = parse_id_number("110105491231002")
    assert parsed.number == VALID
    assert parsed.birth_date == dt.date(1949, 12, 31)


@pytest.mark.parametrize("raw, code", [
    ("", "missing"),
    ("1101051949123100", "bad_length"),
    ("11010519491231002Y", "bad_chars"),
    ("1101051949123A002X", "bad_chars"),
    ("110105194912310021", "bad_check"),
    ("110105194902300025", "bad_date"),
    ("110105189912310021", "bad_date"),
    ("11010549023000A", "bad_chars"),
])
def test_rejects_invalid_numbers_with_a_reason(raw, code):
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(raw)
    assert info.value.code == code
    assert str(info.value)  # a readable message
    assert isinstance(info.value, ValueError)


def test_rejects_a_birth_date_in_the_future():
    first17 = "11010520300101001"
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(first17 + check_character(first17), today=dt.date(2026, 11, 25))
    assert info.value.code == "future_date"


def test_leap_day_is_a_real_date_only_in_leap_years():
    ok = make_id_number("110105", dt.date(2000, 2, 29), 1)
    assert parse_id_number(ok).birth_date == dt.date(2000, 2, 29)
    first17 = "11010519000229001"  # 1900 was not a leap year
    with pytest.raises(InvalidIdNumber):
        parse_id_number(first17 + check_character(first17))


def test_a_retired_address_code_is_still_a_valid_number():
    number = make_id_number("342101", dt.date(1980, 6, 1), 7)  # 阜阳地区 阜阳市, retired
    assert parse_id_number(number).region_code == "342101"


def test_masks_first_six_and_last_four():
    assert mask_id_number(VALID) == "110105********002X"
    assert mask_id_number(None) == ""


def test_full_width_digits_and_x_are_the_same_number():
    wide = VALID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert parse_id_number(wide).number == VALID
    assert parse_id_number(VALID[:-1] + "ｘ").number == VALID
    assert parse_id_number("１１０１０５４９１２３１００２").number == VALID  # 15 digits, full width


@pytest.mark.parametrize("digit", ["٤", "۴", "४", "𝟒", "⁴", "④"])  # Arabic-Indic, Persian, Devanagari, maths, superscript, circled
def test_digits_of_other_scripts_are_refused_with_a_reason(digit):
    number = make_id_number("420683", dt.date(1989, 11, 12), 645)
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(digit + number[1:])
    assert info.value.code == "foreign_digits"
    assert "0–9" in str(info.value)

"""Property-based tests of the domain rules (Hypothesis): generated input, not examples.

``HYPOTHESIS_PROFILE=thorough`` runs ten times the examples (see ``tests/conftest.py``)."""
import datetime as dt
import string

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from app.domain import dates, divisions, ledger_values
from app.domain.idcard import CHECK_CHARS, InvalidIdNumber, check_character, mask_id_number, parse_id_number
from app.domain.masking import mask_name
from app.domain.months import Month
from app.domain.phone import InvalidPhone, mask_phone, normalise_mobile

TODAY = dt.date(2026, 12, 4)
births = st.dates(dt.date(1900, 1, 1), TODAY)
regions = st.text(string.digits, min_size=6, max_size=6)
sequences = st.integers(0, 999)
any_text = st.text(st.characters(codec="utf-8"), max_size=40)


def first17(region, born, seq):
    return f"{region}{born:%Y%m%d}{seq:03d}"


# --- identity numbers (GB 11643) ----------------------------------------------------------------

@given(regions, births, sequences)
def test_seventeen_digits_and_their_check_character_round_trip(region, born, seq):
    body = first17(region, born, seq)
    parsed = parse_id_number(body + check_character(body), today=TODAY)
    assert parsed.number == body + check_character(body)
    assert (parsed.birth_date, parsed.region_code) == (born, region)
    assert parsed.sex == ("M" if seq % 2 else "F")


@given(regions, births, sequences, st.data())
def test_any_single_character_change_is_caught(region, born, seq, data):
    body = first17(region, born, seq)
    number = body + check_character(body)
    position = data.draw(st.integers(0, 17))
    replacement = data.draw(st.sampled_from([c for c in "0123456789X" if c != number[position]]))
    with pytest.raises(InvalidIdNumber):
        parse_id_number(number[:position] + replacement + number[position + 1:], today=TODAY)


@given(regions, st.dates(dt.date(1900, 1, 1), dt.date(1999, 12, 31)), sequences)
def test_fifteen_digit_numbers_convert_to_eighteen(region, born, seq):
    legacy = f"{region}{born:%y%m%d}{seq:03d}"
    parsed = parse_id_number(legacy, today=TODAY)
    assert parsed.number[:17] == first17(region, born, seq) and parsed.number[17] in CHECK_CHARS
    assert parse_id_number(parsed.number, today=TODAY) == parsed


@given(regions, births, sequences, st.sampled_from([" ", "\u3000", "\t"]))
def test_spaces_and_lower_case_x_are_accepted(region, born, seq, space):
    body = first17(region, born, seq)
    number = body + check_character(body)
    assert parse_id_number(space + number.lower() + space, today=TODAY).number == number


@given(any_text)
@example("11010519491231002\x00")
def test_parsing_any_text_gives_a_number_or_its_own_error(text):
    try:
        parsed = parse_id_number(text, today=TODAY)
    except InvalidIdNumber as exc:
        assert exc.code and str(exc)
    else:
        assert len(parsed.number) == 18 and parsed.number[:17].isdigit()


@given(st.text(max_size=30))
def test_masking_never_shows_more_than_first_six_and_last_four(number):
    masked = mask_id_number(number)
    if not number:
        assert masked == ""
        return
    assert len(masked) == len(number)
    shown = [i for i, c in enumerate(masked) if c != "*"]
    assert len(shown) <= 10
    assert all(i < 6 or i >= len(number) - 4 for i in shown)
    assert all(masked[i] == number[i] for i in shown)


@given(st.text(max_size=20))
def test_phone_and_name_masks_hide_the_middle(text):
    masked = mask_phone(text)
    if len(text) >= 7:
        assert masked == text[:3] + "****" + text[-4:]
    name, shown = mask_name(text), text.strip()
    if len(shown) >= 3:  # first and last character only
        assert name == shown[0] + "*" * (len(shown) - 2) + shown[-1]


# --- phones --------------------------------------------------------------------------------------

mobiles = st.builds(lambda second, rest: f"1{second}{rest}", st.sampled_from("3456789"),
                    st.text(string.digits, min_size=9, max_size=9))


@given(mobiles, st.sampled_from(["{}", "+86{}", "0086 {}", "{0[0]}{0[1]}{0[2]}-{0[3]}{0[4]}{0[5]}{0[6]}-{0[7]}{0[8]}{0[9]}{0[10]}",
                                 "({0[0]}{0[1]}{0[2]}) {0[3]}{0[4]}{0[5]}{0[6]} {0[7]}{0[8]}{0[9]}{0[10]}", " {} "]))
def test_written_mobiles_normalise_to_eleven_digits(mobile, shape):
    assert normalise_mobile(shape.format(mobile)) == mobile


@given(any_text)
def test_normalising_any_text_gives_a_mobile_or_its_own_error(text):
    try:
        out = normalise_mobile(text)
    except InvalidPhone:
        return
    assert len(out) == 11 and out.isdigit() and out[0] == "1"


# --- dates and months used by schedules -----------------------------------------------------------

starts = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


@given(starts, st.integers(1, 1200))
def test_a_period_is_complete_on_its_anniversary_and_not_the_day_before(start, months):
    day = dates.anniversary(start, months)
    assert dates.months_between(start, day) == months
    assert dates.months_between(start, day - dt.timedelta(days=1)) == months - 1


@given(starts, st.integers(1, 100))
def test_ages_turn_on_birthdays_month_ends_and_leap_days_included(birth, years):
    birthday = dates.anniversary(birth, 12 * years)
    assert dates.age_on(birth, birthday) == years
    assert dates.age_on(birth, birthday - dt.timedelta(days=1)) == years - 1
    if (birth.month, birth.day) == (2, 29) and dates.days_in_month(birthday.year, 2) == 28:
        assert birthday == dt.date(birthday.year, 3, 1)  # 29 February: 1 March in a common year


@given(starts, st.integers(-2400, 2400))
def test_month_arithmetic(start, months):
    first = dates.first_of_month(start)
    moved = dates.add_months_to_first(first, months)
    assert moved.day == 1 and dates.month_index(moved) - dates.month_index(first) == months
    assert Month.of(first).shift(months).first == moved
    assert dates.last_of_month(start) + dt.timedelta(days=1) == dates.add_months_to_first(first, 1)


@given(starts)
def test_working_days_lie_in_the_month(day):
    first = dates.first_of_month(day)
    days = dates.workdays(first, after=day)
    assert days == sorted(days) and all(d.month == first.month and d.year == first.year for d in days)
    assert all(d.weekday() < 5 and d > day for d in days) or days == [dates.last_of_month(first)]


@given(any_text)
@example("9999-12")
def test_a_month_from_a_query_string_is_a_usable_month_or_none(text):
    month = Month.parse(text)
    if month is not None:  # a page then shows it with the months around it
        assert month.first <= month.last_day < month.next
        assert month.shift(-12).first < month.first and month.last(13)[-1] == month
    try:
        first = dates.parse_month(text)
    except dates.InvalidMonth:
        return
    assert first.day == 1


# --- ledger values ---------------------------------------------------------------------------------

cells = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), any_text,
                  st.dates(), st.datetimes(), st.text(string.digits + ".-/年月日 ", max_size=14))


@given(cells)
@example(float("nan"))
@example(float("-inf"))
@example(3.30106e17)
@example("99999.5")
@example("0000-01-01")
def test_ledger_values_never_raise_anything_but_their_own_error(cell):
    for read in (ledger_values.id_number, ledger_values.date, ledger_values.mobile, ledger_values.sex,
                 lambda v: ledger_values.code("education", v), lambda v: ledger_values.code("ethnicity", v)):
        try:
            read(cell)
        except ledger_values.BadValue as exc:
            assert str(exc)
    assert isinstance(ledger_values.text(cell), str)


@given(st.floats(1e15, 1e18))
def test_id_numbers_stored_as_numbers_are_never_imported(number):
    with pytest.raises(ledger_values.BadValue):
        ledger_values.id_number(number)


# --- division codes --------------------------------------------------------------------------------

codes = st.one_of(st.text(string.digits, max_size=12), any_text,
                  st.sampled_from(["110101", "330106", "330106002", "330106002000", "440305000000", "11"]))


@given(codes)
def test_division_codes_normalise_once_and_name_their_lineage(code):
    normal = divisions.normalise_code(code)
    assert divisions.normalise_code(normal) == normal
    assert isinstance(divisions.status(code), divisions.CodeStatus)
    assert isinstance(divisions.full_name(code), str)
    lineage = divisions.lineage(code)
    assert all(normal.startswith(d.code) for d in lineage)
    if lineage:
        assert lineage[-1].code == normal and divisions.status(code) is divisions.CodeStatus.CURRENT
        assert all(child.code.startswith(normal) for child in divisions.children(normal))

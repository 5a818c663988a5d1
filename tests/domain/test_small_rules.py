import datetime as dt

import pytest

from app.domain import duplicates
from app.domain.clock import month_bounds
from app.domain.masking import mask_name
from app.domain.phone import InvalidPhone, mask_phone, normalise_mobile


@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "008613800138000"])
def test_mobile_numbers_normalise(raw):
    assert normalise_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["", "12800138000", "1380013800", "0571-88001234", "abc"])
def test_bad_mobile_numbers(raw):
    with pytest.raises(InvalidPhone):
        normalise_mobile(raw)


def test_masks():
    assert mask_name("张小明") == "张*明"
    assert mask_name("张明") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_phone("13800138000") == "138****8000"


def test_month_bounds_at_year_end():
    assert month_bounds(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))


def _candidate(pid, name, born, number, in_scope=True):
    return duplicates.Candidate(pid, name, born, number, "北山街道 文一社区", in_scope)


def test_same_id_blocks_and_namesake_warns():
    born = dt.date(1990, 1, 1)
    check = duplicates.classify("X1", "张三", born, [_candidate(1, "李四", born, "X1"),
                                                    _candidate(2, "张三", born, "X2")])
    assert check.blocking and check.same_id.person_id == 1
    assert [c.person_id for c in check.same_name_birth] == [2]


def test_the_record_itself_is_not_its_own_duplicate():
    check = duplicates.classify("X1", "张三", None, [_candidate(1, "张三", None, "X1")], exclude_id=1)
    assert not check.blocking

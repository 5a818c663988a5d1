import pytest

from app.domain import sampling


def test_same_seed_same_records_whatever_the_order():
    population = list(range(1, 500))
    first = sampling.draw(population, 42, 20)
    assert len(first) == 20 and len(set(first)) == 20
    assert sampling.draw(list(reversed(population)), 42, 20) == first
    assert sampling.draw(population, 43, 20) != first


def test_small_population_is_taken_whole():
    assert sorted(sampling.draw([5, 3, 3, 9], 1, 20)) == [3, 5, 9]
    assert sampling.draw([], 1, 20) == []


def test_seeds():
    assert 0 < sampling.new_seed() <= sampling.MAX_SEED
    assert sampling.parse_seed(" 123 ") == 123 and sampling.parse_seed("") is None
    for bad in ("0", "-1", "abc", "99999999999", "1.5"):
        with pytest.raises(ValueError):
            sampling.parse_seed(bad)
    assert sampling.pass_rate(3, 4) == 0.75 and sampling.pass_rate(0, 0) is None

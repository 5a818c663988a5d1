"""Fixtures of the figures tests: the county of ``figures_data``."""
import pytest

from figures_data import build_county


@pytest.fixture
def county(world):
    return build_county(world)

"""Drawing a reproducible random sample of records for an audit (seed 001: 20 records).

The population is a list of record ids; sorted first, so that the order the database
returned them in does not matter. The same seed over the same population draws the
same records, in the same order, on any machine (Python's Mersenne Twister seeded with
an integer is specified and stable), so anyone can re-draw a sample to verify it.
"""
from __future__ import annotations

import random
import secrets

MAX_SEED = 2**31 - 1  # fits the database's integer column


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED) + 1


def draw(population: list[int], seed: int, size: int) -> list[int]:
    """Up to ``size`` ids of ``population``, chosen at random by ``seed``."""
    ordered = sorted(set(population))
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def parse_seed(text: str | None) -> int | None:
    """A typed seed (to repeat a draw), or None to draw a new one; ValueError if bad."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= MAX_SEED:
        raise ValueError(text)
    return int(text)


def pass_rate(passed: int, checked: int) -> float | None:
    return passed / checked if checked else None

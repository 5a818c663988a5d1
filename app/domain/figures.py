"""Rates and targets: what a counted figure means once it is set against another.

A rate is a numerator over a denominator, both summed over the grids of an area. Where
a grid's denominator is unknown (no estimated population entered) the grid is left out
of both sums and counted in ``unknown``, so that one grid without an estimate neither
inflates nor hides the rate of the others; pages say how many grids were left out.
"""
from __future__ import annotations

from dataclasses import dataclass

MET, BELOW, NO_DATA = "met", "below", "none"


@dataclass(frozen=True)
class Ratio:
    numerator: int = 0
    denominator: int = 0
    unknown: int = 0  # grids left out: their denominator is unknown

    def __add__(self, other: "Ratio") -> "Ratio":
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator,
                     self.unknown + other.unknown)

    @property
    def rate(self) -> float | None:
        """Percent (may pass 100 when more are registered than were estimated)."""
        if not self.denominator:
            return None
        return 100.0 * self.numerator / self.denominator

    @property
    def shortfall(self) -> int:
        return max(0, self.denominator - self.numerator)


@dataclass(frozen=True)
class Sum:
    """A counted figure summed over grids; ``unknown`` grids had no value."""

    value: int = 0
    unknown: int = 0

    def __add__(self, other: "Sum") -> "Sum":
        return Sum(self.value + other.value, self.unknown + other.unknown)


def total(parts) -> Ratio | Sum:
    """The sum of the per-area figures ``parts`` (all Ratios or all Sums)."""
    parts = list(parts)
    result = parts[0] if parts else Ratio()
    for part in parts[1:]:
        result = result + part
    return result


def status(rate: float | None, target: float | None) -> str:
    """``met`` when the rate reaches the target, ``below`` when not, ``none`` without data.

    Compared at the precision shown (one decimal): 94.96 % shows as 95.0 % and a page
    saying "95.0 %, below the 95 % target" would contradict itself.
    """
    if rate is None:
        return NO_DATA
    if target is None:
        return MET
    return MET if round(rate, 1) >= float(target) else BELOW


def change(current: float | None, previous: float | None) -> float | None:
    """Percentage points since the previous month."""
    if current is None or previous is None:
        return None
    return round(round(current, 1) - round(previous, 1), 1)

"""Geometry of the small charts the report pages draw as inline SVG (no chart library).

Templates only place what these functions compute: coordinates in the SVG's own
``viewBox`` units, which the browser scales to the width available (a phone or a
desktop), and the values they stand for, which the pages also print as text.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    index: int


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    low: float
    high: float
    points: list[Point]
    segments: list[str]  # "x,y x,y …" for each run of months that have a value
    y_ticks: list[tuple[float, float]]  # (y, value)
    x_labels: list[tuple[float, str]]  # (x, label)
    target_y: float | None = None
    plot: tuple[float, float, float, float] = field(default=(0, 0, 0, 0))  # left, top, right, bottom


def value_range(values, target: float | None = None, step: float = 10) -> tuple[float, float]:
    """A y range that shows the differences: from a round number below the lowest value
    (or the target) to 100, or past 100 when a value is above it."""
    known = [v for v in values if v is not None] + ([target] if target is not None else [])
    if not known:
        return 0.0, 100.0
    low = max(0.0, math.floor((min(known) - step / 2) / step) * step)
    high = max(100.0, math.ceil(max(known) / step) * step)
    if high - low < step:
        low = max(0.0, high - step)
    return float(low), float(high)


def _step(low: float, high: float) -> int:
    """A round step that cuts the range into at most four parts."""
    return next((s for s in (5, 10, 20, 25, 50, 100, 250, 500) if (high - low) / s <= 4), 1000)


def _ticks(low: float, high: float) -> list[float]:
    step = _step(low, high)
    return [float(v) for v in range(int(math.ceil(low / step) * step), int(high) + 1, step)]


def trend(values: list[float | None], labels: list[str], target: float | None = None, *,
          width: int = 320, height: int = 150, left: int = 36, right: int = 10, top: int = 10,
          bottom: int = 24, every: int = 1) -> Trend:
    """A line over ``values`` (one per month, oldest first; None = no data that month).
    ``every`` labels every n-th month on the x axis (the last one always)."""
    low, high = value_range(values, target)
    low = max(0.0, float(math.floor(low / _step(low, high)) * _step(low, high)))  # start on a tick
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(values)

    def x_at(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        v = min(max(v, low), high)
        return top + plot_h * (high - v) / (high - low)

    points = [Point(round(x_at(i), 1), round(y_at(v), 1), v, i) for i, v in enumerate(values) if v is not None]
    segments, run = [], []
    for i, v in enumerate(values):
        if v is None:
            if run:
                segments.append(run)
            run = []
        else:
            run.append(f"{x_at(i):.1f},{y_at(v):.1f}")
    if run:
        segments.append(run)
    ticks = _ticks(low, high)
    shown = [i for i in range(n) if i % every == (n - 1) % every]
    return Trend(width=width, height=height, low=low, high=high, points=points,
                 segments=[" ".join(s) for s in segments],
                 y_ticks=[(round(y_at(t), 1), t) for t in ticks],
                 x_labels=[(round(x_at(i), 1), labels[i]) for i in shown],
                 target_y=round(y_at(target), 1) if target is not None else None,
                 plot=(left, top, width - right, height - bottom))


@dataclass(frozen=True)
class Bar:
    width: float  # percent of the track
    target_x: float | None  # percent of the track


def bar_scale(rates) -> float:
    """The value a full bar stands for: 100 %, or more when a rate passes 100 %."""
    known = [r for r in rates if r is not None]
    return max(100.0, math.ceil(max(known) / 10) * 10) if known else 100.0


def bar(rate: float | None, target: float | None = None, scale: float = 100.0) -> Bar:
    def part(v: float) -> float:
        return round(100.0 * min(max(v, 0.0), scale) / scale, 2)

    return Bar(width=part(rate) if rate is not None else 0.0,
               target_x=part(target) if target is not None else None)

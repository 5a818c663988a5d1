"""A figure and the list it opens hold the same people, for every KPI, part and month."""
import pytest

from app.services import figure_lists, figures, kpi
from app.services.measures import Context

from figures_data import APR, JAN, JUN, MAR, NOW, TODAY


@pytest.mark.parametrize("key", list(kpi.BY_KEY))
def test_each_figure_counts_what_its_lists_hold(county, key):
    k = kpi.BY_KEY[key]
    for area in (county.county, county.town_a, county.grid_a1, county.grid_a2, county.town_b):
        coverage = figures.Coverage.of(area)
        for month in (JAN, MAR, APR, JUN):
            ctx = Context(TODAY, NOW)
            got = kpi.report(area, coverage, month, ctx, kpis=(k,)).kpis[0].month
            listed = {part: figure_lists.count(listing, coverage.context(ctx), month)
                      for part, listing in k.lists().items()}
            if "counted" in listed:
                assert listed["counted"] == got.numerator, (area.name, month)
            if "missing" in listed:
                assert listed["missing"] == got.denominator - got.numerator, (area.name, month)

"""A figure and the list it opens hold the same people, for every KPI, part and month, and
for every data-quality rule and part."""
import pytest
from figures_data import APR, JAN, JUN, MAR, NOW, TODAY

from app.services.figures import kpi, quality
from app.services.figures import lists as figure_lists
from app.services.figures import store as figures
from app.services.figures.measures import Context


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


@pytest.mark.parametrize("key", list(quality.BY_KEY))
def test_each_quality_count_is_what_its_fix_it_list_holds(county, key):
    rule = quality.BY_KEY[key]
    totals = []
    for area in (county.county, county.town_a, county.grid_a1, county.grid_a2, county.town_b):
        coverage = figures.Coverage.of(area)
        ctx = Context(TODAY, NOW)
        got = quality.summary(area, coverage, ctx).totals[key]
        assert figure_lists.count(rule.listing, coverage.context(ctx), ctx.current) == got, area.name
        assert figure_lists.page(rule.listing, quality.list_context(rule, coverage, ctx), ctx.current).total == got
        totals.append(got)
    if key == "not_visited":  # 甲, entered in March into a dwelling never visited
        assert totals == [1, 1, 1, 0, 0]

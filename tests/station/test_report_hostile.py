"""Hostile and malformed arguments to the report pages: a page or a 404, never a 500."""
import pytest

NASTY = ["", "'; DROP TABLE person; --", "<script>alert(1)</script>", "x" * 5000, "２０２６－０１", "-1", "0",
         "9999999999999999999999", "2026-00", "2026-13", "0000-01", "🙂", "%", "_", "1e9"]
PAGES = ["/station/kpi", "/station/kpi/registration", "/station/kpi/cards/missing", "/station/quality",
         "/station/quality/id_missing", "/station/monthly", "/station/kpi/entry/missing/export.xlsx",
         "/station/quality/id_bad_check/export.xlsx"]


@pytest.mark.parametrize("value", NASTY)
def test_report_pages_survive_nasty_arguments(login, world, value):
    c = login("admin")
    for url in PAGES:
        r = c.get(url, query_string={"area": value, "month": value, "page": value})
        assert r.status_code in (200, 404), (url, r.status_code)
    for url in ("/station/kpi/refresh", "/station/quality/refresh"):
        r = c.post(url, query_string={"area": value, "month": value}, data={"key": value})
        assert r.status_code in (302, 404), (url, r.status_code)
    for url in (f"/station/kpi/{value}", f"/station/quality/{value}", f"/station/kpi/cards/{value}"):
        if value and "/" not in value:
            assert c.get(url).status_code == 404, url


def test_report_text_is_escaped(login, world):
    world.person("<script>alert(1)</script>", seq=1, hukou_area_code="999999")
    html = login("admin").get("/station/quality/hukou_unknown").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html

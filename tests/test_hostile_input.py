"""Hostile and malformed input: a clear message, never a 500."""
import pytest

NASTY = ["", "'; DROP TABLE person; --", "<script>alert(1)</script>", "x" * 5000, "\x00", "２０２６－０１－０１",
         "9999999999999999999999", "-1", "🙂", "%", "_"]


@pytest.mark.parametrize("value", NASTY)
def test_forms_survive_nasty_values(login, world, value):
    p = world.person("张三", seq=1)
    c = login("admin")
    targets = [
        "/grid/people/new", f"/grid/people/{p.id}/edit", f"/grid/people/{p.id}/move", f"/grid/people/{p.id}/depart",
        f"/grid/people/{p.id}/household", "/grid/people/check-id", "/grid/", "/grid/dwellings", "/grid/dwellings/new",
        f"/grid/dwellings/{world.dwelling_a1.id}/edit",
        "/grid/transfers", "/admin/users/new", "/admin/areas/new", f"/admin/users/{world.users['health'].id}",
        "/auth/password",
    ]
    fields = ["id_number", "name", "birth_date", "arrived_on", "grid_id", "dwelling_id", "rooms", "version", "on",
              "q", "phone", "landlord_phone", "hukou_1", "hukou_2", "parent_id", "role", "area_id", "grid_ids",
              "relation", "reason", "collected_at", "current", "new", "password", "username", "code",
              "address", "kind", "landlord_name", "landlord_id_number"]
    for url in targets:
        r = c.post(url, data={f: value for f in fields})
        assert r.status_code < 500, (url, r.status_code)
    for url in ("/grid/?page=" + value, "/grid/?grid=" + value, "/grid/pickers/hukou?hukou_1=" + value,
                "/grid/pickers/dwellings?grid_id=" + value, "/admin/audit?entity_id=" + value,
                "/api/divisions?parent=" + value):
        assert c.get(url).status_code < 500, url


def test_user_text_is_escaped(login, world):
    world.person("<script>alert(1)</script>", seq=1)
    html = login("coordinator").get("/grid/").data.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_huge_ids_in_urls_are_404(login, world):
    c = login("admin")
    for url in ("/grid/people/99999999999999999999", "/grid/dwellings/99999999999999999999",
                "/admin/users/99999999999999999999", "/admin/areas/99999999999999999999"):
        assert c.get(url).status_code == 404, url


def test_json_bodies_to_forms_are_refused(login, world):
    """Found by the form fuzzer: Flask-WTF read a JSON body as the form, and a number in a
    text field (``{"id_number": 1e999}``) raised AttributeError deep in a field."""
    c = login("coordinator")
    for url in ("/grid/people/new", "/grid/transfers", f"/grid/people/{world.person().id}/edit"):
        r = c.post(url, data=b'{"name": "\\u0000", "id_number": 1e999}', content_type="application/json")
        assert r.status_code == 415 and "请通过页面上的表单提交" in r.data.decode(), url

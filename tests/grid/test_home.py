from app.models import Person


def test_coordinator_lands_on_my_grids_with_counts(login, world):
    world.person("张三", seq=1)
    world.person("李四", seq=2, status="left")
    world.person("王五", grid=world.grid_b1, seq=3)
    c = login("coordinator")
    page = c.get("/", follow_redirects=True)
    html = page.data.decode()
    assert page.status_code == 200
    assert "我的网格" in html
    assert "张三" in html
    assert "王五" not in html  # another township's grid


def test_list_shows_masked_id_numbers(login, world):
    p = world.person("张三", seq=1)
    html = login("coordinator").get("/grid/").data.decode()
    assert p.id_number not in html
    assert p.id_number[:6] + "********" + p.id_number[-4:] in html


def test_search_by_name_id_phone_and_address(login, world):
    a = world.person("张三", seq=1, phone="13800138000")
    world.person("李四", seq=2)
    c = login("coordinator")
    for q in ("张", a.id_number[:10], "8000", "文一路"):
        html = c.post("/grid/", data={"q": q}).data.decode()
        assert "张三" in html, q
    html = c.post("/grid/", data={"q": "不存在的人"}).data.decode()
    assert "没有找到人员" in html


def test_search_is_sent_in_the_body_and_remembered_not_put_in_the_url(login, world):
    world.person("张三", seq=1)
    world.person("李四", seq=2)
    c = login("coordinator")
    c.post("/grid/", data={"q": "李"})
    html = c.get("/grid/").data.decode()
    assert "李四" in html and "张三" not in html
    assert 'value="李"' in html


def test_htmx_search_returns_only_the_results_fragment(login, world):
    world.person("张三", seq=1)
    r = login("coordinator").post("/grid/", data={"q": "张"}, headers={"HX-Request": "true"})
    html = r.data.decode()
    assert r.status_code == 200
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "HX-Request" in r.headers.get("Vary", "")


def _link(html, rel):
    import html as html_lib
    import re
    m = re.search(r'<a href="([^"]+)" rel="%s">' % rel, html)
    return html_lib.unescape(m.group(1)) if m else None


def test_paging_by_keyset_links(login, world, app):
    for i in range(45):
        world.person(f"测{i:02d}", seq=i + 1)
    c = login("coordinator")
    first = c.get("/grid/").data.decode()
    assert "共 45 人" in first and _link(first, "prev") is None
    second = c.get(_link(first, "next")).data.decode()
    assert "测20" in second and "测19" not in second and "测40" not in second
    third = c.get(_link(second, "next")).data.decode()
    assert "测44" in third and "测00" not in third and _link(third, "next") is None
    back = c.get(_link(third, "prev")).data.decode()
    assert "测20" in back and "测39" in back and "测40" not in back and "测19" not in back
    # no names in the links: the cursor is a row's id
    assert "测" not in _link(second, "next") and "page=" not in _link(second, "next")
    assert c.get("/grid/?after=99999999").status_code == 200  # a cursor gone: the first page


def test_next_link_stays_right_when_people_are_registered_meanwhile(login, world, app):
    for i in range(25):
        world.person(f"测{i:02d}", seq=i + 1)
    c = login("coordinator")
    first = c.get("/grid/").data.decode()
    world.person("测00a", seq=90)  # sorts on the first page, after the page was shown
    second = c.get(_link(first, "next")).data.decode()
    assert "测20" in second and "测19" not in second and "测00a" not in second


def test_a_large_list_shows_an_estimate_and_counts_exactly_on_request(login, world, app, monkeypatch):
    from app.services.common import paging
    for i in range(8):
        world.person(f"测{i:02d}", seq=i + 1)
    monkeypatch.setattr(paging, "EXACT_UP_TO", 5)
    monkeypatch.setattr(paging, "planner_estimate", lambda stmt: 7712)
    c = login("coordinator")
    html = c.get("/grid/").data.decode()
    assert "共 约 7,700 人" in html and "共 8 人" not in html
    assert "精确计数" in html
    exact = c.get("/grid/?exact=1").data.decode()
    assert "共 8 人" in exact and "精确计数" not in exact


def test_supervisor_sees_the_whole_township_but_not_another(login, world):
    world.person("甲", grid=world.grid_a1, seq=1)
    world.person("乙", grid=world.grid_a2, seq=2)
    world.person("丙", grid=world.grid_b1, seq=3)
    html = login("supervisor").get("/grid/").data.decode()
    assert "甲" in html and "乙" in html and "丙" not in html


def test_a_grid_outside_scope_in_the_query_string_is_ignored(login, world):
    world.person("丙", grid=world.grid_b1, seq=3)
    html = login("coordinator").get(f"/grid/?grid={world.grid_b1.id}").data.decode()
    assert "丙" not in html


def test_counts_this_month(login, world):
    import datetime as dt
    from app.domain.clock import local_today
    today = local_today()
    world.person("新来", seq=1, arrived_on=today)
    world.person("走了", seq=2, status="left", left_on=today)
    html = login("coordinator").get("/grid/").data.decode()
    assert '<strong>1</strong><span>在住人员</span>' in html
    assert '<strong>1</strong><span>本月来</span>' in html
    assert '<strong>1</strong><span>本月走</span>' in html


def test_search_finds_any_part_of_a_name_in_scope(login, world):
    """Issue 21.5: 伟 finds 张伟, 文娜 finds 李文娜; only people the user may see."""
    world.person("张伟", seq=1)
    world.person("李文娜", seq=2)
    world.person("欧阳明伟", seq=3, grid=world.grid_a2)
    world.person("王伟明", seq=4, grid=world.grid_b1)
    c = login("coordinator")
    found = lambda client, q: client.post("/grid/", data={"q": q}, headers={"HX-Request": "true"}).data.decode()
    html = found(c, "伟")
    assert "张伟" in html and "王伟明" not in html and "欧阳明伟" not in html  # grid A2 is not theirs
    assert "李文娜" in found(c, "文娜") and "张伟" not in found(c, "文娜")
    supervisor = login("supervisor")
    assert "欧阳明伟" in found(supervisor, "明伟") and "王伟明" not in found(supervisor, "伟明")
    admin = found(login("admin"), "伟明")
    assert "王伟明" in admin and "张伟" not in admin
    assert "欧阳明伟" in found(supervisor, "阳明伟")  # three characters (pg_trgm on PostgreSQL)

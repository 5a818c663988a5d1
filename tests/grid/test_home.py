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


def test_paging(login, world, app):
    for i in range(45):
        world.person(f"测{i:02d}", seq=i + 1)
    c = login("coordinator")
    first = c.get("/grid/").data.decode()
    assert "第 1 / 3 页" in first
    third = c.get("/grid/?page=3").data.decode()
    assert "测44" in third and "测00" not in third
    assert c.get("/grid/?page=99").status_code == 200  # clamps, no error


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

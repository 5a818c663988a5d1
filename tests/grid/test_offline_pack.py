"""What a coordinator's phone keeps for working offline (issue 16), and only that."""
from app.domain.idcard import mask_id_number


def test_the_pack_holds_only_the_coordinators_grids_with_masked_numbers(login, world):
    mine = world.person("张三", seq=1)
    theirs = world.person("李四", grid=world.grid_b1, dwelling=world.dwelling_b1, seq=3)
    r = login("coordinator").get("/grid/offline/pack")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    pack, body = r.get_json(), r.get_data(as_text=True)
    assert [g["id"] for g in pack["grids"]] == [world.grid_a1.id]
    assert [d["address"] for d in pack["dwellings"]] == ["文一路 1 号"]
    assert pack["people"] == [{"id": mine.id, "name": "张三", "id_masked": mask_id_number(mine.id_number),
                               "grid": world.grid_a1.id, "dwelling": world.dwelling_a1.id, "version": mine.version}]
    assert mine.id_number not in body and theirs.id_number not in body and "李四" not in body


def test_the_pack_is_for_coordinators_only(login, world):
    assert login("supervisor").get("/grid/offline/pack").status_code == 403
    assert login("health").get("/grid/offline/pack").status_code == 403


def test_division_names_down_to_the_county(login, world):
    names = login("coordinator").get("/grid/offline/divisions").get_json()
    assert names["34"] and names["3412"] and names["341202"]
    assert not [code for code in names if len(code) > 6]


def test_session_says_who_is_signed_in_with_a_fresh_token(login, client, world):
    assert client.get("/offline/session").get_json() == {"user": None, "csrf": None}
    answer = login("coordinator").get("/offline/session")
    assert answer.get_json()["user"] == world.users["coordinator"].id and answer.get_json()["csrf"]
    assert answer.headers["Cache-Control"] == "no-store"


def test_signing_out_clears_the_phone(login, world):
    r = login("coordinator").post("/auth/logout")
    assert r.status_code == 302 and r.headers["Clear-Site-Data"] == '"storage"'


def test_only_a_coordinators_offline_pages_may_be_kept(login, world):
    c = login("coordinator")
    for url in ("/grid/", "/grid/people/new", "/grid/sweep"):
        assert c.get(url).headers.get("X-Offline-Page") == "1", url
    assert "X-Offline-Page" not in c.get("/grid/ledger").headers
    assert "X-Offline-Page" not in c.get("/grid/sweep", headers={"HX-Request": "true"}).headers
    assert "X-Offline-Page" not in login("supervisor").get("/grid/people/new").headers


def test_the_offline_texts_are_cached_for_good_and_follow_the_language(login, world):
    c = login("coordinator")
    page = c.get("/grid/").get_data(as_text=True)
    assert 'src="/offline/texts.js?lang=zh&amp;v=' in page
    script = c.get("/offline/texts.js?lang=zh&v=1")
    assert script.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "离线" in script.get_data(as_text=True)
    c.post("/lang", data={"lang": "en", "next": "/grid/"})
    assert 'src="/offline/texts.js?lang=en&amp;v=' in c.get("/grid/").get_data(as_text=True)
    assert "Offline: you can keep registering" in c.get("/offline/texts.js?lang=en&v=2").get_data(as_text=True)

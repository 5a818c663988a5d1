"""The integration API: tokens, scope, the four operations, problem details, the audit."""
import datetime as dt

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, Card, Movement, Person
from app.services.common.context import Actor
from app.services.integration import tokens
from app.domain.idcard import make_id_number


def make_valid_id():
    return make_id_number("110101", dt.date(1992, 3, 4), 123)


PROBLEM = "application/problem+json"


def _audit(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


# --- tokens and errors -----------------------------------------------------------------------

def test_openapi_document_is_served_without_a_token(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/v1/people/lookup", "/api/v1/changes", "/api/v1/registrations",
            "/api/v1/people/{person_id}/schedule"} <= set(doc["paths"])
    assert doc["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    refusal = doc["paths"]["/api/v1/registrations"]["post"]["responses"]["409"]["content"]
    assert list(refusal) == [PROBLEM]


def test_calls_without_a_valid_token_are_401_problems(client, world, api_token):
    headers = api_token()
    for sent in ({}, {"Authorization": "Bearer anju_wrong"}, {"Authorization": headers["Authorization"][7:]}):
        r = client.post("/api/v1/people/lookup", json={"id_number": make_valid_id()}, headers=sent)
        assert r.status_code == 401 and r.mimetype == PROBLEM
        body = r.get_json()
        assert body["code"] == "unauthorized" and body["status"] == 401 and body["type"].endswith("unauthorized")
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert _audit("api.lookup") == []  # nothing to attribute a call without a token to


def test_a_revoked_token_stops_at_once(client, world, api_token):
    headers = api_token()
    assert client.get("/api/v1/changes?since=2000-01-01T00:00:00Z", headers=headers).status_code == 200
    token = tokens.all_tokens()[0]
    tokens.revoke(Actor.cli(), token.id)
    assert client.get("/api/v1/changes?since=2000-01-01T00:00:00Z", headers=headers).status_code == 401


def test_tokens_are_hashed_at_rest(world, api_token):
    secret = api_token()["Authorization"][7:]
    token = tokens.all_tokens()[0]
    assert secret not in (token.token_hash, token.prefix) and token.token_hash == tokens.hash_secret(secret)
    assert all(secret not in str(a.after) for a in _audit("api_token.create"))


def test_no_session_cookie_and_no_csrf(client, world, api_token, app):
    headers = api_token()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = client.post("/api/v1/people/lookup", json={"id_number": make_valid_id()}, headers=headers)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert r.status_code == 404 and "Set-Cookie" not in r.headers and r.headers["Cache-Control"] == "no-store"


def test_unknown_paths_methods_and_bodies_are_problems_never_html(client, world, api_token):
    headers = api_token()
    r = client.get("/api/v1/nothing-here", headers=headers)
    assert r.status_code == 404 and r.mimetype == PROBLEM
    r = client.delete("/api/v1/registrations", headers=headers)
    assert r.status_code == 405 and r.mimetype == PROBLEM and "POST" in r.headers["Allow"]
    r = client.post("/api/v1/people/lookup", data={"id_number": "x"}, headers=headers)
    assert r.status_code == 415 and r.get_json()["code"] == "unsupported_media_type"
    r = client.post("/api/v1/people/lookup", data=b"{not json", content_type="application/json", headers=headers)
    assert r.status_code == 422 and r.mimetype == PROBLEM
    r = client.get("/api/v1/changes", headers=headers)
    assert r.status_code == 422 and "since" in r.get_json()["errors"]


# --- look up by ID number --------------------------------------------------------------------

def test_lookup_in_scope_masked_and_audited_without_the_number(client, world, api_token):
    p = world.person("张三", seq=1, phone="13812345678")
    r = client.post("/api/v1/people/lookup", json={"id_number": p.id_number.lower()}, headers=api_token())
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["id"] == p.id and body["id_number"] == p.id_number[:6] + "********" + p.id_number[-4:]
    assert body["phone"] == "138****5678" and body["grid"]["code"] == "A1" and body["status"] == "present"
    (entry,) = _audit("api.lookup")
    assert entry.actor == "api:卫健系统" and entry.after["person_id"] == p.id and entry.after["status"] == 200
    assert p.id_number not in str(entry.after) and entry.user_id is None


def test_lookup_full_number_only_for_tokens_granted_it(client, world, api_token):
    p = world.person("张三", seq=1)
    r = client.post("/api/v1/people/lookup", json={"id_number": p.id_number}, headers=api_token(full_id_numbers=True))
    assert r.get_json()["id_number"] == p.id_number


def test_lookup_outside_scope_is_404_and_bad_numbers_422(client, world, api_token):
    other = world.person("乙", grid=world.grid_b1, seq=2)
    headers = api_token()
    r = client.post("/api/v1/people/lookup", json={"id_number": other.id_number}, headers=headers)
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"
    r = client.post("/api/v1/people/lookup", json={"id_number": other.id_number[:17] + "0"}, headers=headers)
    assert r.status_code in (404, 422)
    r = client.post("/api/v1/people/lookup", json={"id_number": "12345"}, headers=headers)
    assert r.status_code == 422 and r.get_json()["code"] == "invalid_id_number"
    assert "18" in r.get_json()["errors"]["id_number"][0]
    statuses = [a.after["status"] for a in _audit("api.lookup")]
    assert statuses[0] == 404 and statuses[-1] == 422  # refusals are audited too


# --- changes since a time ----------------------------------------------------------------------

def _movement(person, kind, recorded_at, **extra):
    m = Movement(person_id=person.id, kind=kind, on_date=recorded_at.date(), recorded_at=recorded_at, **extra)
    db.session.add(m)
    db.session.commit()
    return m


def test_changes_page_by_cursor_and_stay_in_scope(client, world, api_token):
    a, b = world.person("甲", seq=1), world.person("乙", grid=world.grid_b1, seq=2)
    t0 = dt.datetime(2026, 3, 1, 8, 0)
    first = _movement(a, "arrive", t0, to_grid_id=world.grid_a1.id)
    same_time = _movement(a, "move", t0, from_grid_id=world.grid_a1.id, to_grid_id=world.grid_a2.id)
    _movement(b, "arrive", t0, to_grid_id=world.grid_b1.id)  # township B: not this token's
    left = _movement(a, "leave", t0 + dt.timedelta(hours=1), from_grid_id=world.grid_a2.id, destination="广东省")
    _movement(a, "arrive", t0 - dt.timedelta(days=1), to_grid_id=world.grid_a1.id)  # before ``since``
    headers = api_token()
    seen, cursor = [], None
    for _ in range(5):
        url = "/api/v1/changes?since=2026-03-01T16:00:00%2B08:00&limit=2" + (f"&cursor={cursor}" if cursor else "")
        r = client.get(url, headers=headers)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        seen += body["changes"]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert [c["id"] for c in seen] == [first.id, same_time.id, left.id]
    assert seen[1]["from_grid"]["code"] == "A1" and seen[1]["to_grid"]["code"] == "A2"
    assert seen[2]["kind"] == "leave" and seen[2]["destination"] == "广东省"
    assert seen[0]["recorded_at"].startswith("2026-03-01T08:00:00")
    r = client.get("/api/v1/changes?since=2026-03-01T00:00:00Z&cursor=not-a-cursor", headers=headers)
    assert r.status_code == 400 and r.get_json()["code"] == "bad_cursor"


# --- registration ------------------------------------------------------------------------------

def _registration(world, **extra):
    return {"grid_code": "A1", "id_number": make_valid_id(), "name": "李四", "phone": "13900001111",
            "arrived_on": "2026-01-05", "dwelling_id": world.dwelling_a1.id, "room": "301", **extra}


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_registration_needs_a_write_token(client, world, api_token):
    r = client.post("/api/v1/registrations", json=_registration(world), headers=api_token("read"))
    assert r.status_code == 403 and r.get_json()["code"] == "read_only_token"
    assert _count(Person) == 0


def test_registration_writes_as_the_form_does(client, world, api_token):
    r = client.post("/api/v1/registrations", json=_registration(world), headers=api_token("write"))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    person = db.session.get(Person, body["id"])
    assert person.name == "李四" and person.grid_id == world.grid_a1.id and person.dwelling_id == world.dwelling_a1.id
    assert person.birth_date == dt.date(1992, 3, 4) and person.sex == "M" and person.created_by_id is None
    assert r.headers["Location"].endswith(f"/api/v1/people/{person.id}/schedule")
    assert db.session.scalars(select(Movement).where(Movement.person_id == person.id)).one().kind == "arrive"
    assert db.session.scalars(select(Card).where(Card.person_id == person.id)).first() is not None
    (registered,) = _audit("person.register")
    assert registered.actor == "api:卫健系统" and registered.entity_id == person.id
    assert _audit("api.register")[0].after["person_id"] == person.id


def test_registration_refuses_what_the_form_refuses(client, world, api_token):
    headers = api_token("write")
    cases = [
        (dict(phone="12345"), "phone"),
        (dict(id_number=make_valid_id()[:17] + "0"), "id_number"),
        (dict(id_number=None), "id_number"),  # no number and no_id_number not set
        (dict(id_number=None, no_id_number=True), "birth_date"),
        (dict(grid_code="B1"), "grid_code"),  # not this token's township
        (dict(arrived_on="2999-01-01"), "arrived_on"),
        (dict(dwelling_id=world.dwelling_b1.id), "dwelling_id"),
        (dict(name=""), "name"),
    ]
    for change, field in cases:
        r = client.post("/api/v1/registrations", json=_registration(world, **change), headers=headers)
        assert r.status_code == 422, (change, r.get_json())
        assert field in r.get_json()["errors"], (change, r.get_json())
    assert _count(Person) == 0 and _count(Movement) == 0 and _count(Card) == 0


def test_registration_duplicate_rules(client, world, api_token):
    headers = api_token("write")
    mine = world.person("张三", seq=1)
    other = world.person("王五", grid=world.grid_b1, seq=2)
    r = client.post("/api/v1/registrations", json=_registration(world, id_number=mine.id_number), headers=headers)
    assert r.status_code == 409 and r.get_json()["code"] == "duplicate_id_number"
    assert r.get_json()["duplicate"] == {"in_scope": True, "area": "北山街道 文一社区", "person_id": mine.id}
    r = client.post("/api/v1/registrations", json=_registration(world, id_number=other.id_number), headers=headers)
    assert r.get_json()["duplicate"] == {"in_scope": False, "area": "西溪街道 留下社区"}  # no person id outside
    namesake = _registration(world, id_number=None, no_id_number=True, name="张三", birth_date="1990-05-17", sex="M")
    r = client.post("/api/v1/registrations", json=namesake, headers=headers)
    assert r.status_code == 409 and r.get_json()["code"] == "possible_namesake"
    r = client.post("/api/v1/registrations", json={**namesake, "accept_namesake": True}, headers=headers)
    assert r.status_code == 201, r.get_json()
    assert _count(Person) == 3


def test_registration_with_a_new_dwelling(client, world, api_token):
    body = _registration(world, dwelling_id=None, new_dwelling={"address": "文一路 8 号", "kind": "rental",
                                                              "landlord_phone": "1390000"})
    r = client.post("/api/v1/registrations", json=body, headers=api_token("write"))
    assert r.status_code == 422 and "new_dwelling.landlord_phone" in r.get_json()["errors"]
    body["new_dwelling"]["landlord_phone"] = "13900002222"
    r = client.post("/api/v1/registrations", json=body, headers=api_token("write"))
    assert r.status_code == 422 and "new_dwelling.landlord_name" in r.get_json()["errors"]  # the service's rule
    body["new_dwelling"]["landlord_name"] = "赵房东"
    r = client.post("/api/v1/registrations", json=body, headers=api_token("write"))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["dwelling_address"] == "文一路 8 号"


# --- schedule ----------------------------------------------------------------------------------

def test_schedule_in_scope_only(client, world, api_token, services):
    mine, other = world.person("甲", seq=1), world.person("乙", grid=world.grid_b1, seq=2)
    headers = api_token()
    r = client.get(f"/api/v1/people/{mine.id}/schedule", headers=headers)
    assert r.status_code == 200, r.get_json()
    codes = {s["code"] for s in r.get_json()["services"]}
    assert "health_checkup" in codes
    assert client.get(f"/api/v1/people/{other.id}/schedule", headers=headers).status_code == 404
    assert client.get("/api/v1/people/99999999999/schedule", headers=headers).status_code == 404


def test_problems_in_english_when_asked(client, world, api_token):
    r = client.post("/api/v1/people/lookup", json={"id_number": "12345"},
                    headers={**api_token(), "Accept-Language": "en-US,en;q=0.9"})
    assert r.get_json()["title"] == "Invalid ID number" and "18" in r.get_json()["errors"]["id_number"][0]
    r = client.post("/api/v1/people/lookup", json={"id_number": "12345"}, headers=api_token())
    assert r.get_json()["title"] == "身份证号码无效"


def test_nul_and_lone_surrogates_are_refused_not_stored(client, world, api_token):
    headers = api_token("write")
    for raw in (b'{"id_number": "\\u0000"}', b'{"id_number": "\\ud800"}'):
        r = client.post("/api/v1/people/lookup", data=raw, content_type="application/json", headers=headers)
        assert r.status_code == 422, r.get_json()
    r = client.post("/api/v1/registrations", data=b'{"grid_code": "A1", "name": "\\ud800\\u0000", "no_id_number": true}',
                    content_type="application/json", headers=headers)
    assert r.status_code == 422 and "name" in r.get_json()["errors"]

"""Every template block served as an htmx fragment, requested through the route that serves it.

A block rendered on its own sees only what the view passes: names imported or set at the top of
the template are not there (``'csrf' is undefined`` made marking a dwelling visited answer 500).
The calls ``render(template, block=…)`` are found in the source, so a new fragment without a
request below fails here until one is added.
"""
from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

import app as app_package
from app.extensions import db
from app.models import AuditLog, Dwelling, Tenancy

APP_DIR = Path(app_package.__file__).parent
ROUTE_DECORATORS = {"route", "get", "post"}


@dataclass(frozen=True)
class Fragment:
    endpoint: str  # blueprint.function of the route that serves it
    template: str
    block: str


def _is_route(func: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTE_DECORATORS
               for d in func.decorator_list)


def _block_renders(func: ast.FunctionDef):
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "render":
            block = next((k.value for k in node.keywords if k.arg == "block"), None)
            if block is not None:
                assert isinstance(node.args[0], ast.Constant) and isinstance(block, ast.Constant), \
                    f"{func.name}: name the template and block literally so that this test finds them"
                yield node.args[0].value, block.value


def discover() -> set[Fragment]:
    """``render(…, block=…)`` in every view module, with the routes that reach it (a helper's
    call is attributed to the routes of its module that call the helper)."""
    found = set()
    for path in sorted(APP_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        blueprint = path.relative_to(APP_DIR).parts[0]
        for func in funcs:
            for template, block in _block_renders(func):
                routes = [func] if _is_route(func) else [
                    f for f in funcs if _is_route(f) and any(
                        isinstance(n, ast.Call) and getattr(n.func, "id", None) == func.name for n in ast.walk(f))]
                assert routes, f"{path.name}:{func.name} renders block {block!r} but no route calls it"
                found.update(Fragment(f"{blueprint}.{r.name}", template, block) for r in routes)
    return found


def _people(world, n):
    return [world.person(name=f"张{i}", seq=100 + i) for i in range(n)]


def _dwellings(world, n):
    rows = [Dwelling(grid_id=world.grid_a1.id, address=f"文一路 {i + 10} 号", kind="rental", rooms=1) for i in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


# Each request fills every branch of its block that calls a macro: more than one page (pager),
# rows left with their forms (csrf). Returns (user, method, url, form data, text in the fragment).
def _home(world):
    _people(world, 21)
    return "coordinator", "POST", "/grid/", {"q": "张"}, 'id="results"'


def _dwellings_list(world):
    _dwellings(world, 21)
    return "coordinator", "POST", "/grid/dwellings", {"q": "文一路"}, 'id="results"'


def _reveal_id(world):
    p = world.person()
    return "coordinator", "POST", f"/grid/people/{p.id}/reveal-id", {}, p.id_number


def _sweep(world):
    _dwellings(world, 2)
    # Two dwellings stay to visit, each with its form: the block calls csrf() for them.
    return "coordinator", "POST", f"/grid/sweep/{world.dwelling_a1.id}", {"result": "no_change"}, "文一路 10 号"


def _station_people(world):
    _people(world, 21)
    return "health", "POST", "/station/people", {"q": "张"}, 'id="results"'


def _audit(world):
    db.session.add_all(AuditLog(actor="test", action="test.entry", entity="person", entity_id=i) for i in range(51))
    db.session.commit()
    return "admin", "GET", "/admin/audit", None, 'rel="next"'


def _landlord_confirm(world):
    p = world.person()
    t = Tenancy(person_id=p.id, dwelling_id=world.dwelling_a1.id, start_on=dt.date(2026, 1, 10))
    db.session.add(t)
    db.session.commit()
    return "landlord", "POST", f"/landlord/tenancies/{t.id}/confirm", {}, f'id="tenancy-{t.id}"'


REQUESTS = {
    Fragment("grid.home", "grid/home.html", "results"): _home,
    Fragment("grid.dwellings", "grid/dwellings.html", "results"): _dwellings_list,
    Fragment("grid.reveal_id", "grid/person.html", "id_number"): _reveal_id,
    Fragment("grid.mark_visited", "grid/sweep.html", "sweep"): _sweep,
    Fragment("station.people", "station/people.html", "results"): _station_people,
    Fragment("admin.audit", "admin/audit.html", "results"): _audit,
    Fragment("landlord.confirm", "landlord/dwelling.html", "tenant"): _landlord_confirm,
}


def test_every_fragment_has_a_request_here(app):
    found = discover()
    assert len(found) >= 7
    missing = found - set(REQUESTS)
    assert not missing, f"fragments without a request in REQUESTS: {sorted(missing, key=str)}"
    assert not set(REQUESTS) - found, "REQUESTS names fragments that no longer exist"
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {f.endpoint for f in found} <= endpoints


@pytest.mark.parametrize("fragment", sorted(REQUESTS, key=str), ids=lambda f: f"{f.endpoint}:{f.block}")
def test_fragment_renders_through_its_route(fragment, world, login):
    user, method, url, data, expected = REQUESTS[fragment](world)
    response = login(user).open(url, method=method, data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text[:2000]
    assert "<html" not in response.text and expected in response.text
    assert "HX-Request" in response.headers.get("Vary", "")

"""Every route × every role: who gets in, who is turned away, and how."""
import datetime as dt

from urllib.parse import urlsplit

import pytest
from werkzeug.routing import RequestRedirect

from app.extensions import db
from app.models import Agreement, AgreementTemplate, AuditLog, Tenancy

ROLES = ["anonymous", "coordinator", "supervisor", "health", "admin", "landlord"]
STAFF_OK = {"coordinator": 200, "supervisor": 200, "health": 403, "admin": 200, "anonymous": 302, "landlord": 403}
ADMIN_ONLY = {"coordinator": 403, "supervisor": 403, "health": 403, "admin": 200, "anonymous": 302, "landlord": 403}
STATION = {"coordinator": 403, "supervisor": 200, "health": 200, "admin": 200, "anonymous": 302, "landlord": 403}
PUBLIC = {r: 200 for r in ROLES}
LANDLORD_ONLY = {"coordinator": 403, "supervisor": 403, "health": 403, "admin": 403, "anonymous": 302, "landlord": 200}
SUPERVISOR = {**STATION, "health": 403}
TOKEN_ONLY = {r: 401 for r in ROLES}
COORDINATOR_ONLY = {**ADMIN_ONLY, "coordinator": 200, "admin": 403}  # what a coordinator's phone keeps offline


def _rental(world, person_a, person_b):
    """Tenancies of both people and signed agreements of both dwellings (one per landlord)."""
    template = db.session.query(AgreementTemplate).first() or AgreementTemplate(version=1, title="责任书", body="……")
    db.session.add(template)
    rows = {}
    for key, person, dwelling in (("a", person_a, world.dwelling_a1), ("b", person_b, world.dwelling_b1)):
        tenancy = Tenancy(person_id=person.id, dwelling_id=dwelling.id, start_on=dt.date(2026, 1, 10))
        agreement = Agreement(dwelling_id=dwelling.id, landlord_id=dwelling.landlord_id, template=template,
                              signed_name=dwelling.landlord.name)
        db.session.add_all([tenancy, agreement])
        db.session.flush()
        rows[key] = (tenancy.id, agreement.id)
    db.session.commit()
    return template, rows


def _audit_entry(person) -> int:
    entry = AuditLog(action="person.register", entity="person", entity_id=person.id, after={"id_number": person.id_number})
    db.session.add(entry)
    db.session.commit()
    return entry.id


REPORTS = {"coordinator": 403, "supervisor": 200, "health": 403, "admin": 200, "anonymous": 302, "landlord": 403}


def routes(world, person_a, person_b):
    """(method, url, expected status per role) for every page."""
    template, rental = _rental(world, person_a, person_b)
    (tenancy_a, agreement_a), (tenancy_b, agreement_b) = rental["a"], rental["b"]
    a1, b1 = world.dwelling_a1.id, world.dwelling_b1.id
    return [
        ("GET", "/", {"anonymous": 302, "coordinator": 302, "supervisor": 302, "health": 302, "admin": 302,
                      "landlord": 302}),
        ("GET", "/healthz", PUBLIC),
        ("GET", "/manifest.webmanifest", PUBLIC),
        ("GET", "/sw.js", PUBLIC),
        ("GET", "/card-sw.js", PUBLIC),
        ("GET", "/offline/session", PUBLIC),  # {"user": null} to anyone signed out
        ("GET", "/offline/texts.js", PUBLIC),
        ("GET", "/grid/offline/pack", COORDINATOR_ONLY),
        ("GET", "/grid/offline/divisions", COORDINATOR_ONLY),
        ("GET", "/offline", PUBLIC),
        ("GET", "/api/divisions", PUBLIC),
        ("GET", "/auth/login", {**PUBLIC, "coordinator": 302, "supervisor": 302, "health": 302, "admin": 302,
                                "landlord": 302}),
        ("GET", "/auth/password", {**PUBLIC, "anonymous": 302}),
        ("GET", "/jobs/", {**PUBLIC, "anonymous": 302}),
        # someone else's job (or none): 404 for everyone; the owner's view is in tests/core/test_jobs_page.py
        ("GET", "/jobs/999999", {**{r: 404 for r in ROLES}, "anonymous": 302}),
        ("GET", "/grid/", STAFF_OK),
        ("GET", "/grid/people/new", STAFF_OK),
        ("GET", f"/grid/people/{person_a.id}", STAFF_OK),
        ("GET", f"/grid/people/{person_a.id}/edit", STAFF_OK),
        ("GET", f"/grid/people/{person_a.id}/move", STAFF_OK),
        ("GET", f"/grid/people/{person_a.id}/depart", STAFF_OK),
        # township B's person: 404 for everyone scoped to township A
        ("GET", f"/grid/people/{person_b.id}", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        ("GET", f"/grid/people/{person_b.id}/edit", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        ("GET", "/grid/dwellings", STAFF_OK),
        ("GET", "/grid/dwellings/new", STAFF_OK),
        ("GET", f"/grid/dwellings/{world.dwelling_a1.id}", STAFF_OK),
        ("GET", f"/grid/dwellings/{world.dwelling_b1.id}", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        ("GET", f"/grid/dwellings/{world.dwelling_a1.id}/edit", STAFF_OK),
        ("GET", f"/grid/dwellings/{world.dwelling_b1.id}/edit", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        # an empty form comes back with its errors (200); the landlord of A1 is kept out of staff pages
        ("POST", f"/grid/dwellings/{world.dwelling_a1.id}/edit", STAFF_OK),
        ("POST", f"/grid/dwellings/{world.dwelling_b1.id}/edit", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        ("GET", "/grid/queue", STAFF_OK),
        ("GET", "/grid/pickers/hukou?hukou_1=33", STAFF_OK),
        ("GET", f"/grid/pickers/dwellings?grid_id={world.grid_a1.id}", STAFF_OK),
        ("POST", "/grid/people/check-id", STAFF_OK),
        ("POST", f"/grid/people/{person_a.id}/reveal-id", STAFF_OK),
        ("POST", f"/grid/people/{person_b.id}/reveal-id", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        ("GET", "/grid/cards", STAFF_OK),
        ("POST", f"/grid/people/{person_b.id}/card/revoke", {**STAFF_OK, "coordinator": 404, "supervisor": 404,
                                                             "admin": 302}),
        ("POST", f"/grid/people/{person_b.id}/card/reissue", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        ("GET", "/c", PUBLIC),
        ("GET", "/C", PUBLIC),
        ("GET", "/c/" + "A" * 28, {r: 404 for r in ROLES}),
        ("GET", "/C/" + "A" * 28, {r: 404 for r in ROLES}),
        ("GET", "/station/", STATION),
        ("GET", "/admin/", {**ADMIN_ONLY, "admin": 302}),
        ("GET", "/admin/users", ADMIN_ONLY),
        ("GET", "/admin/users/new", ADMIN_ONLY),
        ("GET", f"/admin/users/{world.users['coordinator'].id}", ADMIN_ONLY),
        ("GET", "/admin/areas", ADMIN_ONLY),
        ("GET", "/admin/areas/new", ADMIN_ONLY),
        ("GET", f"/admin/areas/{world.grid_a1.id}", ADMIN_ONLY),
        ("GET", "/admin/audit", ADMIN_ONLY),
        ("GET", "/admin/audit/export.xlsx", ADMIN_ONLY),
        ("POST", f"/admin/audit/{_audit_entry(person_a)}/reveal-id", ADMIN_ONLY),
        ("GET", "/admin/settings", ADMIN_ONLY),
        ("POST", f"/admin/users/{world.users['coordinator_b'].id}/active", {**ADMIN_ONLY, "admin": 302}),
        ("POST", f"/admin/users/{world.users['coordinator_b'].id}/unlock", {**ADMIN_ONLY, "admin": 302}),
        # Rental housing: the ledger, the monthly sweep, landlords' invitations and agreements
        ("GET", "/grid/ledger", STAFF_OK),
        ("GET", "/grid/ledger.xlsx", STAFF_OK),
        ("GET", "/grid/sweep", STAFF_OK),
        ("POST", f"/grid/sweep/{a1}", {**STAFF_OK, "coordinator": 302, "supervisor": 302, "admin": 302}),
        ("POST", f"/grid/sweep/{b1}", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 302}),
        ("POST", f"/grid/dwellings/{a1}/invite", STAFF_OK),
        ("POST", f"/grid/dwellings/{b1}/invite", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        ("POST", f"/grid/dwellings/{b1}/invite/revoke", {**STAFF_OK, "coordinator": 404, "supervisor": 404,
                                                         "admin": 302}),
        ("GET", f"/grid/dwellings/{a1}/agreement", STAFF_OK),
        ("GET", f"/grid/dwellings/{b1}/agreement", {**STAFF_OK, "coordinator": 404, "supervisor": 404}),
        ("GET", "/station/sweeps", SUPERVISOR),
        ("GET", "/admin/agreements", ADMIN_ONLY),
        ("GET", "/admin/agreements/new", ADMIN_ONLY),
        ("GET", f"/admin/agreements/{template.id}", ADMIN_ONLY),
        # the landlord of A1 sees A1 only; B1's dwelling, tenancy and agreement are 404
        ("GET", "/landlord/", LANDLORD_ONLY),
        ("GET", f"/landlord/dwellings/{a1}", LANDLORD_ONLY),
        ("GET", f"/landlord/dwellings/{b1}", {**LANDLORD_ONLY, "landlord": 404}),
        ("GET", f"/landlord/dwellings/{a1}/arrival", LANDLORD_ONLY),
        ("GET", f"/landlord/dwellings/{b1}/arrival", {**LANDLORD_ONLY, "landlord": 404}),
        ("GET", f"/landlord/dwellings/{a1}/agreement", {**LANDLORD_ONLY, "landlord": 302}),  # signed: to the copy
        ("GET", f"/landlord/dwellings/{b1}/agreement", {**LANDLORD_ONLY, "landlord": 404}),
        ("GET", f"/landlord/agreements/{agreement_a}", LANDLORD_ONLY),
        ("GET", f"/landlord/agreements/{agreement_b}", {**LANDLORD_ONLY, "landlord": 404}),
        ("GET", f"/landlord/tenancies/{tenancy_a}/dispute", LANDLORD_ONLY),
        ("GET", f"/landlord/tenancies/{tenancy_b}/dispute", {**LANDLORD_ONLY, "landlord": 404}),
        ("GET", f"/landlord/tenancies/{tenancy_a}/departure", LANDLORD_ONLY),
        ("GET", f"/landlord/tenancies/{tenancy_b}/departure", {**LANDLORD_ONLY, "landlord": 404}),
        ("POST", f"/landlord/tenancies/{tenancy_b}/confirm", {**LANDLORD_ONLY, "landlord": 404}),
        ("POST", f"/landlord/tenancies/{tenancy_a}/confirm", {**LANDLORD_ONLY, "landlord": 302}),
        ("POST", "/landlord/check-id", LANDLORD_ONLY),
        ("GET", "/landlord/invite/" + "A" * 28, {r: 404 for r in ROLES}),
        ("GET", "/station/kpi", REPORTS),
        ("GET", f"/station/kpi?area={world.town_b.id}", {**REPORTS, "supervisor": 404}),
        ("GET", "/station/kpi/registration", REPORTS),
        ("GET", "/station/kpi/cards/missing", REPORTS),
        ("GET", f"/station/kpi/cards/missing?area={world.grid_b1.id}", {**REPORTS, "supervisor": 404}),
        ("GET", "/station/kpi/cards/missing/export.xlsx", REPORTS),
        ("POST", "/station/kpi/refresh", {**REPORTS, "supervisor": 302, "admin": 302}),
        ("GET", "/station/quality", REPORTS),
        ("GET", "/station/quality/id_missing", REPORTS),
        ("GET", f"/station/quality/id_missing?area={world.grid_b1.id}", {**REPORTS, "supervisor": 404}),
        ("GET", "/station/quality/id_missing/export.xlsx", REPORTS),
        ("POST", "/station/quality/refresh", {**REPORTS, "supervisor": 302, "admin": 302}),
        ("GET", "/station/monthly", REPORTS),
        ("GET", f"/station/monthly?area={world.town_b.id}", {**REPORTS, "supervisor": 404}),
        # Ledgers and staff (issue 7): imports for everyone who registers people, audits for the station.
        ("GET", "/grid/export.xlsx", STAFF_OK),
        ("GET", "/station/imports", STAFF_OK),
        ("GET", "/station/imports/template.xlsx", STAFF_OK),
        ("GET", "/station/imports/sample.xlsx", STAFF_OK),
        ("GET", "/station/imports/999", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("GET", "/station/imports/999/issues.xlsx", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("POST", "/station/imports/999/run", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("POST", "/station/imports/999/discard", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("GET", "/station/staff", STAFF_OK),
        ("GET", "/station/staff.xlsx", STAFF_OK),
        ("GET", "/station/audits", {**STAFF_OK, "coordinator": 403}),
        ("GET", "/station/audits/report", {**STAFF_OK, "coordinator": 403}),
        ("GET", "/station/audits/report.xlsx", {**STAFF_OK, "coordinator": 403}),
        ("GET", "/station/audits/fixes", STAFF_OK),
        ("GET", "/station/audits/999", {**STAFF_OK, "coordinator": 403, "supervisor": 404, "admin": 404}),
        ("POST", "/station/audits/items/999", {**STAFF_OK, "coordinator": 403, "supervisor": 404, "admin": 404}),
        ("POST", "/station/audits/items/999/fixed", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        # The integration API: tokens only, a signed-in session opens nothing (tests/api)
        ("GET", "/api/v1/openapi.json", PUBLIC),
        ("GET", "/api/v1/changes", TOKEN_ONLY),
        ("POST", "/api/v1/people/lookup", TOKEN_ONLY),
        ("POST", "/api/v1/registrations", TOKEN_ONLY),
        ("GET", f"/api/v1/people/{person_a.id}/schedule", TOKEN_ONLY),
        ("GET", "/admin/api-tokens", ADMIN_ONLY),
        ("GET", "/admin/api-tokens/new", ADMIN_ONLY),
        ("POST", "/admin/api-tokens/999/revoke", {**ADMIN_ONLY, "admin": 404}),
    ] + _service_routes(person_a, person_b) + _exchange_routes(world)


def _exchange_routes(world):
    """The outflow register and the exchange: a record in each township, a peer."""
    from app.models import Outflow, Peer
    from app.services.exchange import signing
    from app.domain.idcard import make_id_number

    ids = []
    for seq, grid in ((61, world.grid_a1), (62, world.grid_b1)):
        record = Outflow(id_number=make_id_number("330106", dt.date(1980, 1, 1), seq), name="外出", grid_id=grid.id,
                         left_on=dt.date(2026, 1, 1))
        db.session.add(record)
        db.session.flush()
        ids.append(record.id)
    peer = Peer(name="南山区", code="440305", prefixes="440305", key=signing.new_key())
    db.session.add(peer)
    db.session.commit()
    mine, other = ids
    out_of_scope = {**STAFF_OK, "coordinator": 404, "supervisor": 404}
    return [
        ("GET", "/outflow/", STAFF_OK),
        ("GET", "/outflow/new", STAFF_OK),
        ("GET", f"/outflow/{mine}", STAFF_OK),
        ("GET", f"/outflow/{other}", out_of_scope),
        ("GET", f"/outflow/{mine}/edit", STAFF_OK),
        ("GET", f"/outflow/{other}/edit", out_of_scope),
        ("POST", f"/outflow/{other}/return", {**out_of_scope, "admin": 422}),  # form refused: no date
        ("POST", f"/outflow/{other}/left-behind", {**out_of_scope, "admin": 422}),
        ("POST", f"/outflow/{other}/inquire", {**out_of_scope, "admin": 302}),
        ("GET", "/outflow/left-behind/child", STAFF_OK),
        ("GET", "/outflow/left-behind/elderly.xlsx", STAFF_OK),
        ("GET", "/outflow/export.xlsx", STAFF_OK),
        ("GET", "/outflow/imports", STAFF_OK),
        ("GET", "/outflow/imports/template.xlsx", STAFF_OK),
        ("GET", "/outflow/imports/999", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("GET", "/outflow/imports/999/issues.xlsx", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("POST", "/outflow/imports/999/run", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("POST", "/outflow/imports/999/discard", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("GET", "/exchange/", STAFF_OK),
        ("GET", "/exchange/quality", STAFF_OK),
        ("POST", "/exchange/messages/999/answer", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("POST", "/exchange/outbox/999/retry", {**STAFF_OK, "coordinator": 404, "supervisor": 404, "admin": 404}),
        ("GET", "/exchange/peers", ADMIN_ONLY),
        ("GET", "/exchange/peers/new", ADMIN_ONLY),
        ("GET", f"/exchange/peers/{peer.id}", ADMIN_ONLY),
        ("POST", "/exchange/import", {**ADMIN_ONLY, "admin": 302}),
        ("POST", f"/exchange/peers/{peer.id}/export", ADMIN_ONLY),
        ("POST", "/exchange/inbox", {r: 401 for r in ROLES}),  # unsigned: refused whoever sends it
        ("POST", "/exchange/batch", {r: 401 for r in ROLES}),
    ]


def _service_routes(person_a, person_b):
    """Service schedules (station and admin pages): an appointment in each township."""
    from app.extensions import db
    from app.models import Appointment, ServiceType
    from app.services.common.context import Actor
    from app.services.health import service_types

    service_types.install_defaults(Actor.cli())
    t = db.session.scalars(db.select(ServiceType).where(ServiceType.code == "health_checkup")).one()
    ids = []
    for p in (person_a, person_b):
        a = db.session.scalars(db.select(Appointment).where(Appointment.person_id == p.id)).first()
        if a is None:
            a = Appointment(person_id=p.id, service_type_id=t.id, slot="2026-4x4", due_on=p.arrived_on)
            db.session.add(a)
            db.session.commit()
        ids.append(a.id)
    out_of_scope = {**STATION, "supervisor": 404, "health": 404}
    return [
        ("GET", "/station/services", STATION),
        ("GET", "/station/appointments", STATION),
        ("GET", "/station/appointments?view=overdue", STATION),
        ("GET", "/station/appointments/print?on=2026-12-01", STATION),
        ("GET", "/station/appointments/export.xlsx?view=overdue", STATION),
        ("GET", "/station/appointments/export.xlsx?view=day&on=2026-12-01&full=1", STATION),
        ("GET", f"/station/appointments/{ids[0]}", STATION),
        ("GET", f"/station/appointments/{ids[1]}", out_of_scope),
        ("GET", "/station/people", STATION),
        ("GET", f"/station/people/{person_a.id}", STATION),
        ("GET", f"/station/people/{person_b.id}", out_of_scope),
        ("GET", "/station/notices", STATION),
        ("GET", "/station/notices/print?ids=1", STATION),
        ("GET", "/station/outbox", STATION),
        ("GET", "/admin/service-types", ADMIN_ONLY),
        ("GET", "/admin/service-types/new", ADMIN_ONLY),
        ("GET", f"/admin/service-types/{t.id}", ADMIN_ONLY),
        ("GET", "/admin/calendar?year=2027", ADMIN_ONLY),
        ("POST", "/admin/calendar", ADMIN_ONLY),  # an empty entry comes back with its errors
        ("POST", "/admin/calendar/2027-02-20/delete", {**ADMIN_ONLY, "admin": 302}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, login, world, app):
    person_a = world.person("甲", seq=1)
    person_b = world.person("乙", grid=world.grid_b1, seq=2)
    client = app.test_client() if role == "anonymous" else login(role)
    failures = []
    for method, url, expected in routes(world, person_a, person_b):
        response = client.open(url, method=method, data={"active": "1"} if method == "POST" else None)
        if response.status_code != expected[role]:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def route_name(rule) -> str:
    """``GET /grid/people/<int:person_id>``: a rule with its methods (one path may have a rule
    per method, each its own view)."""
    return " ".join(sorted(rule.methods - {"HEAD", "OPTIONS"})) + " " + rule.rule


def matched_rules(app, requests) -> dict[str, str]:
    """The URL rule each (method, url) of the matrix reaches, by the app's own URL map: a route
    is covered only when a request of the matrix is routed to it, not when a URL merely starts
    like it (``/grid/people/<id>/edit`` does not cover ``/grid/people/<id>/edit/cancel``)."""
    adapter = app.url_map.bind("localhost")
    found = {}
    for method, url in requests:
        path = url.split("?")[0]
        try:
            rule, _args = adapter.match(path, method=method, return_rule=True)
        except RequestRedirect as redirect:  # /admin -> /admin/: the rule it is sent to
            rule, _args = adapter.match(urlsplit(redirect.new_url).path, method=method, return_rule=True)
        found[f"{method} {url}"] = route_name(rule)
    return found


def test_every_route_is_in_the_matrix(app, world):
    """A new route must be added to the matrix above."""
    person_a = world.person("甲", seq=1)
    person_b = world.person("乙", grid=world.grid_b1, seq=2)
    covered = set(matched_rules(app, [(method, url) for method, url, _ in routes(world, person_a, person_b)]).values())
    rules = {route_name(r) for r in app.url_map.iter_rules() if r.endpoint != "static"}
    uncovered = rules - covered
    # POST-only actions are covered by their own tests
    tested_elsewhere = {
        "POST /lang", "POST /auth/logout", "POST /grid/transfers", "GET /grid/queue/<int:change_id>",
        "POST /grid/queue/<int:change_id>/accept", "POST /grid/queue/<int:change_id>/reject",
        "POST /grid/queue/<int:change_id>/forward", "POST /grid/people/<int:person_id>/household",
        "POST /grid/people/<int:person_id>/household/<int:relation_id>/remove",
        "POST /admin/users/<int:user_id>/password", "GET /api/divisions/<code>", "POST /grid/cards/print",
        "POST /grid/cards/batches/<int:batch_id>/reprint",  # tests/grid/test_card_batches.py
        "POST /c/<key>/unlock", "POST /c/<key>/report/<kind>",
        # services: POST-only, covered in tests/station/test_service_pages.py
        "POST /station/services/plan", "POST /station/people/<int:person_id>/choice",
        "POST /station/people/<int:person_id>/sms", "POST /station/appointments/<int:appointment_id>/result",
        "POST /station/appointments/<int:appointment_id>/no-show",
        "POST /station/appointments/<int:appointment_id>/reschedule", "POST /station/notices/stub",
        "POST /station/notices/issue", "POST /station/outbox/send", "POST /station/outbox/<int:message_id>/retry"}
    assert sorted(uncovered - tested_elsewhere) == []
    assert sorted(tested_elsewhere - rules) == [], "no longer routes: remove them from tested_elsewhere"
    assert sorted(tested_elsewhere & covered) == [], "in the matrix now: remove them from tested_elsewhere"



def test_a_route_is_covered_only_by_a_request_routed_to_it(app):
    """The matrix once matched routes by URL prefix: ``/admin/areas/new`` passed for
    ``/admin/areas/<int:area_id>``, and a GET for the POST view of the same path."""
    found = matched_rules(app, [("GET", "/admin/areas/new"), ("GET", "/admin/calendar?year=2027"),
                                ("GET", "/grid/people/7/edit")])
    assert found == {"GET /admin/areas/new": "GET POST /admin/areas/new",
                     "GET /admin/calendar?year=2027": "GET /admin/calendar",
                     "GET /grid/people/7/edit": "GET POST /grid/people/<int:person_id>/edit"}

"""Every route × every role: who gets in, who is turned away, and how."""
import pytest

ROLES = ["anonymous", "coordinator", "supervisor", "health", "admin"]
STAFF_OK = {"coordinator": 200, "supervisor": 200, "health": 403, "admin": 200, "anonymous": 302}
ADMIN_ONLY = {"coordinator": 403, "supervisor": 403, "health": 403, "admin": 200, "anonymous": 302}
STATION = {"coordinator": 403, "supervisor": 200, "health": 200, "admin": 200, "anonymous": 302}
PUBLIC = {r: 200 for r in ROLES}


def routes(world, person_a, person_b):
    """(method, url, expected status per role) for every page."""
    return [
        ("GET", "/", {"anonymous": 302, "coordinator": 302, "supervisor": 302, "health": 302, "admin": 302}),
        ("GET", "/healthz", PUBLIC),
        ("GET", "/manifest.webmanifest", PUBLIC),
        ("GET", "/sw.js", PUBLIC),
        ("GET", "/offline", PUBLIC),
        ("GET", "/api/divisions", PUBLIC),
        ("GET", "/auth/login", {**PUBLIC, "coordinator": 302, "supervisor": 302, "health": 302, "admin": 302}),
        ("GET", "/auth/password", {**PUBLIC, "anonymous": 302}),
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
        ("GET", "/admin/audit", ADMIN_ONLY),
        ("GET", "/admin/settings", ADMIN_ONLY),
        ("POST", f"/admin/users/{world.users['coordinator_b'].id}/active", {**ADMIN_ONLY, "admin": 302}),
    ] + _service_routes(person_a, person_b)


def _service_routes(person_a, person_b):
    """Service schedules (station and admin pages): an appointment in each township."""
    from app.extensions import db
    from app.models import Appointment, ServiceType
    from app.services import service_types
    from app.services.context import Actor

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


def test_every_route_is_in_the_matrix(app, world):
    """A new route must be added to the matrix above."""
    person_a = world.person("甲", seq=1)
    person_b = world.person("乙", grid=world.grid_b1, seq=2)
    covered = {url.split("?")[0] for _, url, _ in routes(world, person_a, person_b)}
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint != "static"}
    uncovered = []
    for rule in rules:
        pattern = rule.replace("<int:", "<").split("<")[0]
        if not any(c == rule or (("<" in rule) and c.startswith(pattern)) for c in covered):
            uncovered.append(rule)
    # POST-only actions are covered by their own tests
    tested_elsewhere = {"/lang", "/auth/logout", "/grid/transfers", "/grid/queue/<int:change_id>", "/grid/queue/<int:change_id>/accept",
                        "/grid/queue/<int:change_id>/reject", "/grid/queue/<int:change_id>/forward",
                        "/grid/people/<int:person_id>/household",
                        "/grid/people/<int:person_id>/household/<int:relation_id>/remove",
                        "/admin/users/<int:user_id>/password", "/api/divisions/<code>", "/grid/cards/print",
                        "/c/<key>/unlock", "/c/<key>/report/<kind>",
                        # services: POST-only, covered in tests/station/test_service_pages.py
                        "/station/services/plan", "/station/people/<int:person_id>/choice",
                        "/station/people/<int:person_id>/sms", "/station/appointments/<int:appointment_id>/result",
                        "/station/appointments/<int:appointment_id>/no-show",
                        "/station/appointments/<int:appointment_id>/reschedule", "/station/notices/stub",
                        "/station/notices/issue", "/station/outbox/send", "/station/outbox/<int:message_id>/retry"}
    assert sorted(set(uncovered) - tested_elsewhere) == []

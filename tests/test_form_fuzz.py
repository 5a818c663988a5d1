"""Every HTML form fuzzed: the form routes are found in the URL map, for every role, and
sent Hypothesis-generated hostile input with a valid CSRF token (CSRF is switched on for
this test; the rest of the suite runs with it off).

What is sent: very long strings, NUL and other control characters, RTL overrides, emoji,
numbers out of range, impossible dates, repeated and missing fields (the field names come
from the forms on the role's pages), invalid UTF-8 in the raw body, wrong content types
and a body over the size limit. Pass: no 5xx and no exception, nothing logged as an error,
and on a refusal (4xx, or the form back with its errors) no table gained or lost a row.

``ANJU_FUZZ_EXAMPLES`` sets the examples per form and role (default 4, bounded for CI).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from flask import url_for
from sqlalchemy import text
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.extensions import db
from app.domain.idcard import make_id_number

EXAMPLES = int(os.environ.get("ANJU_FUZZ_EXAMPLES", "4"))
VALID_ID = make_id_number("110101", dt.date(1992, 3, 4), 123)
ROLES = ["anonymous", "coordinator", "supervisor", "health", "admin", "landlord"]
# The one form whose success ends the session the fuzzer works in.
SKIPPED = {"auth.logout": "signs the fuzzing client out"}
# Generic names for forms found on no page (POST-only actions): what forms here call fields.
COMMON_FIELDS = ["id_number", "name", "phone", "on", "date", "grid_id", "dwelling_id", "version", "reason",
                 "note", "q", "address", "room", "code", "month", "result", "outcome", "ids", "active",
                 "password", "kind", "value", "choice", "file"]


# --- the forms, as the pages show them ------------------------------------------------------------

class FormParser(HTMLParser):
    """Each <form>'s method, action and field names."""

    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                          "fields": set()}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and attrs.get("name"):
            self._form["fields"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def url_values(world, ids) -> dict:
    """A real record for each URL argument, so that the fuzzer gets past the lookups."""
    return {"person_id": ids["person"], "dwelling_id": world.dwelling_a1.id, "user_id": world.users["coordinator_b"].id,
            "area_id": world.grid_a2.id, "type_id": ids["service_type"], "appointment_id": ids["appointment"],
            "tenancy_id": ids["tenancy"], "change_id": ids["change"], "relation_id": ids["relation"],
            "token_id": 1, "job_id": 1, "item_id": 1, "message_id": 1, "template_id": 1, "key": "A" * 28,
            "kind": "address", "token": "A" * 28, "code": "330106", "group": "child"}


def urls(app, rules, values) -> list[str]:
    """Each rule's URL with ``values`` (1 for an argument without one)."""
    with app.test_request_context():
        return [url_for(r.endpoint, **{n: values.get(n, 1) for n in r.arguments}) for r in rules]


def form_routes(app, world, ids) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every route that takes a form post, API excluded."""
    rules = [r for r in app.url_map.iter_rules()
             if "POST" in r.methods and not r.rule.startswith("/api/v1/") and r.endpoint not in SKIPPED]
    return sorted({(r.endpoint, "POST", url) for r, url in zip(rules, urls(app, rules, url_values(world, ids)))})


def page_forms(app, client, world, ids) -> dict[tuple[str, str], set[str]]:
    """(endpoint, method) → field names, from every page the client can open (GET routes)."""
    adapter = app.url_map.bind("localhost")
    found: dict[tuple[str, str], set[str]] = {}
    rules = [r for r in app.url_map.iter_rules()
             if "GET" in r.methods and r.endpoint != "static" and not r.rule.startswith("/api/")]
    for page in sorted(set(urls(app, rules, url_values(world, ids)))):
        response = client.get(page)
        if response.status_code != 200 or "html" not in (response.mimetype or ""):
            continue
        parser = FormParser()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            path = urlsplit(form["action"]).path or page
            method = "POST" if form["method"] == "post" else "GET"
            try:
                endpoint, _ = adapter.match(path, method=method)
            except (NotFound, MethodNotAllowed):
                continue
            found.setdefault((endpoint, method), set()).update(form["fields"] - {"csrf_token"})
    return found


# --- hostile values -------------------------------------------------------------------------------

def hostile_values(ids):
    return st.one_of(
        st.text(max_size=30),  # any code point: controls, RTL overrides, emoji, surrogates excluded
        st.sampled_from(["\x00", "a\x00b", "\u202e\u202dabc", "🙂" * 50, "\ufeff", "\r\n\t", "%00", "\\", "'\"<>",
                         "<script>alert(1)</script>", "'; DROP TABLE person; --", "%", "_", "*", "null", "None"]),
        st.builds(lambda c, n: c * n, st.sampled_from(["x", "字", "🙂", "\u200b"]), st.integers(300, 20_000)),
        st.sampled_from(["0", "-1", "-0", "1e309", "NaN", "inf", "2147483648", "99999999999999999999", "0x10",
                         "１２", "٣", "1.5", " 7 ", ""]),
        st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "10000-01-01", "1899-12-31",
                         "2026-02-29", "2024-02-29", "２０２６－０１－０１", "2026-1-1", "2026-01-01T25:61",
                         "9999-12", "2026-00", "1970-01-01T00:00"]),
        st.sampled_from([VALID_ID, VALID_ID[:17] + "0", "13800138000", str(ids["person"]),
                         str(ids["grid"]), "y", "on", "1", "present", "left", "M", "F", "rental", "work"]),
    )


def bodies(fields: list[str], ids):
    """A form body: each field present once, twice or not at all."""
    value = hostile_values(ids)
    entry = st.one_of(st.just([]), value.map(lambda v: [v]), st.lists(value, min_size=2, max_size=3))
    return st.fixed_dictionaries({name: entry for name in fields}).map(
        lambda d: MultiDict([(k, v) for k, vs in d.items() for v in vs]))


RAW_BODIES = [
    ("application/x-www-form-urlencoded", b"name=%FF%FE%00&id_number=\xff\xfe\xfd&q=\xc3\x28"),
    ("application/x-www-form-urlencoded", b"=&&==&name"),
    ("application/json", b'{"name": "\\u0000", "id_number": 1e999}'),
    ("text/plain", "姓名=张三".encode("gbk")),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"file\"; "
                                        b"filename=\"../../etc/passwd\"\r\n\r\n\xff\xfe\r\n--x--\r\n"),
    ("multipart/form-data", b"no boundary at all"),
    ("application/xml", b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>"),
]


# --- what must hold ---------------------------------------------------------------------------------

# What a refused request may write: a failed login is counted per address (to slow down
# guessing), and rate limits count in the database when there is no Redis.
BOOKKEEPING = {"login_failure", "rate_counter"}


def row_counts() -> tuple:
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in BOOKKEEPING]
    query = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    db.session.rollback()
    return tuple(zip(tables, db.session.execute(text(query)).one()))


def refused(response) -> bool:
    return 400 <= response.status_code < 500 or (
        response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
        and 'class="error"' in response.get_data(as_text=True))


class ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def error_log(app):
    handler = ErrorLog()
    loggers = [logging.getLogger(), app.logger]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def csrf_on(app):
    """CSRF switched on once the client has signed in (the login helper posts without a token)."""
    yield lambda: app.config.update(WTF_CSRF_ENABLED=True)
    app.config["WTF_CSRF_ENABLED"] = False


def fuzz_records(world):
    """A person with a tenancy, a relative, an appointment and a pending report to act on."""
    from app.models import Appointment, ChangeRequest, Relation, ServiceType, Tenancy
    from app.services.common.context import Actor
    from app.services.health import service_types

    service_types.install_defaults(Actor.cli())
    person = world.person("张三", seq=1)
    child = world.person("张小", seq=2, born=dt.date(2024, 1, 1))
    relation = Relation(person_id=person.id, relative_id=child.id, relation="child")
    tenancy = Tenancy(person_id=person.id, dwelling_id=world.dwelling_a1.id, start_on=dt.date(2026, 1, 10))
    checkup = db.session.scalars(db.select(ServiceType).where(ServiceType.code == "health_checkup")).one()
    appointment = Appointment(person_id=person.id, service_type_id=checkup.id, slot="2026-4x4",
                              due_on=dt.date(2026, 12, 1))
    change = ChangeRequest(person_id=person.id, kind="phone", source="migrant", grid_id=world.grid_a1.id,
                           payload={"phone": "13900001234"}, status="pending")
    db.session.add_all([relation, tenancy, appointment, change])
    db.session.commit()
    return {"person": person.id, "grid": world.grid_a1.id, "relation": relation.id, "tenancy": tenancy.id,
            "appointment": appointment.id, "change": change.id, "service_type": checkup.id}


@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_hostile_input(role, app, world, login, csrf_on, error_log):
    ids = fuzz_records(world)
    client = app.test_client() if role == "anonymous" else login(role)
    csrf_on()
    landing = client.get("/", follow_redirects=True).get_data(as_text=True)
    token = (re.search(r'"X-CSRFToken": "([^"]+)"', landing)
             or re.search(r'name="csrf_token" value="([^"]+)"', landing)).group(1)
    headers = {"X-CSRFToken": token}
    fields = page_forms(app, client, world, ids)
    routes = form_routes(app, world, ids)
    get_forms = [r for r in app.url_map.iter_rules() if (r.endpoint, "GET") in fields]  # search forms
    routes += sorted({(r.endpoint, "GET", url) for r, url in zip(get_forms, urls(app, get_forms, url_values(world, ids)))})
    limit = app.config["MAX_CONTENT_LENGTH"]
    failures, examples = [], 0

    def check(endpoint, url, response, before, sent):
        nonlocal examples
        examples += 1
        if response.status_code >= 500:
            failures.append(f"{endpoint} {url}: {response.status_code} for {sent!r:.300}")
        if response.status_code == 400 and "表单需要重新提交" in response.get_data(as_text=True):
            failures.append(f"{endpoint} {url}: the CSRF token was refused: the fuzzer would test nothing behind it")
        if error_log.records:
            failures.append(f"{endpoint} {url}: logged {error_log.records[0].getMessage()[:200]} for {sent!r:.300}")
            error_log.records.clear()
        if refused(response) and row_counts() != before:
            changed = [(a, b, c) for (a, b), (_, c) in zip(before, row_counts()) if b != c]
            failures.append(f"{endpoint} {url}: refused ({response.status_code}) but rows changed {changed} "
                            f"for {sent!r:.300}")

    for endpoint, method, url in routes:
        names = sorted(fields.get((endpoint, method)) or COMMON_FIELDS)

        @given(body=bodies(names, ids))
        @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), database=None, deadline=None)
        def fuzz(body):
            before = row_counts()
            if method == "GET":
                response = client.get(url, query_string=body, headers=headers)
            else:
                response = client.post(url, data=body, headers=headers)
            check(endpoint, url, response, before, body)

        try:
            fuzz()
        except Exception as exc:  # an exception in the app: the example that raised it is in the message
            failures.append(f"{endpoint} {url}: {type(exc).__name__}: {exc!s:.300}")
        if method == "POST":
            for content_type, raw in RAW_BODIES + [("application/x-www-form-urlencoded", b"a=" + b"x" * limit)]:
                before = row_counts()
                try:
                    response = client.post(url, data=raw, content_type=content_type, headers=headers)
                except Exception as exc:
                    failures.append(f"{endpoint} {url} raw {content_type}: {type(exc).__name__}: {exc!s:.200}")
                    continue
                check(endpoint, url, response, before, raw[:80])
    print(f"{role}: {len(routes)} form routes, {examples} requests")
    assert not failures, "\n".join(failures)


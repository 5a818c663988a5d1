"""Schemathesis against the served OpenAPI document: every operation with generated
requests (valid and invalid), answers that match the document, never a 5xx.

``ANJU_API_EXAMPLES`` sets the examples per operation (default 25, bounded for CI)."""
import collections
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

EXAMPLES = int(os.environ.get("ANJU_API_EXAMPLES", "25"))
# The rules go beyond the schema on purpose (an ID number's check character, duplicates, a
# cursor that was never issued, a grid outside the token's areas): a request that fits the
# schema may still be refused, with a documented 400/409/422 problem, never a 5xx.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422"]}}})


@pytest.fixture
def api_headers(api_token):
    # Schemathesis' WSGI transport does not undo Content-Encoding: ask for plain JSON, or a
    # large enough answer arrives gzipped (Flask-Compress) and cannot be checked.
    return {**api_token("write"), "Accept-Encoding": "identity"}


@pytest.fixture
def api_schema(app, world, services):
    for seq, grid in enumerate((world.grid_a1, world.grid_a2, world.grid_b1), start=1):
        world.person(f"人员{seq}", grid=grid, seq=seq)

    def wsgi(environ, start_response):  # each request in an app context of its own, as in production
        with app.app_context():
            return app(environ, start_response)

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi, config=CONFIG)


def test_api_matches_its_contract(api_schema, api_headers):
    # Driven by hand rather than by schemathesis' pytest loader, which does not run under pytest 9.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 4
    seen = collections.Counter()
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            response = case.call_and_validate(headers=api_headers)
            seen[(operation.label, response.status_code)] += 1

        check()
    answered = {label for (label, status) in seen if status < 300}
    assert {"GET /api/v1/changes", "GET /api/v1/people/{person_id}/schedule"} <= answered, seen

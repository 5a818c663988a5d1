import pytest
from sqlalchemy import text

import jobs_for_tests  # noqa: F401  (registers the test kinds)

from app.extensions import db


@pytest.fixture
def notes(app, world):
    """The table the test jobs write to; ``notes()`` lists (job_id, worker) rows."""
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE job_test_note (job_id INTEGER, worker VARCHAR(200))"))

    def read():
        with db.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT job_id, worker FROM job_test_note ORDER BY job_id"))]
    yield read
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE job_test_note"))

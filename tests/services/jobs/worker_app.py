"""The app for ``flask --app tests/services/jobs/worker_app.py jobs work``: the real app
(``DATABASE_URL`` from the test) plus the test job kinds, with short job timings."""
import os

import jobs_for_tests  # noqa: F401  (registers the test kinds)

from app import create_app

app = create_app({key: float(os.environ[key]) for key in ("JOBS_POLL_SECONDS", "JOBS_HEARTBEAT_SECONDS",
                                                          "JOBS_LEASE_SECONDS", "JOBS_STOP_GRACE_SECONDS")
                  if key in os.environ})

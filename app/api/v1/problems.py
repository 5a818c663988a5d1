"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``).

Every refusal has a stable ``code`` for programs and a ``title``/``detail`` for people
(Simplified Chinese, English with ``Accept-Language: en``); field errors come as
``errors`` (field → messages). ``type`` is a URN naming the code: it identifies the kind
of problem and is not meant to be fetched.
"""
from __future__ import annotations

from flask import jsonify, request

PROBLEM_JSON = "application/problem+json"

# The code each HTTP status gets when nothing more precise is known.
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                422: "invalid", 429: "too_many_requests", 500: "server_error"}


class Problem(Exception):
    """Raised by the API's views; answered as problem details."""

    def __init__(self, status: int, title: str, detail: str | None = None, *, code: str | None = None,
                 errors: dict[str, list[str]] | None = None, headers: dict | None = None, **extra):
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail
        self.code = code or STATUS_CODES.get(status, "error")
        self.errors, self.headers, self.extra = errors, headers or {}, extra


def problem_response(problem: Problem, headers: dict | None = None):
    body = {"type": f"urn:anju:problem:{problem.code}", "title": problem.title, "status": problem.status,
            "code": problem.code, "instance": request.path}
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extra)
    response = jsonify(body)
    response.status_code = problem.status
    response.mimetype = PROBLEM_JSON
    response.headers["Cache-Control"] = "no-store"
    for name, value in {**problem.headers, **(headers or {})}.items():
        response.headers[name] = value
    return response


def is_api_request() -> bool:
    return request.path.startswith("/api/v1/")

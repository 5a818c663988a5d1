"""A provider reached over HTTP: the message is POSTed as the JSON of a template.

``SMS_HTTP_TEMPLATE`` is the request body with ``{phone}``, ``{text}`` and ``{id}`` in
it, e.g. ``{"to": "{phone}", "content": "{text}", "ref": "{id}"}`` (values are JSON-escaped
where they go); ``SMS_HTTP_AUTH_HEADER`` a header line such as ``Authorization: Bearer …``.
2xx is sent (a JSON ``id``/``messageId``/``ref`` in the answer is kept); 4xx other than
408/429 is a refusal that retrying will not change; anything else is retried later.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from . import Outcome, Outgoing

DEFAULT_TEMPLATE = '{"phone": "{phone}", "text": "{text}", "ref": "{id}"}'
RETRYABLE = {408, 425, 429}


def _json_escaped(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def render(template: str, message: Outgoing) -> bytes:
    body = template
    for key, value in (("{phone}", message.phone), ("{text}", message.text), ("{id}", str(message.id))):
        body = body.replace(key, _json_escaped(value))
    return body.encode("utf-8")


@dataclass
class HttpBackend:
    url: str
    template: str = DEFAULT_TEMPLATE
    auth_header: str | None = None
    timeout: float = 10.0
    name: str = "http"

    @classmethod
    def from_config(cls, config) -> "HttpBackend":
        url = config.get("SMS_HTTP_URL")
        if not url or not str(url).startswith(("http://", "https://")):
            raise ValueError("SMS_BACKEND=http needs SMS_HTTP_URL (http:// or https://)")
        return cls(url=url, template=config.get("SMS_HTTP_TEMPLATE") or DEFAULT_TEMPLATE,
                   auth_header=config.get("SMS_HTTP_AUTH_HEADER"), timeout=float(config.get("SMS_HTTP_TIMEOUT") or 10))

    def _headers(self) -> dict:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.auth_header and ":" in self.auth_header:
            name, _, value = self.auth_header.partition(":")
            headers[name.strip()] = value.strip()
        return headers

    def send(self, message: Outgoing) -> Outcome:
        request = urllib.request.Request(self.url, data=render(self.template, message), headers=self._headers(),
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                answer = response.read(4096)
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in RETRYABLE
            return Outcome(ok=False, error=f"HTTP {exc.code}", permanent=permanent)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            return Outcome(ok=False, error=f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:200])
        return Outcome(ok=True, ref=_reference(answer))


def _reference(answer: bytes) -> str | None:
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("id", "messageId", "message_id", "ref"):
            if data.get(key) is not None:
                return str(data[key])[:64]
    return None

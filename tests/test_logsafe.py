import datetime as dt
from types import SimpleNamespace

from app.logsafe import RedactingLogger, redact_path


def test_card_tokens_and_query_strings_are_redacted():
    assert redact_path("/c/ABCDEFGHIJKLMNOPQRSTUVWXYZ23") == "/c/…"
    assert redact_path("/C/ABCDEFGHIJKLMNOPQRSTUVWXYZ23/unlock") == "/C/…/unlock"
    assert redact_path("/grid/?page=2") == "/grid/"
    assert redact_path("/grid/people/12") == "/grid/people/12"
    assert redact_path("/landlord/invite/ABCDEFGHIJKLMNOPQRSTUVWXYZ23") == "/landlord/invite/…"


def test_gunicorn_atoms_carry_no_token():
    logger = RedactingLogger.__new__(RedactingLogger)
    logger.cfg = SimpleNamespace()
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/c/SECRETTOKENSECRETTOKEN?x=1", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/c/SECRETTOKENSECRETTOKEN", "QUERY_STRING": "x=1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": "http://x/c/SECRETTOKENSECRETTOKEN"}
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = SimpleNamespace(headers=[("referer", "http://x/c/SECRETTOKENSECRETTOKEN")])
    logger._get_user = lambda environ: None
    logger.now = lambda: "now"
    atoms = logger.atoms(resp, req, environ, dt.timedelta(milliseconds=3))
    assert "SECRET" not in " ".join(str(v) for v in atoms.values())

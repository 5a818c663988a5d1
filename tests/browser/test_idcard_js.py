"""The phone's GB 11643 check (static/js/idcard.js) gives the Python rule's verdicts on the
same test vectors (tests/idcard_vectors.json; tests/domain/test_idcard_vectors.py)."""
import json
from pathlib import Path

VECTORS = json.loads((Path(__file__).resolve().parent.parent / "idcard_vectors.json").read_text(encoding="utf-8"))


def test_javascript_check_agrees_with_the_vectors(phone):
    page = phone.page
    page.goto("/auth/login")
    page.add_script_tag(url="/static/js/idcard.js")  # from the site itself, as its CSP allows
    results = page.evaluate("""(vectors) => {
        const parse = (raw) => window.anjuIdcard.parse(raw, vectors.today);
        return {valid: vectors.valid.map((c) => parse(c.raw)), invalid: vectors.invalid.map((c) => parse(c.raw))};
    }""", VECTORS)
    for case, got in zip(VECTORS["valid"], results["valid"]):
        assert got == {"number": case["number"], "birthDate": case["birth_date"], "sex": case["sex"],
                       "region": case["region"]}, case
    for case, got in zip(VECTORS["invalid"], results["invalid"]):
        assert got["error"] == case["code"], (case, got)

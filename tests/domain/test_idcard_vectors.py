"""The GB 11643 rule against the test vectors the phone's JavaScript check is held to as
well (tests/browser/test_idcard_js.py): one file, two implementations, the same verdicts."""
import datetime as dt
import json
from pathlib import Path

import pytest

from app.domain.idcard import InvalidIdNumber, parse_id_number

VECTORS = json.loads((Path(__file__).resolve().parent.parent / "idcard_vectors.json").read_text(encoding="utf-8"))
TODAY = dt.date.fromisoformat(VECTORS["today"])


@pytest.mark.parametrize("case", VECTORS["valid"], ids=lambda c: c["raw"].strip() or "blank")
def test_valid_vectors(case):
    parsed = parse_id_number(case["raw"], today=TODAY)
    assert (parsed.number, parsed.birth_date.isoformat(), parsed.sex, parsed.region_code) == (
        case["number"], case["birth_date"], case["sex"], case["region"])


@pytest.mark.parametrize("case", VECTORS["invalid"], ids=lambda c: c["raw"].strip() or "blank")
def test_invalid_vectors(case):
    with pytest.raises(InvalidIdNumber) as info:
        parse_id_number(case["raw"], today=TODAY)
    assert info.value.code == case["code"]

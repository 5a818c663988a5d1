"""Everything the application imports is installed by requirements.txt alone.

`make run` and deploy/install.sh install the runtime requirements only; a package the app
imports that only requirements-dev.txt brings in works in the tests and fails on a fresh
machine. This test reads every module under app/, collects its third-party imports and
checks that each comes from a distribution named in requirements.txt or required by one.
"""
from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _runtime_distributions() -> set[str]:
    wanted = [
        _name(line)
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "-"))
    ]
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        # Extras' requirements ("; extra == ...") are not installed by the bare name.
        wanted.extend(_name(r) for r in requires if "extra ==" not in r)
    return seen


def _imported_top_levels() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in (ROOT / "app").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_of_the_app_is_a_runtime_requirement():
    runtime = _runtime_distributions()
    providers = metadata.packages_distributions()
    missing = []
    for top, where in sorted(_imported_top_levels().items()):
        if top == "app" or top in sys.stdlib_module_names:
            continue
        dists = {d.lower().replace("_", "-") for d in providers.get(top, [])}
        if not dists & runtime:
            missing.append(f"{top} (imported in {where}; from {sorted(dists) or 'nothing installed'})")
    assert not missing, "not installed by requirements.txt: " + "; ".join(missing)


def test_the_check_sees_a_development_only_package():
    """The check would catch the defect it guards against: pytest is not a runtime need."""
    assert "pytest" not in _runtime_distributions()
    assert "requests" in _runtime_distributions()

"""The UI's API types are generated from the API's OpenAPI document, and the committed package is current."""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ui" / "api" / "generated"
HARD_CAP_LINES = 500


@dataclasses.dataclass(frozen=True)
class Generated:
    files: dict[str, str]
    document: dict[str, Any]


def _generated() -> Any:
    """The committed package, imported only by the tests that use it: the staleness check must run (and name
    a missing module) even when the package cannot be imported (``ui.api`` imports it too)."""
    return importlib.import_module("ui.api.generated")


def _modules(folder: Path) -> dict[str, str]:
    """The package's Python files by name, with their text."""
    return {path.name: path.read_text() for path in sorted(folder.glob("*.py"))}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """What scripts/gen-ui-types writes now (in its own process: building the app mounts process-wide secrets)."""
    work = tmp_path_factory.mktemp("ui-types")
    output, openapi = work / "generated", work / "openapi.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_ui_types.py"), "--output", str(output), "--openapi", str(openapi)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Generated(_modules(output), json.loads(openapi.read_text()))


def stale(committed: dict[str, str], fresh: dict[str, str]) -> list[str]:
    """What is wrong with the committed files: missing, left over, or differing (with the diff)."""
    problems = [f"{name}: missing" for name in sorted(fresh.keys() - committed.keys())]
    problems += [f"{name}: left over (the API no longer gives it)" for name in sorted(committed.keys() - fresh.keys())]
    for name in sorted(fresh.keys() & committed.keys()):
        if fresh[name] != committed[name]:
            old, new = committed[name].splitlines(keepends=True), fresh[name].splitlines(keepends=True)
            diff = "".join(difflib.unified_diff(old, new, f"committed {name}", "from the API", n=1))
            problems.append(f"{name}: differs\n{diff[:3000]}")
    return problems


def test_committed_ui_types_match_the_api_schema(fresh: Generated) -> None:
    problems = stale(_modules(PACKAGE), fresh.files)
    if problems:
        pytest.fail(
            "ui/api/generated/ differs from what the API's OpenAPI schema gives: run scripts/gen-ui-types "
            "and commit the result.\n" + "\n".join(problems)[:8000]
        )


def test_the_staleness_check_catches_a_changed_a_missing_and_a_left_over_file() -> None:
    fresh = {"__init__.py": "a\n", "servers.py": "b\n", "tools.py": "c\n"}
    assert stale(dict(fresh), fresh) == []
    problems = stale({"__init__.py": "a\n", "servers.py": "edited\n", "old.py": "d\n"}, fresh)
    assert [p.split("\n")[0] for p in problems] == [
        "tools.py: missing",
        "old.py: left over (the API no longer gives it)",
        "servers.py: differs",
    ]
    assert "-edited" in problems[2]
    assert "+b" in problems[2]


def test_every_generated_module_stays_under_the_hard_cap(fresh: Generated) -> None:
    """One module per API tag keeps each file small; a tag that outgrows the cap needs a finer split."""
    assert len(fresh.files) > 5, sorted(fresh.files)
    sizes = {name: text.count("\n") for name, text in fresh.files.items()}
    assert max(sizes.values()) < HARD_CAP_LINES, sizes


def test_every_generated_field_maps_back_to_its_api_name(fresh: Generated) -> None:
    """``convert.camel`` must turn each snake_case field into the API's property, or decoding drops it."""
    schemas = fresh.document["components"]["schemas"]
    generated = _generated()
    camel = importlib.import_module("ui.api.convert").camel
    checked = 0
    for name, schema in schemas.items():
        cls = getattr(generated, name, None)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            continue
        fields = {camel(f.name) for f in dataclasses.fields(cls)}
        assert fields == set(schema.get("properties", {})), name
        checked += 1
    assert checked > 50


def test_every_generated_type_has_an_empty_instance() -> None:
    """Reflex state holds an empty instance of each type before the first load."""
    classes = [c for c in vars(_generated()).values() if isinstance(c, type) and dataclasses.is_dataclass(c)]
    assert classes
    for cls in classes:
        assert dataclasses.is_dataclass(cls())

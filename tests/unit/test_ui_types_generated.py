"""The UI's API types are generated from the API's OpenAPI document, and the committed file is current."""

from __future__ import annotations

import dataclasses
import difflib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ui.api import generated
from ui.api.convert import camel

ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Generated:
    code: str
    document: dict[str, Any]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """What scripts/gen-ui-types writes now (in its own process: building the app mounts process-wide secrets)."""
    work = tmp_path_factory.mktemp("ui-types")
    output, openapi = work / "generated.py", work / "openapi.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_ui_types.py"), "--output", str(output), "--openapi", str(openapi)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Generated(output.read_text(), json.loads(openapi.read_text()))


def test_committed_ui_types_match_the_api_schema(fresh: Generated) -> None:
    committed = (ROOT / "ui" / "api" / "generated.py").read_text()
    if fresh.code != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                fresh.code.splitlines(keepends=True),
                "committed",
                "from the API",
                n=1,
            )
        )
        pytest.fail(
            "ui/api/generated.py differs from what the API's OpenAPI schema gives: run scripts/gen-ui-types "
            f"and commit the result.\n{diff[:6000]}"
        )


def test_every_generated_field_maps_back_to_its_api_name(fresh: Generated) -> None:
    """``convert.camel`` must turn each snake_case field into the API's property, or decoding drops it."""
    schemas = fresh.document["components"]["schemas"]
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
    classes = [c for c in vars(generated).values() if isinstance(c, type) and dataclasses.is_dataclass(c)]
    assert classes
    for cls in classes:
        assert dataclasses.is_dataclass(cls())

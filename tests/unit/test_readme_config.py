"""The README's configuration reference names every environment variable the backend reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_READ = re.compile(r"""(?<![\w.])env(?:_int|_bool|_list|_float)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _variables_read_by_backend() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "backend").rglob("*.py"):
        found.update(_READ.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    variables = _variables_read_by_backend()
    assert "DATABASE_URL" in variables, "the scan found the settings module"
    missing = sorted(v for v in variables if f"`{v}`" not in readme)
    assert missing == [], f"document these in README.md > Configuration: {missing}"

"""Developer tool: (re)generate the initial migration from the models on a throw-away database.

Until the first release every schema change folds into one initial revision. Usage:
    .venv/bin/python scripts/dev/regen_migration.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from backend.db.migrate import ROOT, autogenerate
from backend.lib.database import start_embedded


def main() -> None:
    """Drop the old initial revision, autogenerate a new one against an empty embedded server."""
    versions = ROOT / "migrations" / "versions"
    for old in versions.glob("*_initial_schema.py"):
        old.unlink()
    tmp = Path(tempfile.mkdtemp(prefix="mcp-orch-regen-"))
    handle = start_embedded(tmp / "pg")
    try:
        autogenerate(handle.url, "initial schema")
    finally:
        handle.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    new = next(versions.glob("*_initial_schema.py"))
    subprocess.run([sys.executable, "-m", "ruff", "format", str(new)], check=False)  # noqa: S603
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--select", "I,F401", str(new)], check=False)  # noqa: S603
    print(f"wrote {new.relative_to(ROOT)}")  # noqa: T201


if __name__ == "__main__":
    main()

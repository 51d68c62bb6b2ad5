"""Sandbox settings for tests: every stdio upstream of the suite runs sandboxed.

The sandbox sees the test servers (``tests/mcp_servers``) and the Node tools (``tools/node_modules``)
read-only, besides the system and the interpreter; its homes live in the test's data folder.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from backend.lib.settings import SandboxSettings

ROOT = Path(__file__).resolve().parents[1]
READONLY_PATHS = (str(ROOT / "tests" / "mcp_servers"), str(ROOT / "tools" / "node_modules"))
_shared: Path | None = None


def sandbox_settings(data_dir: Path | None = None, **fields: object) -> SandboxSettings:
    """Sandbox on, homes under ``data_dir/sandbox`` (a process-wide temporary data folder by default)."""
    data_dir = data_dir if data_dir is not None else _shared_data_dir()
    values: dict[str, object] = {
        "enabled": True,
        "readonly_paths": READONLY_PATHS,
        "root_dir": data_dir / "sandbox",
        "data_dir": data_dir,
    }
    return SandboxSettings(**(values | fields))  # type: ignore[arg-type]


def _shared_data_dir() -> Path:
    global _shared  # noqa: PLW0603 - one folder per test process, removed at exit
    if _shared is None:
        _shared = Path(tempfile.mkdtemp(prefix="mcp-orch-test-data-"))
        atexit.register(shutil.rmtree, _shared, True)
    return _shared

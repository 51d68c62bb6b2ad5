"""The SDK-private entry the transport layer uses (``backend/mcp/transport/sdk.py``) is still there, with
the signature the adapter calls, in the exact SDK version ``pyproject.toml`` pins (and the lock installs)."""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from backend.mcp.transport import sdk

ROOT = Path(__file__).resolve().parents[2]


def test_the_sdk_is_pinned_to_the_installed_version() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = [d for d in dependencies if re.match(r"mcp\s*[=<>~!]", d)]
    assert pins == [f"mcp=={version('mcp')}"], pins
    assert f"mcp=={version('mcp')}" in (ROOT / "requirements.lock").read_text().splitlines()


def test_the_modern_entry_takes_what_the_adapter_passes() -> None:
    parameters = list(inspect.signature(sdk.handle_modern_request).parameters)
    assert parameters == ["app", "security_settings", "json_response", "lifespan_state", "scope", "receive", "send"]
    assert inspect.iscoroutinefunction(sdk.handle_modern_request)

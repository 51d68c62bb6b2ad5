"""The SDK internals the gateway uses (``backend/mcp/sdk.py``) are still there, with the shapes the
adapter relies on, in the exact SDK version ``pyproject.toml`` pins (and the lock installs)."""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from mcp.server.connection import Connection
from mcp.server.session import ServerSession

from backend.mcp import sdk

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


def test_a_server_session_keeps_its_connection_where_the_adapter_reads_it() -> None:
    init = inspect.signature(ServerSession.__init__).parameters
    assert "connection" in init, list(init)
    source = inspect.getsource(ServerSession.__init__)
    assert "self._connection = connection" in source
    # What the proxy keeps on it: per-session state and clean-up callbacks.
    connection_init = inspect.getsource(Connection.__init__)
    assert "self.state" in connection_init
    assert "self.exit_stack" in connection_init
    assert inspect.iscoroutinefunction(Connection.send_raw_request)

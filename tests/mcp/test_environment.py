"""Child processes get the SDK's minimal environment plus the server's own variables — nothing else."""

from __future__ import annotations

import pytest
from mcp.client.stdio import get_default_environment

from backend.mcp.gateway import Gateway
from backend.mcp.sandbox import SANDBOX_HOME
from tests.mcp.helpers import json_of, stdio_spec

PARENT_SECRETS = {
    "DATABASE_URL": "postgresql://orchestrator:hunter2@db/prod",
    "MCP_ORCH_ENCRYPTION_KEY": "k" * 44,
    "MCP_ORCH_JWT_SECRET": "jwt-secret",
    "AWS_SECRET_ACCESS_KEY": "aws-secret",
}


async def test_child_environment_excludes_the_orchestrators_variables(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PARENT_SECRETS.items():
        monkeypatch.setenv(name, value)
    spec = stdio_spec("env_dump", env=(("SERVER_TOKEN", "for-this-server"), ("PATH_EXTRA", "x")))
    gateway.configure(spec)

    keys = set(json_of(await gateway.call_tool(spec.server_id, "env_keys", {})))
    token = json_of(await gateway.call_tool(spec.server_id, "get_env", {"name": "SERVER_TOKEN"}))

    assert not keys & set(PARENT_SECRETS)
    assert not {key for key in keys if key.startswith("MCP_ORCH_")}
    # Python may add LC_CTYPE itself when it coerces a C locale; the sandbox sets its own identity and PWD.
    sandbox_identity = {"HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "PWD"}
    allowed = set(get_default_environment()) | sandbox_identity | {"SERVER_TOKEN", "PATH_EXTRA"}
    assert keys - {"LC_CTYPE"} <= allowed
    assert {"SERVER_TOKEN", "PATH_EXTRA", "PATH"} <= keys
    home = json_of(await gateway.call_tool(spec.server_id, "get_env", {"name": "HOME"}))
    assert home == {"value": SANDBOX_HOME}, "the host's HOME does not leak into the sandbox"
    # The value reached the child (the scrubber matched it exactly) but does not come back out.
    assert token == {"value": "[redacted:SERVER_TOKEN]"}
    assert json_of(await gateway.call_tool(spec.server_id, "get_env", {"name": "PATH_EXTRA"})) == {"value": "x"}

"""The MCP Inspector CLI (2.12.0, installed by scripts/setup) as an independent client."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import pytest

from tests.integration.endpoints._support import ROOT, Live, World, make_world

pytestmark = pytest.mark.anyio

INSPECTOR = ROOT / "tools" / "node_modules" / ".bin" / "mcp-inspector"


async def _inspector(world: World, server: str | None, transport: str, *args: str, home: Path) -> Any:
    url = world.url(server, "sse" if transport == "sse" else "streamable-http")
    command = [
        str(INSPECTOR),
        "--cli",
        url,
        "--transport",
        transport,
        "--header",
        f"Authorization: Bearer {world.key}",
        *args,
    ]
    env = {**os.environ, "NO_COLOR": "1", "HOME": str(home)}
    with anyio.fail_after(90):
        result = await anyio.run_process(command, env=env, check=False)
    assert result.returncode == 0, result.stderr.decode()[-2000:] + result.stdout.decode()[-2000:]
    return json.loads(result.stdout.decode())


@pytest.mark.skipif(not INSPECTOR.exists(), reason="run scripts/setup to install the Inspector")
async def test_inspector_cli_lists_and_calls_on_every_endpoint(live: Live, tmp_path: Path) -> None:
    world = await make_world(live)
    for server, tool in (("echo", "echo"), (None, "echo__echo")):
        for transport in ("http", "sse"):
            listed = await _inspector(world, server, transport, "--method", "tools/list", home=tmp_path)
            assert tool in [t["name"] for t in listed["tools"]], (server, transport)
            called = await _inspector(
                world,
                server,
                transport,
                "--method",
                "tools/call",
                "--tool-name",
                tool,
                "--tool-arg",
                "word=hi",
                home=tmp_path,
            )
            assert called["content"] == [{"type": "text", "text": '{"word": "hi"}'}], (server, transport)

"""First slice: SDK clients list and call tools through per-server and unified endpoints."""

from __future__ import annotations

import pytest

from tests.integration.endpoints._support import Live, connect, make_world, texts

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
@pytest.mark.parametrize("era", ["legacy", "modern"])
async def test_sdk_client_lists_and_calls_echo(live: Live, transport: str, era: str) -> None:
    world = await make_world(live)
    async with connect(world.url("echo", transport), world.headers(), transport=transport, era=era) as client:  # type: ignore[arg-type]
        tools = await client.list_tools()
        assert "echo" in [t.name for t in tools.tools]
        result = await client.call_tool("echo", {"x": 1})
        assert texts(result) == ['{"x": 1}']
    async with connect(world.url(None, transport), world.headers(), transport=transport, era=era) as client:  # type: ignore[arg-type]
        tools = await client.list_tools()
        assert "echo__echo" in [t.name for t in tools.tools]
        result = await client.call_tool("echo__add", {"a": 2, "b": 3})
        assert texts(result) == ["5"]

"""Client sessions (live and recent, with counters) and ready-to-paste client configurations."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.shared.exceptions import MCPError

from tests.integration.endpoints._support import Live, connect, eventually, make_world

pytestmark = pytest.mark.anyio

CLIENTS = ["claude-code", "cursor", "cline", "vscode", "claude-desktop", "inspector"]


async def test_sessions_are_listed_with_client_key_and_counters(live: Live) -> None:
    world = await make_world(live)
    url = f"/api/projects/{world.slug}/sessions"

    async def sessions(state: str = "all") -> list[dict[str, Any]]:
        r = await live.api.client.get(url, params={"state": state}, headers=world.owner.headers)
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    async with connect(world.url("echo", "sse"), world.headers(), transport="sse") as client:
        await client.call_tool("add", {"a": 1, "b": 2})
        with pytest.raises(MCPError):
            await client.call_tool("rpc_error", {"code": -32001, "message": "x"})

        async def counted() -> Any:
            found = [s for s in await sessions("live") if s["calls"] == 2]
            return found[0] if found else None

        item = await eventually(counted, timeout=15)
        assert item["live"] is True
        assert item["transport"] == "sse"
        assert item["endpoint"] == "echo"
        assert item["errors"] == 1
        assert item["clientName"] == "mcp"
        assert item["protocolVersion"]
        assert item["apiKey"]["prefix"] == world.key[:12]
        assert world.key not in str(item)

    async def ended() -> Any:
        return [s for s in await sessions("ended") if s["sessionId"] == item["sessionId"]]

    closed = (await eventually(ended, timeout=15))[0]
    assert closed["live"] is False
    assert closed["endedAt"] is not None
    r = await live.api.client.get(f"/api/projects/{world.slug}/tool-calls", headers=world.owner.headers)
    calls = [c for c in r.json()["items"] if c["sessionId"] == item["sessionId"]]
    assert {c["apiKeyId"] for c in calls} == {item["apiKey"]["id"]}
    assert {c["transport"] for c in calls} == {"sse"}
    assert {c["clientName"] for c in calls} == {"mcp"}

    async def key_used() -> Any:
        r = await live.api.client.get(f"/api/projects/{world.slug}/api-keys", headers=world.owner.headers)
        return [k for k in r.json() if k["lastUsedAt"]]

    used = (await eventually(key_used, timeout=15))[0]
    assert used["lastUsedIp"] == "127.0.0.1"


async def test_client_configs_name_the_public_endpoints_and_never_the_key(live: Live) -> None:
    world = await make_world(live)
    base = f"/api/projects/{world.slug}/client-config"
    for client in CLIENTS:
        for transport in ("streamable-http", "sse"):
            for scope in ("unified", "servers"):
                r = await live.api.client.get(
                    base, params={"client": client, "transport": transport, "scope": scope}, headers=world.owner.headers
                )
                assert r.status_code == 200, r.text
                body = r.json()
                tail = "mcp" if transport == "streamable-http" else "sse"
                view = "unified" if scope == "unified" else "servers/echo"
                assert f"/projects/{world.slug}/{view}/{tail}" in body["text"]
                assert world.key not in r.text
                assert "MCP_ORCH_API_KEY" in r.text or "mcp-orch-api-key" in r.text
    r = await live.api.client.get(base, params={"client": "claude-code"}, headers=world.owner.headers)
    body = r.json()
    assert body["config"]["mcpServers"][world.slug]["type"] == "http"
    assert body["commands"][0].startswith("claude mcp add --transport http ")
    r = await live.api.client.get(base, params={"client": "vscode", "transport": "sse"}, headers=world.owner.headers)
    assert r.json()["config"]["servers"][world.slug]["type"] == "sse"
    r = await live.api.client.get(base, params={"client": "claude-desktop"}, headers=world.owner.headers)
    desktop = r.json()["config"]["mcpServers"][world.slug]
    assert desktop["command"] == "npx"
    assert "mcp-remote" in desktop["args"]
    r = await live.api.client.get(base, params={"client": "notepad"}, headers=world.owner.headers)
    assert r.status_code == 400 or r.status_code == 422

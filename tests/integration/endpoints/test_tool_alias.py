"""Tool aliases on the MCP endpoints: listed and called by the alias, the upstream's name refused, both eras."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.shared.exceptions import MCPError

from tests.integration.endpoints._support import (
    Live,
    Notifications,
    World,
    connect,
    echo_body,
    eventually,
    make_world,
    texts,
)
from tests.integration.endpoints.test_context_budget import _listed, _size

pytestmark = pytest.mark.anyio
UNKNOWN_TOOL = -32602


async def _refreshed_world(live: Live, *bodies: dict[str, Any]) -> World:
    """A world whose servers' catalogues are cached (a tool can be patched only once it is known)."""
    world = await make_world(live, *bodies)
    for server in world.servers:
        r = await live.api.client.post(
            f"/api/projects/{world.slug}/servers/{server}/refresh", headers=world.owner.headers, timeout=60
        )
        assert r.status_code == 200, r.text
    return world


async def _alias(world: World, tool: str, alias: str | None, server: str = "echo") -> dict[str, Any]:
    r = await world.live.api.client.patch(
        f"/api/projects/{world.slug}/servers/{server}/tools/{tool}", json={"alias": alias}, headers=world.owner.headers
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _names(client: Any) -> list[str]:
    return [tool.name for tool in (await client.list_tools()).tools]


async def _refused(client: Any, name: str) -> None:
    with pytest.raises(MCPError) as refused:
        await client.call_tool(name, {"k": 1})
    assert refused.value.code == UNKNOWN_TOOL
    assert "Unknown tool" in refused.value.message


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
async def test_both_endpoints_offer_the_alias_route_it_to_the_tool_and_refuse_the_upstream_name(
    live: Live, transport: str
) -> None:
    world = await _refreshed_world(live)
    await _alias(world, "echo", "say")
    async with connect(world.url("echo", transport), world.headers(), transport=transport) as client:  # type: ignore[arg-type]
        names = await _names(client)
        assert "say" in names
        assert "echo" not in names
        assert texts(await client.call_tool("say", {"k": 1})) == ['{"k": 1}']
        await _refused(client, "echo")
    async with connect(world.url(None, transport), world.headers(), transport=transport) as client:  # type: ignore[arg-type]
        names = await _names(client)
        assert "echo__say" in names
        assert "echo__echo" not in names
        assert texts(await client.call_tool("echo__say", {"k": 2})) == ['{"k": 2}']
        await _refused(client, "echo__echo")

    async def logged() -> list[dict[str, Any]]:
        r = await live.api.client.get(f"/api/projects/{world.slug}/tool-calls", headers=world.owner.headers)
        items = [c for c in r.json()["items"] if c["toolAlias"] == "say"]
        return items if len(items) == 2 else []

    calls = await eventually(logged, timeout=15)
    assert {c["tool"] for c in calls} == {"echo"}, "the log names the tool the upstream ran"


async def test_open_sessions_hear_list_changed_and_clearing_the_alias_restores_the_name(live: Live) -> None:
    world = await _refreshed_world(live)
    per_server, unified = Notifications(), Notifications()
    async with (
        connect(world.url("echo"), world.headers(), message_handler=per_server) as client,
        connect(world.url(None), world.headers(), message_handler=unified) as whole,
    ):
        assert "echo" in await _names(client)
        assert "echo__echo" in await _names(whole)
        await _alias(world, "echo", "say")
        await per_server.wait_for("notifications/tools/list_changed")
        await unified.wait_for("notifications/tools/list_changed")
        assert "say" in await _names(client)
        assert "echo__say" in await _names(whole)
        await _alias(world, "echo", None)
        await per_server.wait_for("notifications/tools/list_changed", count=2)
        await unified.wait_for("notifications/tools/list_changed", count=2)
        names = await _names(client)
        assert "echo" in names
        assert "say" not in names
        assert texts(await client.call_tool("echo", {"back": True})) == ['{"back": true}']
        assert texts(await whole.call_tool("echo__echo", {"back": 1})) == ['{"back": 1}']
        await _refused(client, "say")


async def test_modern_clients_call_by_alias_with_their_mcp_name_header(live: Live) -> None:
    # A 2026-07-28 client mirrors the tool name into the Mcp-Name header; the alias is that name, and
    # the upstream (a handshake-era stdio session) is asked for its own name.
    world = await _refreshed_world(live)
    await _alias(world, "echo", "say")
    for url, name in ((world.url("echo"), "say"), (world.url(None), "echo__say")):
        async with connect(url, world.headers(), era="modern") as client:
            assert client.protocol_version == "2026-07-28"
            assert name in await _names(client)
            assert texts(await client.call_tool(name, {"era": "modern"})) == ['{"era": "modern"}']
            await _refused(client, name.replace("say", "echo"))


async def test_an_alias_counts_toward_the_unified_name_budget_and_the_context_budget(live: Live) -> None:
    server = "a-server-name-of-thirty-chars-x"
    world = await _refreshed_world(live, echo_body(server))
    long_alias = "an_alias_long_enough_to_need_shortening_here"
    tool = await _alias(world, "add", long_alias, server=server)
    assert len(tool["unifiedName"]) == 64
    assert tool["unifiedName"] != f"{server}__{long_alias}"
    async with connect(world.url(None), world.headers()) as client:
        names = await _names(client)
        assert tool["unifiedName"] in names
        assert all(len(name) <= 64 for name in names)
        assert texts(await client.call_tool(tool["unifiedName"], {"a": 2, "b": 3})) == ["5"]
    r = await live.api.client.get(f"/api/projects/{world.slug}/tools", headers=world.owner.headers)
    budget = r.json()["contextBudget"]
    assert budget["unified"]["bytes"] == _size(await _listed(world.url(None), world.headers()))
    assert budget["servers"][server]["bytes"] == _size(await _listed(world.url(server), world.headers()))

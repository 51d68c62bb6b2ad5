"""Unified view with a down server, upstream restarts, server→client requests, stable unified names."""

from __future__ import annotations

import json
import re
from typing import Any

import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError

from backend.mcp.proxy import registry as proxy_registry
from backend.mcp.proxy.model import ProxySettings
from tests.integration.endpoints._support import (
    Live,
    Notifications,
    connect,
    echo_body,
    eventually,
    make_world,
    small_server_body,
    texts,
)

pytestmark = pytest.mark.anyio

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


async def test_a_down_server_is_hidden_and_the_others_keep_working(live: Live) -> None:
    world = await make_world(live, echo_body("echo"), small_server_body("broken", "crash", "--at-start"))
    async with connect(world.url(None), world.headers()) as client:
        names = [t.name for t in (await client.list_tools()).tools]
        assert "echo__echo" in names
        assert not [n for n in names if n.startswith("broken__")]
        assert texts(await client.call_tool("echo__add", {"a": 2, "b": 2})) == ["4"]
        with pytest.raises(MCPError) as down:
            await client.call_tool("broken__echo", {})
        assert down.value.code == -32003
        assert "broken" in down.value.message
        assert "Traceback" not in down.value.message


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
async def test_session_survives_an_upstream_restart_and_hears_list_changed(live: Live, transport: str) -> None:
    world = await make_world(live)
    notes = Notifications()
    async with connect(
        world.url("echo", transport), world.headers(), transport=transport, message_handler=notes
    ) as client:  # type: ignore[arg-type]
        before = texts(await client.call_tool("pid", {}))[0]
        r = await live.api.client.post(f"/api/projects/{world.slug}/servers/echo/restart", headers=world.owner.headers)
        assert r.status_code == 200, r.text
        await notes.wait_for("notifications/tools/list_changed", timeout=20)
        after = texts(await client.call_tool("pid", {}))[0]
        assert after != before, "a new upstream process serves the same downstream session"


@pytest.fixture
def live_without_recheck(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Live:
    """The live app with the views' periodic recheck pushed out to an hour (set before the app starts)."""
    monkeypatch.setattr(proxy_registry, "ProxySettings", lambda: ProxySettings(recheck_seconds=3600))
    live: Live = request.getfixturevalue("live")
    return live


async def test_a_restart_is_announced_at_once_not_at_the_next_recheck(live_without_recheck: Live) -> None:
    live = live_without_recheck
    world = await make_world(live)
    per_server, unified = Notifications(), Notifications()
    async with (
        connect(world.url("echo"), world.headers(), message_handler=per_server) as client,  # type: ignore[arg-type]
        connect(world.url(None), world.headers(), message_handler=unified) as merged,  # type: ignore[arg-type]
    ):
        before = texts(await client.call_tool("pid", {}))[0]
        await merged.list_tools()
        r = await live.api.client.post(f"/api/projects/{world.slug}/servers/echo/restart", headers=world.owner.headers)
        assert r.status_code == 200, r.text
        await per_server.wait_for("notifications/tools/list_changed", timeout=3)
        await unified.wait_for("notifications/tools/list_changed", timeout=3)
        assert texts(await client.call_tool("pid", {}))[0] != before


async def test_server_to_client_requests_reach_the_session_that_owns_the_upstream(live: Live) -> None:
    world = await make_world(live, echo_body("private", isolation="per_session"), echo_body("shared"))

    async def sampling(context: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        return types.CreateMessageResult(
            role="assistant", content=types.TextContent(text="from the client"), model="test-model"
        )

    async def roots(context: Any) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri="file:///work", name="work")])

    for transport in ("streamable-http", "sse"):
        async with connect(
            world.url(None, transport),
            world.headers(),
            transport=transport,  # type: ignore[arg-type]
            sampling_callback=sampling,
            list_roots_callback=roots,
        ) as client:
            answer = json.loads(texts(await client.call_tool("private__ask_client", {"kind": "sampling"}))[0])
            assert answer["content"]["text"] == "from the client"
            listed = json.loads(texts(await client.call_tool("private__ask_client", {"kind": "roots"}))[0])
            assert listed["roots"][0]["uri"] == "file:///work"
            refused = await _ask_shared(client)
            assert "per_session" in refused or "session" in refused


async def _ask_shared(client: Any) -> str:
    """A shared upstream cannot reach one client: the server gets an error and reports it."""
    try:
        result = await client.call_tool("shared__ask_client", {"kind": "sampling"})
    except MCPError as exc:
        return exc.message
    return " ".join(texts(result))


async def test_unified_names_are_valid_and_stable_when_servers_come_and_go(live: Live) -> None:
    long_server = "a-very-long-server-name-for-unified-naming-tests"  # 48 characters, the maximum
    world = await make_world(live, echo_body("echo"), small_server_body(long_server, "list_changed"))
    added = ["a_tool_with_a_rather_long_name_that_overflows", "tool.with.dots"]
    notes = Notifications()
    async with connect(world.url(None), world.headers(), message_handler=notes) as client:
        for count, name in enumerate(added, start=1):
            await client.call_tool(f"{long_server}__add_tool", {"name": name})
            await notes.wait_for("notifications/tools/list_changed", count=count)
        first = [t.name for t in (await client.list_tools()).tools]
    assert all(NAME.fullmatch(name) for name in first), first
    plain = {f"{long_server}__add_tool", f"{long_server}__log_message"}
    shortened = sorted(n for n in first if n.startswith(long_server[:40]) and n not in plain)
    assert len(shortened) == 2, first
    assert all(not n.startswith(f"{long_server}__") or len(n) <= 64 for n in shortened)
    r = await live.api.client.post(
        f"/api/projects/{world.slug}/servers", json=echo_body("another"), headers=world.owner.headers
    )
    assert r.status_code == 201, r.text
    async with connect(world.url(None), world.headers()) as client:

        async def listed_with_another() -> list[str] | None:
            names = [t.name for t in (await client.list_tools()).tools]
            return names if any(n.startswith("another__") for n in names) else None

        second = await eventually(listed_with_another, timeout=20)
        for name in shortened:
            assert texts(await client.call_tool(name, {"n": 1})) == ['{"n": 1}']
    assert set(first) <= set(second), "adding a server renames nothing"

"""Capacity caps, per-session isolation, server→client request routing, notifications and list_changed."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any
from uuid import uuid4

import anyio
import pytest

from backend.mcp.gateway import Gateway
from backend.mcp.types import CapacityError, UpstreamRPCError
from tests.mcp.conftest import fast_settings
from tests.mcp.helpers import RecordingEvents, eventually, gone, host_pid, json_of, stdio_spec, text_of


async def test_global_and_per_project_caps_refuse_new_upstreams(events: RecordingEvents) -> None:
    settings = dataclasses.replace(fast_settings(), max_upstreams=3, max_upstreams_per_project=2)
    project_a, project_b = uuid4(), uuid4()
    a1, a2, a3 = (stdio_spec("echo", project_id=project_a) for _ in range(3))
    b1, b2 = (stdio_spec("echo", project_id=project_b) for _ in range(2))
    async with Gateway(settings, events) as gateway:
        for spec in (a1, a2, a3, b1, b2):
            gateway.configure(spec)
        async with anyio.create_task_group() as tg:
            for spec in (a1, a2, b1):
                tg.start_soon(gateway.call_tool, spec.server_id, "echo", {})

        with pytest.raises(CapacityError, match="this project already runs its maximum of 2"):
            await gateway.call_tool(a3.server_id, "echo", {})
        with pytest.raises(CapacityError, match="the gateway already runs its maximum of 3"):
            await gateway.call_tool(b2.server_id, "echo", {})
        assert gateway.status(a3.server_id).state == "stopped"

        await gateway.stop(a1.server_id)
        assert json_of(await gateway.call_tool(a3.server_id, "echo", {"ok": 1})) == {"ok": 1}
        assert sorted(map(str, gateway.running())) == sorted(map(str, (a2.server_id, a3.server_id, b1.server_id)))


async def test_per_session_isolation_gives_each_session_its_own_process(gateway: Gateway) -> None:
    spec = stdio_spec("echo", isolation="per_session")
    gateway.configure(spec)

    async def pid(key: str | None) -> int:
        return int(text_of(await gateway.call_tool(spec.server_id, "pid", {}, session_key=key)))

    pids: dict[str | None, int] = {}

    async def record(key: str | None) -> None:
        pids[key] = await pid(key)

    async with anyio.create_task_group() as tg:
        for key in ("session-1", "session-2", None):
            tg.start_soon(record, key)
    first, second, default = pids["session-1"], pids["session-2"], pids[None]
    assert len({first, second, default}) == 3
    assert await pid("session-1") == first

    await gateway.release_session("session-1")

    assert gone(host_pid(first))
    assert not gone(host_pid(second))
    assert gateway.status(spec.server_id).state == "running"
    assert await pid("session-1") != first  # a new session with the same key starts afresh
    await gateway.release_session("session-1")
    await gateway.release_session("session-2")
    assert gone(host_pid(second))


async def test_server_to_client_requests_reach_the_session_handler(gateway: Gateway) -> None:
    isolated = stdio_spec("echo", isolation="per_session")
    shared = stdio_spec("echo")
    gateway.configure(isolated)
    gateway.configure(shared)
    async with anyio.create_task_group() as tg:  # start both at once
        tg.start_soon(partial(gateway.call_tool, isolated.server_id, "pid", {}, session_key="s1"))
        tg.start_soon(gateway.call_tool, shared.server_id, "pid", {})
    asked: list[tuple[str, dict[str, Any]]] = []

    async def handler(method: str, params: dict[str, Any]) -> dict[str, Any]:
        asked.append((method, params))
        if method == "sampling/createMessage":
            return {"role": "assistant", "content": {"type": "text", "text": "sampled"}, "model": "test-model"}
        if method == "elicitation/create":
            return {"action": "accept", "content": {"name": "Ada"}}
        return {"roots": [{"uri": "file:///work", "name": "work"}]}

    gateway.set_session_handler("s1", handler)
    sampled = json_of(await gateway.call_tool(isolated.server_id, "ask_client", {"kind": "sampling"}, session_key="s1"))
    elicited = json_of(
        await gateway.call_tool(isolated.server_id, "ask_client", {"kind": "elicitation"}, session_key="s1")
    )
    roots = json_of(await gateway.call_tool(isolated.server_id, "ask_client", {"kind": "roots"}, session_key="s1"))

    assert [method for method, _ in asked] == ["sampling/createMessage", "elicitation/create", "roots/list"]
    assert asked[0][1]["messages"][0]["content"]["text"] == "hello?"
    assert sampled["content"]["text"] == "sampled"
    assert elicited == {"action": "accept", "content": {"name": "Ada"}}
    assert roots["roots"][0]["uri"] == "file:///work"

    # Without a handler, or over a shared upstream, the upstream gets a JSON-RPC error back.
    gateway.set_session_handler("s1", None)
    with pytest.raises(UpstreamRPCError, match="no downstream client can answer roots/list"):
        await gateway.call_tool(isolated.server_id, "ask_client", {"kind": "roots"}, session_key="s1")
    with pytest.raises(UpstreamRPCError, match="server-to-client requests need per_session or per_user isolation"):
        await gateway.call_tool(shared.server_id, "ask_client", {"kind": "roots"})
    await gateway.release_session("s1")


async def test_list_changed_refreshes_the_catalogue_before_subscribers_hear_of_it(
    gateway: Gateway, events: RecordingEvents
) -> None:
    spec = stdio_spec("list_changed")
    gateway.configure(spec)
    heard: list[tuple[str, int]] = []

    async def subscriber(method: str, params: dict[str, Any]) -> None:
        heard.append((method, len((await gateway.catalogue(spec.server_id)).tools)))

    unsubscribe = gateway.subscribe(spec.server_id, subscriber)
    session_subscriber: list[str] = []

    async def per_session(method: str, params: dict[str, Any]) -> None:
        session_subscriber.append(method)

    gateway.subscribe(spec.server_id, per_session, session_key="downstream-1")
    assert [t["name"] for t in (await gateway.catalogue(spec.server_id)).tools] == ["add_tool"]

    await gateway.call_tool(spec.server_id, "add_tool", {"name": "fresh"})

    await eventually(lambda: len(heard) == 1, 5, "list_changed notification")
    assert heard == [("notifications/tools/list_changed", 2)]
    assert session_subscriber == ["notifications/tools/list_changed"]  # a shared upstream reaches every session
    assert [t["name"] for t in events.catalogues[-1][1].tools] == ["add_tool", "fresh"]
    assert json_of(await gateway.call_tool(spec.server_id, "fresh", {"k": "v"})) == {"k": "v"}

    unsubscribe()
    await gateway.call_tool(spec.server_id, "add_tool", {"name": "later"})
    await eventually(lambda: len(session_subscriber) == 2, 5, "second notification")
    assert len(heard) == 1
    assert [t["name"] for t in (await gateway.refresh(spec.server_id)).tools] == ["add_tool", "fresh", "later"]


async def test_resource_updates_reach_subscribers(gateway: Gateway) -> None:
    spec = stdio_spec("prompts_resources")
    gateway.configure(spec)
    heard: list[tuple[str, dict[str, Any]]] = []

    async def subscriber(method: str, params: dict[str, Any]) -> None:
        heard.append((method, params))

    gateway.subscribe(spec.server_id, subscriber)
    await gateway.request(spec.server_id, "resources/subscribe", {"uri": "memo://readme"})

    await eventually(lambda: len(heard) == 1, 5, "resources/updated")
    assert heard == [("notifications/resources/updated", {"uri": "memo://readme"})]


async def test_session_upstream_notifications_stay_with_their_session(gateway: Gateway) -> None:
    spec = stdio_spec("list_changed", "--with-log", isolation="per_session")
    gateway.configure(spec)
    heard: dict[str, list[str]] = {"wide": [], "mine": [], "theirs": []}

    def listener(name: str) -> Any:
        async def callback(method: str, params: dict[str, Any]) -> None:
            heard[name].append(method)

        return callback

    gateway.subscribe(spec.server_id, listener("wide"))
    gateway.subscribe(spec.server_id, listener("mine"), session_key="k")
    gateway.subscribe(spec.server_id, listener("theirs"), session_key="other")

    await gateway.call_tool(spec.server_id, "log_message", {"data": "private"}, session_key="k")
    await gateway.call_tool(spec.server_id, "add_tool", {"name": "extra"}, session_key="k")

    await eventually(lambda: len(heard["mine"]) == 2, 5, "both notifications in session k")
    await eventually(lambda: len(heard["wide"]) == 1, 5, "list_changed server-wide")
    assert heard["mine"] == ["notifications/message", "notifications/tools/list_changed"]
    assert heard["wide"] == ["notifications/tools/list_changed"]  # the log stays with its session
    assert heard["theirs"] == []
    # The session's own upstream added a tool: its session sees it; the server's catalogue (what
    # every other session and the UI see) does not.
    assert "extra" in {tool["name"] for tool in (await gateway.session_catalogue(spec.server_id, "k")).tools}
    assert "extra" not in {tool["name"] for tool in (await gateway.catalogue(spec.server_id)).tools}
    await gateway.release_session("k")

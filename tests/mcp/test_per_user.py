"""``per_user`` isolation: one upstream per credential, shared by that credential's sessions.

Real upstream processes (the ``echo`` and ``list_changed`` test servers), real SDK clients over
Streamable HTTP through one or two replicas, two API keys of one project (``KEY``, ``OTHER_KEY``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import anyio
import mcp_types as types
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from backend.mcp.gateway import Gateway
from backend.mcp.types import per_user_key
from tests.mcp.conftest import fast_settings
from tests.mcp.helpers import RecordingEvents, eventually, gone, host_pid, stdio_spec, text_of
from tests.mcp.replicas import KEY, KEYS, OTHER_KEY, Router, replicas, url

pytestmark = pytest.mark.anyio

Mode = Literal["legacy", "auto"]


@asynccontextmanager
async def client(
    router: Router, target: str, key: str = KEY, mode: Mode = "legacy", **options: Any
) -> AsyncIterator[Client]:
    """An SDK client with ``key`` (``legacy``: handshake era; ``auto``: 2026-07-28 era)."""
    async with (
        router.http(key) as http,
        Client(streamable_http_client(target, http_client=http), cache=None, mode=mode, **options) as connected,
    ):
        yield connected


async def pid_of(connected: Client, tool: str = "pid") -> str:
    """The upstream process id the ``pid`` tool answers."""
    return text_of((await connected.call_tool(tool, {})).model_dump())


@pytest.mark.parametrize("unified", [False, True])
async def test_sessions_of_one_key_share_its_upstream_and_another_key_gets_its_own(unified: bool) -> None:
    async with replicas(1, [stdio_spec("echo", isolation="per_user")]) as group:
        router = Router(group)
        target = url(group[0], None if unified else "echo")
        tool = "echo__pid" if unified else "pid"
        async with (
            client(router, target) as first,
            client(router, target) as second,
            client(router, target, mode="auto") as stateless,
            client(router, url(group[0], "echo" if unified else None)) as elsewhere,
            client(router, target, OTHER_KEY) as other,
        ):
            mine = await pid_of(first, tool)
            assert await pid_of(second, tool) == mine, "a second session of the key meets the same upstream"
            assert await pid_of(stateless, tool) == mine, "and so does a stateless call with the key"
            assert await pid_of(elsewhere, "pid" if unified else "echo__pid") == mine, "on either endpoint"
            theirs = await pid_of(other, tool)
            assert theirs != mine, "another key has its own upstream"
            gateway = group[0].gateway
            assert gateway.per_user_credentials() == {
                (group[0].project_id, f"key:{KEYS[KEY]}"),
                (group[0].project_id, f"key:{KEYS[OTHER_KEY]}"),
            }
        # Closing the sessions leaves the key's upstream running for its next session.
        assert not gone(host_pid(mine))
        async with client(router, target) as again:
            assert await pid_of(again, tool) == mine


@pytest.mark.parametrize("unified", [False, True])
async def test_a_keys_lists_are_its_own_upstreams_and_reach_its_other_sessions_only(unified: bool) -> None:
    async with replicas(1, [stdio_spec("list_changed", isolation="per_user")]) as group:
        router = Router(group)
        target = url(group[0], None if unified else "list-changed")
        prefix = "list-changed__" if unified else ""
        heard: dict[str, anyio.Event] = {"second": anyio.Event(), "other": anyio.Event()}

        def listener(who: str) -> Any:
            async def on_message(message: Any) -> None:
                if getattr(getattr(message, "root", message), "method", "") == "notifications/tools/list_changed":
                    heard[who].set()

            return on_message

        async with (
            client(router, target) as first,
            client(router, target, message_handler=listener("second")) as second,
            client(router, target, OTHER_KEY, message_handler=listener("other")) as other,
        ):
            before = {tool.name for tool in (await other.list_tools()).tools}
            await first.call_tool(f"{prefix}add_tool", {"name": "ours"})
            with anyio.fail_after(10):
                await heard["second"].wait()  # the key's other session hears its upstream's change
            assert f"{prefix}ours" in {tool.name for tool in (await second.list_tools()).tools}
            assert (await second.call_tool(f"{prefix}ours", {"x": 1})).is_error is not True
            assert {tool.name for tool in (await other.list_tools()).tools} == before, "nothing reaches the other key"
            assert not heard["other"].is_set()


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
async def test_log_messages_of_a_keys_upstream_reach_that_keys_sessions_only() -> None:
    heard: dict[str, list[Any]] = {"first": [], "second": [], "other": []}

    def on_log(who: str) -> Any:
        async def log(params: types.LoggingMessageNotificationParams) -> None:
            heard[who].append(params.data)

        return log

    async with replicas(1, [stdio_spec("echo", isolation="per_user")]) as group:
        router = Router(group)
        target = url(group[0], "echo")
        async with (
            client(router, target, logging_callback=on_log("first")) as first,
            client(router, target, logging_callback=on_log("second")) as second,
            client(router, target, OTHER_KEY, logging_callback=on_log("other")) as other,
        ):
            await other.call_tool("pid", {})  # the other key's upstream runs too
            await second.set_logging_level("error")  # filtered for that session at the gateway
            await first.call_tool("log_message", {"level": "info", "data": "for the key"})
            await first.call_tool("log_message", {"level": "error", "data": "loud"})
            await eventually(lambda: heard["second"] == ["loud"], 10, "the key's other session hears its error")
            await eventually(lambda: heard["first"] == ["for the key", "loud"], 10, "the caller hears both")
            upstream = json.loads(text_of((await first.call_tool("whoami", {})).model_dump()))
    assert heard["other"] == []
    assert upstream["log_level"] is None, "a setLevel of one session is not imposed on the key's other sessions"


async def test_a_per_user_upstream_hears_the_gateways_name_and_no_client_capabilities_but_may_ask() -> None:
    async def sample(context: Any, params: Any) -> types.CreateMessageResult:
        return types.CreateMessageResult(role="assistant", content=types.TextContent(text="hi"), model="test")

    async with replicas(1, [stdio_spec("echo", isolation="per_user")]) as group:
        router = Router(group)
        info = types.Implementation(name="editor", version="9.1")
        async with client(router, url(group[0], "echo"), client_info=info, sampling_callback=sample) as connected:
            seen = json.loads(text_of((await connected.call_tool("whoami", {})).model_dump()))["client"]
            # Its requests to the client reach the credential's session whose call asks (see test_input_bridge).
            asked = json.loads(text_of((await connected.call_tool("ask_client", {"kind": "sampling"})).model_dump()))
            assert asked["content"] == {"type": "text", "text": "hi"}
    # Several sessions (maybe different clients) share it: it is told only what the gateway can always do.
    assert seen["info"]["name"] == "mcp-orchestrator"
    assert seen["capabilities"] == {}


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_a_keys_requests_on_any_replica_reach_its_one_upstream_at_its_home_replica(mode: Mode) -> None:
    async with replicas(2, [stdio_spec("echo", isolation="per_user")]) as group:
        router = Router(group)  # round robin: no affinity
        async with (
            client(router, url(group[0], "echo"), mode=mode) as first,
            client(router, url(group[0], None), mode=mode) as second,
        ):
            pids = {await pid_of(first) for _ in range(4)} | {await pid_of(second, "echo__pid") for _ in range(4)}
            if mode == "legacy":  # the session lives at the key's home; requests elsewhere travel there
                for sid in router.session_ids:
                    claims = group[0].endpoints.continuity.tokens.read(sid)
                    assert claims is not None
                    assert claims.pinned
        assert {index for method, index in router.served if method == "POST"} == {0, 1}
        assert len(pids) == 1, "one upstream for the key, whichever replica each request reached"
        homes = [replica for replica in group if replica.gateway.per_user_credentials()]
        assert len(homes) == 1, "it runs at the key's home replica only"


async def test_a_stateless_clients_per_session_upstream_is_one_whichever_replica_serves_it() -> None:
    async with replicas(2, [stdio_spec("echo", isolation="per_session")]) as group:
        router = Router(group)
        async with client(router, url(group[0], "echo"), mode="auto") as connected:
            pids = {await pid_of(connected) for _ in range(6)}
        assert {index for method, index in router.served if method == "POST"} == {0, 1}
        assert len(pids) == 1, "a 2026-07-28 client's per_session upstream is served at its key's home"


async def test_an_idle_per_user_upstream_stops_and_an_ended_credential_stops_its_own_at_once() -> None:
    settings = dataclasses.replace(fast_settings(), idle_stop_seconds=1.5, ping_interval_seconds=0.2)
    spec = stdio_spec("echo", isolation="per_user")
    mine, theirs = per_user_key("key:mine"), per_user_key("key:theirs")

    async def pid(key: str) -> int | None:
        return host_pid(text_of(await gateway.call_tool(spec.server_id, "pid", {}, session_key=key)))

    async with Gateway(settings, RecordingEvents()) as gateway:
        gateway.configure(spec)
        first = await pid(mine)
        await eventually(lambda: gone(first), 10, "the idle per_user upstream stopped")
        again, other = await pid(mine), await pid(theirs)
        assert again != first, "the next call starts the credential's upstream afresh"
        assert gateway.per_user_credentials() == {(spec.project_id, "key:mine"), (spec.project_id, "key:theirs")}

        await gateway.release_credential(spec.project_id, "key:mine")

        assert gone(again)
        assert not gone(other), "another credential's upstream runs on"
        assert gateway.per_user_credentials() == {(spec.project_id, "key:theirs")}
        assert host_pid(text_of(await gateway.call_tool(spec.server_id, "pid", {}, session_key=theirs))) == other


async def test_changing_a_servers_isolation_stops_its_per_user_upstreams(gateway: Gateway) -> None:
    spec = stdio_spec("echo", isolation="per_user")
    gateway.configure(spec)
    key = per_user_key("user:someone")
    first = host_pid(text_of(await gateway.call_tool(spec.server_id, "pid", {}, session_key=key)))
    gateway.configure(dataclasses.replace(spec, isolation="shared"))
    await eventually(lambda: gone(first), 10, "the per_user upstream stopped")
    assert gateway.per_user_credentials() == set()
    shared = host_pid(text_of(await gateway.call_tool(spec.server_id, "pid", {}, session_key=key)))
    assert shared == host_pid(text_of(await gateway.call_tool(spec.server_id, "pid", {})))

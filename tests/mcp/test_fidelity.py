"""What belongs to the upstream passes through the gateway: ``instructions`` (clients put them in the
model's prompt) and the client's ``_meta`` on tool calls (trace ids, tool-use ids).

Real upstream processes (the SDK test servers ``echo`` and ``prompts_resources``, both with
instructions, and ``slow`` without), real SDK clients over Streamable HTTP, both protocol eras.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal
from uuid import uuid4

import anyio
import mcp_types as types
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from backend.mcp.types import UpstreamSpec
from tests.mcp.helpers import PROJECT, eventually, remote_server, stdio_spec
from tests.mcp.replicas import Router, replicas, url
from tests.mcp_servers.echo import INSTRUCTIONS as ECHO
from tests.mcp_servers.prompts_resources import INSTRUCTIONS as MEMO

pytestmark = pytest.mark.anyio

Mode = Literal["legacy", "auto"]
EVERYTHING = Path(__file__).resolve().parents[2] / "tools" / "node_modules" / ".bin" / "mcp-server-everything"


@asynccontextmanager
async def client(router: Router, target: str, mode: Mode, **options: Any) -> AsyncIterator[Client]:
    """An SDK client: ``legacy`` is the handshake era, ``auto`` the 2026-07-28 era; ``options`` go to
    :class:`Client` (callbacks)."""
    async with (
        router.http() as http,
        Client(streamable_http_client(target, http_client=http), cache=None, mode=mode, **options) as connected,
    ):
        yield connected


async def _json_of(call: Awaitable[Any]) -> Any:
    """The JSON in the first text block of a tool's result."""
    return json.loads((await call).content[0].text)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_instructions_of_each_server_and_of_the_unified_endpoint(mode: Mode) -> None:
    specs = [stdio_spec("echo"), replace(stdio_spec("prompts_resources"), name="memo"), stdio_spec("slow")]
    async with replicas(1, specs) as group:
        router = Router(group)
        instructions: dict[str, Any] = {}
        for server in ("echo", "memo", "slow", None):
            async with client(router, url(group[0], server), mode) as connected:
                instructions[server or "unified"] = connected.instructions
    assert instructions["echo"] == ECHO
    assert instructions["memo"] == MEMO
    assert instructions["slow"] is None, "a server without instructions gets none invented"
    # Unified: each server's own text under its name (the prefix of its tools), in name order.
    assert instructions["unified"] == f"## echo\n\n{ECHO}\n\n## memo\n\n{MEMO}"


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_the_clients_meta_on_a_tool_call_reaches_the_upstream(mode: Mode) -> None:
    async with replicas(1, [stdio_spec("echo")]) as group:
        router = Router(group)
        meta = {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "toolUseId": "toolu_01"}
        seen: dict[str, Any] = {}
        for server, tool in (("echo", "whoami"), (None, "echo__whoami")):
            async with client(router, url(group[0], server), mode) as connected:
                answer = await _json_of(connected.call_tool(tool, {}, meta=meta))  # type: ignore[arg-type]
                seen[server or "unified"] = answer["meta"]
    for where, upstream_meta in seen.items():
        assert upstream_meta is not None, where
        # The client's keys arrive unchanged; the protocol's reserved keys are the gateway's own.
        assert {k: upstream_meta.get(k) for k in meta} == meta, (where, upstream_meta)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_a_servers_endpoint_names_the_upstream_as_it_names_itself(mode: Mode) -> None:
    async with replicas(1, [replace(stdio_spec("prompts_resources"), name="memo"), stdio_spec("echo")]) as group:
        router = Router(group)
        infos = {}
        for server in ("memo", "echo", None):
            async with client(router, url(group[0], server), mode) as connected:
                infos[server or "unified"] = connected.server_info
    memo, echo, unified = infos["memo"], infos["echo"], infos["unified"]
    assert memo is not None
    assert memo.name == "prompts_resources", "the upstream's own name, not the registered one"
    assert echo is not None
    assert (echo.name, echo.version) == ("echo", "1.0.0")
    assert unified is not None
    assert unified.name == "mcp-orch-unified", "the unified endpoint is the gateway's own"


async def _outcome(call: Awaitable[Any]) -> tuple[Any, ...]:
    """A call's visible outcome: a JSON-RPC error, or a result (its error flag and texts)."""
    try:
        result = await call
    except MCPError as exc:
        return ("error", exc.code, exc.message)
    return ("result", bool(result.is_error), [getattr(block, "text", None) for block in result.content])


async def _prompt_outcome(call: Awaitable[Any]) -> tuple[Any, ...]:
    try:
        return ("result", (await call).model_dump())
    except MCPError as exc:
        return ("error", exc.code, exc.message)


@pytest.mark.skipif(not EVERYTHING.exists(), reason="run scripts/setup (installs server-everything)")
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_an_unknown_tool_or_prompt_is_answered_by_the_server_as_it_would_directly(mode: Mode) -> None:
    direct_params = StdioServerParameters(command=str(EVERYTHING), args=["stdio"])
    async with Client(stdio_client(direct_params), cache=None, mode="legacy") as direct:
        expected = await _outcome(direct.call_tool("no_such_tool", {}))
        expected_prompt = await _prompt_outcome(direct.get_prompt("no_such_prompt", {}))
    spec = UpstreamSpec(
        server_id=uuid4(), project_id=PROJECT, name="all", transport="stdio", command=str(EVERYTHING), args=("stdio",)
    )
    async with replicas(1, [spec]) as group:
        router = Router(group)
        async with client(router, url(group[0], "all"), mode) as connected:
            through = await _outcome(connected.call_tool("no_such_tool", {}))
            through_prompt = await _prompt_outcome(connected.get_prompt("no_such_prompt", {}))
        async with client(router, url(group[0], None), mode) as unified:
            # Unified: a name with the server's prefix goes to that server; one naming no server is refused.
            prefixed = await _outcome(unified.call_tool("all__no_such_tool", {}))
            nowhere = await _outcome(unified.call_tool("nope__no_such_tool", {}))
            prefixed_prompt = await _prompt_outcome(unified.get_prompt("all__no_such_prompt", {}))
    assert expected[0] == "result", expected  # server-everything answers an isError result
    assert through == expected
    assert prefixed == expected
    assert nowhere == ("error", -32602, "Unknown tool: nope__no_such_tool")
    assert expected_prompt[0] == "error", expected_prompt
    assert through_prompt == expected_prompt
    assert prefixed_prompt == expected_prompt


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
async def test_a_clients_roots_change_reaches_its_own_upstream() -> None:
    roots = [types.Root(uri="file:///work/one", name="one")]

    async def list_roots(context: Any) -> types.ListRootsResult:
        return types.ListRootsResult(roots=roots)

    async with replicas(1, [stdio_spec("echo", isolation="per_session")]) as group:
        router = Router(group)
        async with client(router, url(group[0], "echo"), "legacy", list_roots_callback=list_roots) as connected:

            async def whoami() -> dict[str, Any]:
                return dict(await _json_of(connected.call_tool("whoami", {})))

            async def heard() -> bool:
                return (await whoami())["roots_changed"] == 1

            first = await _json_of(connected.call_tool("ask_client", {"kind": "roots"}))
            assert [root["uri"] for root in first["roots"]] == ["file:///work/one"]
            assert (await whoami())["roots_changed"] == 0
            roots.append(types.Root(uri="file:///work/two", name="two"))
            await connected.send_roots_list_changed()
            await eventually(heard, 10, "the session's upstream heard roots/list_changed")
            again = await _json_of(connected.call_tool("ask_client", {"kind": "roots"}))
            assert [root["uri"] for root in again["roots"]] == ["file:///work/one", "file:///work/two"]


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
@pytest.mark.parametrize("isolation", ["shared", "per_session"])
async def test_log_messages_reach_the_client_at_the_level_it_set(isolation: str) -> None:
    heard: list[tuple[str, Any]] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        heard.append((params.level, params.data))

    async with replicas(1, [stdio_spec("echo", isolation=isolation)]) as group:
        router = Router(group)
        async with client(router, url(group[0], "echo"), "legacy", logging_callback=on_log) as connected:
            assert connected.server_capabilities.logging is not None, "the upstream's logging capability"
            await connected.call_tool("log_message", {"level": "info", "data": "first"})
            await eventually(lambda: ("info", "first") in heard, 10, "a log message before any setLevel")
            await connected.set_logging_level("warning")
            for level in ("info", "error", "debug", "critical"):
                await connected.call_tool("log_message", {"level": level, "data": level})
            await eventually(lambda: ("critical", "critical") in heard, 10, "the last message at or above warning")
            assert heard == [("info", "first"), ("error", "error"), ("critical", "critical")]
            upstream = await _json_of(connected.call_tool("whoami", {}))
    # A session's own upstream was told the level; a shared one (everyone's) is filtered at the gateway.
    assert upstream["log_level"] == ("warning" if isolation == "per_session" else None)


@asynccontextmanager
async def _echo(isolation: str, transport: str) -> AsyncIterator[UpstreamSpec]:
    """The echo test server over stdio, or running on its own over Streamable HTTP."""
    if transport == "stdio":
        yield stdio_spec("echo", isolation=isolation)
        return
    async with remote_server("echo", transport) as remote:
        yield UpstreamSpec(
            name="echo", transport=transport, url=remote, isolation=isolation, project_id=PROJECT, server_id=uuid4()
        )


@pytest.mark.parametrize(
    ("isolation", "unified", "transport"),
    [
        ("shared", False, "stdio"),
        ("per_user", False, "stdio"),
        ("per_session", False, "stdio"),
        ("shared", True, "stdio"),
        ("shared", False, "streamable-http"),
    ],
)
async def test_a_2026_request_hears_its_calls_log_messages_at_the_level_it_asked(
    isolation: str, unified: bool, transport: str
) -> None:
    heard: list[tuple[str, Any]] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        heard.append((params.level, params.data))

    async with _echo(isolation, transport) as spec, replicas(1, [spec]) as group:
        router = Router(group)
        target = url(group[0], None if unified else "echo")
        tool = "echo__log_message" if unified else "log_message"
        async with client(router, target, "auto", logging_callback=on_log, log_level="warning") as connected:
            assert connected.protocol_version == "2026-07-28"
            for level in ("info", "error", "debug", "critical"):
                await connected.call_tool(tool, {"level": level, "data": level})
            # Each message rides its own call's response stream, so it is here when the call returns.
            assert heard == [("error", "error"), ("critical", "critical")]
        heard.clear()
        async with client(router, target, "auto", logging_callback=on_log) as quiet:  # asked for none
            await quiet.call_tool(tool, {"level": "critical", "data": "unasked"})
        assert heard == []


async def test_a_per_session_upstream_hears_its_clients_capabilities_and_name_a_shared_one_the_gateways() -> None:
    async def list_roots(context: Any) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[])

    async def sample(context: Any, params: Any) -> types.CreateMessageResult:
        return types.CreateMessageResult(role="assistant", content=types.TextContent(text="hi"), model="test")

    specs = [stdio_spec("echo", isolation="per_session"), replace(stdio_spec("echo"), name="shared")]
    seen: dict[str, Any] = {}
    async with replicas(1, specs) as group:
        router = Router(group)
        editor = {"list_roots_callback": list_roots, "sampling_callback": sample}
        info = types.Implementation(name="editor", version="9.1")
        for label, server, options in (
            ("rich", "echo", {**editor, "client_info": info}),
            ("bare", "echo", {"client_info": types.Implementation(name="cli", version="1.0")}),
            ("shared", "shared", {**editor, "client_info": info}),
        ):
            async with client(router, url(group[0], server), "legacy", **options) as connected:
                seen[label] = (await _json_of(connected.call_tool("whoami", {})))["client"]
    rich, bare, shared = seen["rich"], seen["bare"], seen["shared"]
    assert rich["info"] == {"name": "editor (via mcp-orchestrator)", "version": "9.1"}
    assert set(rich["capabilities"]) == {"roots", "sampling"}, "exactly what the client declared"
    assert bare["info"]["name"] == "cli (via mcp-orchestrator)"
    assert bare["capabilities"] == {}, "a client without roots or sampling is not offered them upstream"
    # A shared upstream serves everyone: it is told the gateway's name and nothing it cannot route.
    assert shared["info"]["name"] == "mcp-orchestrator"
    assert shared["capabilities"] == {}


@pytest.mark.parametrize("unified", [False, True])
async def test_each_per_session_client_sees_its_own_catalogue_and_nothing_of_another(unified: bool) -> None:
    async with replicas(1, [stdio_spec("list_changed", isolation="per_session")]) as group:
        router = Router(group)
        target = url(group[0], None if unified else "list-changed")
        prefix = "list-changed__" if unified else ""
        changed = anyio.Event()

        async def on_message(message: Any) -> None:
            if getattr(getattr(message, "root", message), "method", "") == "notifications/tools/list_changed":
                changed.set()

        async with (
            client(router, target, "legacy", message_handler=on_message) as mine,
            client(router, target, "legacy") as theirs,
        ):
            before = {tool.name for tool in (await theirs.list_tools()).tools}
            await mine.call_tool(f"{prefix}add_tool", {"name": "only_mine"})
            with anyio.fail_after(10):
                await changed.wait()
            own = {tool.name for tool in (await mine.list_tools()).tools}
            other = {tool.name for tool in (await theirs.list_tools()).tools}
            assert f"{prefix}only_mine" in own, "the session sees what its own upstream added"
            assert other == before, "and no other session sees it"
            answer = await mine.call_tool(f"{prefix}only_mine", {"x": 1})
            assert answer.is_error is not True

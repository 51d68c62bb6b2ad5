"""Requests through the gateway: lazy start, results passed through unchanged, errors mapped."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from backend.mcp.gateway import Gateway
from backend.mcp.types import (
    ToolDisabledError,
    UpstreamRPCError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from tests.mcp.helpers import RecordingEvents, eventually, json_of, stdio_spec, text_of

Shared = tuple[Gateway, RecordingEvents]
# Upstreams shared by the tests of this module (one process each for the whole module).
ECHO = stdio_spec("echo")
SLOW = stdio_spec("slow")
HANG = stdio_spec("hang", timeout_seconds=0.5)
PROMPTS = stdio_spec("prompts_resources")


async def test_upstream_starts_lazily_on_first_call(gateway: Gateway, events: RecordingEvents) -> None:
    spec = stdio_spec("echo")
    gateway.configure(spec)
    assert gateway.status(spec.server_id).state == "stopped"
    assert gateway.running() == []

    result = await gateway.call_tool(spec.server_id, "echo", {"a": 1, "none": None, "list": [1, None]})

    assert json_of(result) == {"a": 1, "list": [1, None], "none": None}
    status = gateway.status(spec.server_id)
    assert status.state == "running"
    assert status.pid is not None
    assert status.started_at is not None
    assert gateway.running() == [spec.server_id]
    assert events.states(spec.server_id)[:2] == ["starting", "running"]
    assert any("ready in" in line for line in events.lines(spec.server_id, "lifecycle"))


async def test_every_content_type_passes_through_unchanged(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    spec = ECHO
    gateway.configure(spec)

    everything = await gateway.call_tool(spec.server_id, "all_content", {})
    structured = await gateway.call_tool(spec.server_id, "structured", {"value": {"k": [1, 2]}})
    failed = await gateway.call_tool(spec.server_id, "fail", {"message": "nope"})

    assert [block["type"] for block in everything["content"]] == ["text", "image", "audio", "resource"]
    assert everything["content"][1]["mimeType"] == "image/png"
    assert everything["content"][3]["resource"] == {
        "uri": "echo://resource",
        "text": "embedded text",
        "mimeType": "text/plain",
    }
    assert structured["structuredContent"] == {"value": {"k": [1, 2]}}
    assert failed["isError"] is True
    assert text_of(failed) == "nope"


async def test_jsonrpc_errors_keep_code_message_and_data(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    spec = ECHO
    gateway.configure(spec)

    with pytest.raises(UpstreamRPCError) as caught:
        await gateway.call_tool(spec.server_id, "rpc_error", {"code": -32042, "message": "custom failure"})

    assert (caught.value.code, caught.value.message, caught.value.data) == (-32042, "custom failure", {"echo": True})
    # -32000 from the upstream itself is an error answer, not a lost connection.
    with pytest.raises(UpstreamRPCError) as generic:
        await gateway.call_tool(spec.server_id, "rpc_error", {"code": -32000, "message": "server error"})
    assert generic.value.code == -32000
    assert gateway.status(spec.server_id).state == "running"


async def test_reserved_meta_keys_and_foreign_progress_tokens_are_not_forwarded(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    spec = ECHO
    gateway.configure(spec)
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "progressToken": 1, "trace": "abc"}

    result = await gateway.request(spec.server_id, "tools/call", {"name": "echo", "arguments": {}, "_meta": meta})

    assert json_of(result) == {}


async def test_prompts_resources_templates_and_completion(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    spec = PROMPTS
    gateway.configure(spec)
    sid = spec.server_id

    catalogue = await gateway.catalogue(sid)
    prompt = await gateway.request(sid, "prompts/get", {"name": "greet", "arguments": {"name": "Ada"}})
    blob = await gateway.request(sid, "resources/read", {"uri": "memo://logo"})
    note = await gateway.request(sid, "resources/read", {"uri": "note://7"})
    completion = await gateway.request(
        sid,
        "completion/complete",
        {"ref": {"type": "ref/prompt", "name": "greet"}, "argument": {"name": "name", "value": "al"}},
    )

    assert catalogue.tools == ()
    assert "tools" not in catalogue.capabilities
    assert [p["name"] for p in catalogue.prompts] == ["greet", "summary"]
    assert [r["uri"] for r in catalogue.resources] == ["memo://readme", "memo://logo"]
    assert [t["uriTemplate"] for t in catalogue.resource_templates] == ["note://{id}"]
    assert catalogue.server_info["name"] == "prompts_resources"
    assert prompt["messages"][0]["content"]["text"] == "Hello, Ada!"
    assert blob["contents"][0]["blob"]
    assert note["contents"][0]["text"] == "note 7"
    assert completion["completion"]["values"] == ["alice", "albert"]


async def test_disabled_tool_is_refused_without_reaching_the_upstream(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    spec = stdio_spec("echo", disabled_tools=frozenset({"add"}))
    gateway.configure(spec)

    with pytest.raises(ToolDisabledError):
        await gateway.call_tool(spec.server_id, "add", {"a": 1, "b": 2})
    assert gateway.status(spec.server_id).state == "stopped"

    # Re-enabling a tool is not a restart-worthy change; it takes effect at once.
    gateway.configure(stdio_spec("echo", server_id=spec.server_id))
    assert text_of(await gateway.call_tool(spec.server_id, "add", {"a": 1, "b": 2})) == "3"


async def test_unknown_and_disabled_servers_are_unavailable(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    spec = stdio_spec("echo", enabled=False)
    gateway.configure(spec)

    with pytest.raises(UpstreamUnavailableError, match="disabled"):
        await gateway.call_tool(spec.server_id, "echo", {})
    with pytest.raises(UpstreamUnavailableError, match="unknown"):
        await gateway.call_tool(stdio_spec("echo").server_id, "echo", {})


async def test_progress_notifications_reach_the_caller(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    spec = SLOW
    gateway.configure(spec)
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    result = await gateway.call_tool(spec.server_id, "sleep", {"seconds": 0.3, "steps": 3}, on_progress=on_progress)

    assert text_of(result) == "slept 0.3s"
    await eventually(lambda: len(seen) == 3, 2, "three progress notifications")
    assert seen == [(1, 3, "step 1/3"), (2, 3, "step 2/3"), (3, 3, "step 3/3")]


async def test_hung_call_times_out_is_cancelled_upstream_and_the_loop_stays_responsive(shared_gateway: Shared) -> None:
    gateway, events = shared_gateway
    spec = HANG
    gateway.configure(spec)
    await gateway.call_tool(spec.server_id, "echo", {})
    lags: list[float] = []

    async def ticker() -> None:
        while True:
            before = anyio.current_time()
            await anyio.sleep(0.01)
            lags.append(anyio.current_time() - before - 0.01)

    async with anyio.create_task_group() as tg:
        tg.start_soon(ticker)
        started = anyio.current_time()
        with pytest.raises(UpstreamTimeoutError, match=r"timed out after 0\.5s"):
            await gateway.call_tool(spec.server_id, "hang", {})
        elapsed = anyio.current_time() - started
        ticks_during_hang = len(lags)
        # Other calls on the same upstream are unaffected while one hangs.
        outcomes: list[BaseException] = []

        async def hang_again() -> None:
            try:
                await gateway.call_tool(spec.server_id, "hang", {})
            except UpstreamTimeoutError as exc:
                outcomes.append(exc)

        tg.start_soon(hang_again)
        assert json_of(await gateway.call_tool(spec.server_id, "echo", {"x": 1})) == {"x": 1}
        await eventually(lambda: len(outcomes) == 1, 3, "second hang to time out")
        tg.cancel_scope.cancel()

    assert 0.5 <= elapsed < 2
    # The loop kept running while the call hung (a blocked loop would tick once, if at all); not a
    # latency bound: on a loaded machine a single tick may wait long.
    assert ticks_during_hang >= 5, lags
    await eventually(
        lambda: "hang server: call cancelled" in events.lines(spec.server_id, "stderr"), 5, "upstream cancellation"
    )
    assert gateway.status(spec.server_id).state == "running"


async def test_per_call_timeout_overrides_the_server_default(shared_gateway: Shared) -> None:
    gateway, _ = shared_gateway
    spec = SLOW
    gateway.configure(spec)
    await gateway.call_tool(spec.server_id, "pid", {})
    kwargs: dict[str, Any] = {"timeout": 0.2}

    with pytest.raises(UpstreamTimeoutError):
        await gateway.call_tool(spec.server_id, "sleep", {"seconds": 5}, **kwargs)


async def test_mcp_log_messages_land_in_the_server_log_and_reach_subscribers(shared_gateway: Shared) -> None:
    gateway, events = shared_gateway
    gateway.configure(ECHO)
    heard: list[tuple[str, dict[str, Any]]] = []

    async def subscriber(method: str, params: dict[str, Any]) -> None:
        heard.append((method, params))

    unsubscribe = gateway.subscribe(ECHO.server_id, subscriber)
    await gateway.call_tool(ECHO.server_id, "log_message", {"level": "warning", "data": "disk almost full"})

    await eventually(lambda: bool(heard), 5, "notifications/message")
    unsubscribe()
    assert heard == [("notifications/message", {"level": "warning", "data": "disk almost full", "logger": "echo"})]
    assert (ECHO.server_id, "warning", "mcp-log", "echo: disk almost full") in events.logs


async def test_answers_are_matched_by_id_even_when_results_quote_our_ids(shared_gateway: Shared) -> None:
    """stdio requests without progress skip the SDK session (backend/mcp/fastlane.py); answers are routed
    by JSON-RPC id, so results that contain our id prefix, interleaved calls and a slow call never mix."""
    gateway, _ = shared_gateway
    gateway.configure(ECHO)
    gateway.configure(SLOW)
    tricky = [{"n": n, "id": f"orch-{n + 1}", "text": f'"id":"orch-{n}"', "error": {"code": 1}} for n in range(40)]
    results: dict[int, Any] = {}

    async def call(n: int) -> None:
        results[n] = json_of(await gateway.call_tool(ECHO.server_id, "echo", tricky[n]))

    async with anyio.create_task_group() as tg:
        tg.start_soon(gateway.call_tool, SLOW.server_id, "sleep", {"seconds": 0.2, "steps": 0})
        for n in range(40):
            tg.start_soon(call, n)

    assert results == dict(enumerate(tricky))


async def test_initialized_reaches_the_upstream_before_the_first_listing(gateway: Gateway) -> None:
    """The SDK session's writes and the fast lane's share stdin in program order: a server that registers
    tools when ``notifications/initialized`` arrives has them in the first catalogue."""
    spec = stdio_spec("strict_order")
    gateway.configure(spec)

    catalogue = await gateway.catalogue(spec.server_id)
    received = json_of(await gateway.call_tool(spec.server_id, "order", {}))

    assert [tool["name"] for tool in catalogue.tools] == ["ready", "order"]
    assert received[:3] == ["initialize", "notifications/initialized", "tools/list"]

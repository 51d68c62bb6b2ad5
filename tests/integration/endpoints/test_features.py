"""What passes through the endpoints: progress, cancellation, list_changed, subscriptions, errors."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
from mcp.shared.exceptions import MCPError

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

VARIANTS = [("streamable-http", "legacy"), ("sse", "legacy"), ("streamable-http", "modern")]


@pytest.mark.parametrize(("transport", "era"), VARIANTS)
async def test_progress_is_tied_to_its_request(live: Live, transport: str, era: str) -> None:
    world = await make_world(live, small_server_body("slow", "slow"))
    for server, name in (("slow", "sleep"), (None, "slow__sleep")):
        seen: list[tuple[float, float | None, str | None]] = []

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            seen.append((progress, total, message))  # noqa: B023 - consumed within the iteration

        async with connect(world.url(server, transport), world.headers(), transport=transport, era=era) as client:  # type: ignore[arg-type]
            result = await client.call_tool(name, {"seconds": 0.3, "steps": 3}, progress_callback=on_progress)
        assert texts(result) == ["slept 0.3s"]
        assert seen == [(1, 3, "step 1/3"), (2, 3, "step 2/3"), (3, 3, "step 3/3")]


async def _server_logs(world: Any, server: str) -> str:
    r = await world.live.api.client.get(
        f"/api/projects/{world.slug}/servers/{server}/logs", headers=world.owner.headers
    )
    assert r.status_code == 200, r.text
    return r.text


@pytest.mark.parametrize(("transport", "era"), VARIANTS)
async def test_cancelling_downstream_cancels_the_upstream_call(live: Live, transport: str, era: str) -> None:
    world = await make_world(live, small_server_body("hang", "hang"))
    async with connect(world.url("hang", transport), world.headers(), transport=transport, era=era) as client:  # type: ignore[arg-type]
        with anyio.move_on_after(1.5) as scope:
            await client.call_tool("hang", {})
        assert scope.cancelled_caught
        # The session stays usable, and the upstream heard about the cancellation.
        assert texts(await client.call_tool("echo", {"after": "cancel"})) == ['{"after": "cancel"}']

    async def upstream_saw_cancel() -> bool:
        return "call cancelled" in await _server_logs(world, "hang")

    await eventually(upstream_saw_cancel, timeout=15)

    async def logged_as_cancelled() -> Any:
        r = await live.api.client.get(f"/api/projects/{world.slug}/tool-calls", headers=world.owner.headers)
        return [c for c in r.json()["items"] if c["tool"] == "hang" and c["status"] == "cancelled"]

    await eventually(logged_as_cancelled, timeout=15)


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
async def test_toggling_a_tool_sends_list_changed_and_refuses_calls(live: Live, transport: str) -> None:
    world = await make_world(live)
    notes = Notifications()
    async with connect(
        world.url("echo", transport), world.headers(), transport=transport, message_handler=notes
    ) as client:  # type: ignore[arg-type]
        assert client.server_capabilities.tools is not None
        assert client.server_capabilities.tools.list_changed is True
        assert "add" in [t.name for t in (await client.list_tools()).tools]

        async def toggle(enabled: bool) -> None:
            r = await live.api.client.patch(
                f"/api/projects/{world.slug}/servers/echo/tools/add",
                json={"enabled": enabled},
                headers=world.owner.headers,
            )
            assert r.status_code == 200, r.text

        await eventually(_catalogue_cached(world, "echo"), timeout=15)
        await toggle(False)
        await notes.wait_for("notifications/tools/list_changed")
        assert "add" not in [t.name for t in (await client.list_tools()).tools]
        with pytest.raises(MCPError) as refused:
            await client.call_tool("add", {"a": 1, "b": 2})
        assert refused.value.code == -32004
        assert "disabled" in refused.value.message
        await toggle(True)
        await notes.wait_for("notifications/tools/list_changed", count=2)
        assert texts(await client.call_tool("add", {"a": 1, "b": 2})) == ["3"]


def _catalogue_cached(world: Any, server: str) -> Any:
    async def check() -> bool:
        r = await world.live.api.client.get(
            f"/api/projects/{world.slug}/servers/{server}/catalogue", headers=world.owner.headers
        )
        # The tool itself, not the text: the server's instructions ("Use add for sums") are stored first.
        return r.status_code == 200 and "add" in [tool["name"] for tool in r.json()["tools"]]

    return check


async def test_upstream_list_changed_reaches_both_endpoints(live: Live) -> None:
    world = await make_world(live, small_server_body("dyn", "list_changed"))
    per_server, unified = Notifications(), Notifications()
    async with (
        connect(world.url("dyn"), world.headers(), message_handler=per_server) as client,
        connect(world.url(None, "sse"), world.headers(), transport="sse", message_handler=unified) as merged,
    ):
        assert [t.name for t in (await merged.list_tools()).tools] == ["dyn__add_tool"]
        await client.call_tool("add_tool", {"name": "fresh"})
        await per_server.wait_for("notifications/tools/list_changed")
        await unified.wait_for("notifications/tools/list_changed")
        assert "fresh" in [t.name for t in (await client.list_tools()).tools]
        assert "dyn__fresh" in [t.name for t in (await merged.list_tools()).tools]
        assert texts(await merged.call_tool("dyn__fresh", {"k": "v"})) == ['{"k": "v"}']


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
async def test_resource_subscriptions_deliver_updates(live: Live, transport: str) -> None:
    world = await make_world(live, small_server_body("docs", "prompts_resources"))
    notes = Notifications()
    async with connect(
        world.url(None, transport), world.headers(), transport=transport, message_handler=notes
    ) as client:  # type: ignore[arg-type]
        caps = client.server_capabilities
        assert caps.resources is not None
        assert caps.resources.subscribe is True
        assert caps.tools is None, "a view advertises only what its servers offer"
        await client.subscribe_resource("memo://readme")
        update = await notes.wait_for("notifications/resources/updated")
        assert str(update.params.uri) == "memo://readme"
        read = await client.read_resource("note://42")
        assert read.contents
        prompts = [p.name for p in (await client.list_prompts()).prompts]
        assert prompts == ["docs__greet", "docs__summary"]


@pytest.mark.parametrize(("transport", "era"), VARIANTS)
async def test_upstream_errors_keep_code_message_and_data(live: Live, transport: str, era: str) -> None:
    world = await make_world(live, echo_body())
    async with connect(world.url(None, transport), world.headers(), transport=transport, era=era) as client:  # type: ignore[arg-type]
        with pytest.raises(MCPError) as failure:
            await client.call_tool("echo__rpc_error", {"code": -32050, "message": "boom"})
        assert (failure.value.code, failure.value.message, failure.value.data) == (-32050, "boom", {"echo": True})
        failed = await client.call_tool("echo__fail", {"message": "tool said no"})
        assert failed.is_error is True
        assert texts(failed) == ["tool said no"]
        with pytest.raises(MCPError) as unknown:
            await client.call_tool("nope__missing", {})
        assert unknown.value.code == -32602
        assert "Unknown tool" in unknown.value.message


async def test_modern_clients_hear_list_changed_on_their_listen_stream(live: Live) -> None:
    world = await make_world(live)
    async with connect(world.url("echo"), world.headers(), era="modern") as client:
        assert client.protocol_version == "2026-07-28"
        assert "add" in [t.name for t in (await client.list_tools()).tools]
        await eventually(_catalogue_cached(world, "echo"), timeout=15)
        async with client.listen(tools_list_changed=True) as subscription:
            r = await live.api.client.patch(
                f"/api/projects/{world.slug}/servers/echo/tools/add",
                json={"enabled": False},
                headers=world.owner.headers,
            )
            assert r.status_code == 200, r.text
            with anyio.fail_after(15):
                async for _event in subscription:
                    break
        assert "add" not in [t.name for t in (await client.list_tools()).tools]


async def test_idle_sse_streams_carry_keepalive_comments(live: Live) -> None:
    world = await make_world(live)
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(30, read=25)) as http,
        http.stream("GET", world.url("echo", "sse"), headers=world.headers()) as stream,
    ):
        assert stream.status_code == 200
        seen = b""
        with anyio.fail_after(25):
            async for chunk in stream.aiter_bytes():
                seen += chunk
                if b": ping" in seen:
                    break
        assert seen.startswith(b"event: endpoint")

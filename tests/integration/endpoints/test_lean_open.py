"""Sessions opened without the SDK: ``initialize`` answered with the SDK's own earlier answer, the GET
stream served here, and the SDK copy started only when a request needs it (transport/welcome.py,
transport/standalone.py)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from backend.lib.runtime import runtime_of
from backend.mcp.transport.sessions import LiveSession
from tests.integration.endpoints._support import (
    ACCEPT,
    INIT,
    Live,
    Notifications,
    World,
    connect,
    eventually,
    make_world,
    texts,
)

pytestmark = pytest.mark.anyio


def _result(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC result of a JSON or SSE answer."""
    if response.headers["content-type"].startswith("application/json"):
        return dict(response.json()["result"])
    data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
    return dict(json.loads(data[-1])["result"])


def _live(world: World, session_id: str) -> LiveSession:
    endpoints = runtime_of(world.live.app).mcp_endpoints
    assert endpoints is not None
    live = endpoints.table.get(session_id)
    assert live is not None
    return live


def _init(version: str) -> dict[str, Any]:
    return {**INIT, "params": {**INIT["params"], "protocolVersion": version}}  # type: ignore[dict-item]


async def _toggle(world: World, enabled: bool) -> None:
    r = await world.live.api.client.patch(
        f"/api/projects/{world.slug}/servers/echo/tools/add", json={"enabled": enabled}, headers=world.owner.headers
    )
    assert r.status_code == 200, r.text


async def test_the_next_sessions_get_the_sdks_own_answer_without_an_sdk_copy(live: Live) -> None:
    world = await make_world(live)
    url, headers = world.url("echo"), {**world.headers(), **ACCEPT}
    async with httpx.AsyncClient(timeout=30) as http:
        for version in ("2025-06-18", "2025-03-26", "1999-01-01"):  # the last one: the SDK's latest instead
            first = await http.post(url, json=_init(version), headers=headers)
            assert first.status_code == 200, first.text
            assert first.headers["content-type"].startswith("text/event-stream")  # the SDK answered it
            assert "http" in _live(world, first.headers["mcp-session-id"]).extra
            second = await http.post(url, json=_init(version), headers=headers)
            assert second.status_code == 200, second.text
            assert second.headers["content-type"].startswith("application/json")  # answered here
            assert _result(second) == _result(first)
            assert _result(second)["protocolVersion"] == (version if version != "1999-01-01" else "2025-11-25")
            lean = _live(world, second.headers["mcp-session-id"])
            assert "http" not in lean.extra
            assert lean.caller.stats is not None
            assert (lean.caller.stats.client_name, lean.caller.stats.protocol_version) == (
                "tests",
                _result(first)["protocolVersion"],
            )
        # What the SDK would refuse still reaches it, and it answers with its own error.
        bad = await http.post(url, json={**INIT, "params": {"capabilities": {}}}, headers=headers)
        assert bad.headers["content-type"].startswith("text/event-stream")
        assert '"error"' in bad.text


async def test_a_lean_session_hears_list_changes_then_starts_its_sdk_copy_when_needed(live: Live) -> None:
    world = await make_world(live)
    async with connect(world.url("echo"), world.headers()):
        pass  # the SDK answers this view's first initialize
    notes = Notifications()
    async with connect(world.url("echo"), world.headers(), message_handler=notes) as client:
        assert texts(await client.call_tool("add", {"a": 1, "b": 2})) == ["3"]
        endpoints = runtime_of(live.app).mcp_endpoints
        assert endpoints is not None
        (lean,) = endpoints.table.all()  # the first session has ended
        assert "standalone" in lean.extra
        assert "http" not in lean.extra  # tools/call needs no SDK copy
        await eventually(lambda: _stream_open(lean), timeout=10)  # the client's GET stream, served here
        await eventually(_catalogued(world), timeout=15)
        await _toggle(world, False)
        await notes.wait_for("notifications/tools/list_changed")
        assert "add" not in [t.name for t in (await client.list_tools()).tools]

        await client.send_ping()  # not a lean method: the SDK copy starts, the stream stays
        assert "http" in lean.extra
        await _toggle(world, True)
        await notes.wait_for("notifications/tools/list_changed", count=2)
        assert texts(await client.call_tool("add", {"a": 2, "b": 2})) == ["4"]
    await eventually(lambda: _gone(world, lean), timeout=10)


def _catalogued(world: World) -> Any:
    async def check() -> bool:
        r = await world.live.api.client.get(
            f"/api/projects/{world.slug}/servers/echo/catalogue", headers=world.owner.headers
        )
        return r.status_code == 200 and "add" in r.text

    return check


async def _stream_open(live: LiveSession) -> bool:
    stream = live.extra.get("standalone")
    return stream is not None and stream.open


async def _gone(world: World, live: LiveSession) -> bool:
    endpoints = runtime_of(world.live.app).mcp_endpoints
    assert endpoints is not None
    attached = [d for d in live.view.sessions if d.caller is live.caller]
    return endpoints.table.get(live.id) is None and not attached


async def test_a_lean_sessions_stream_is_one_at_a_time_and_ends_with_the_session(live: Live) -> None:
    world = await make_world(live)
    url, headers = world.url("echo"), {**world.headers(), **ACCEPT}
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None)) as http:
        assert (await http.post(url, json=INIT, headers=headers)).status_code == 200  # learnt
        opened = await http.post(url, json=INIT, headers=headers)
        sid = opened.headers["mcp-session-id"]
        lean = _live(world, sid)
        assert "http" not in lean.extra
        session = {**world.headers(), "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18"}
        refused = await http.get(url, headers={**session, "Accept": "application/json"})
        assert refused.status_code == 406
        async with http.stream("GET", url, headers={**session, "Accept": "text/event-stream"}) as stream:
            assert stream.status_code == 200
            assert stream.headers["mcp-session-id"] == sid
            await eventually(lambda: _stream_open(lean), timeout=10)
            second = await http.get(url, headers={**session, "Accept": "text/event-stream"})
            assert second.status_code == 409
            assert lean.view.sessions  # attached: the view keeps serving it
            ended = await http.delete(url, headers=session)
            assert ended.status_code == 200
            rest = b"".join([chunk async for chunk in stream.aiter_bytes()])  # the stream ends with the session
            assert b"error" not in rest
        assert not [d for d in lean.view.sessions if d.caller is lean.caller]  # detached
        gone = await http.post(url, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, headers=session)
        assert gone.status_code == 404

"""A client that closes its response stream mid-call cancels the upstream call (Streamable HTTP).

The hang test server never answers ``hang`` and writes ``call cancelled`` to its stderr when it hears
``notifications/cancelled``. A raw HTTP client posts the call, reads the response's headers, and
closes the connection without sending any cancellation of its own: the gateway must tell the upstream.
Both protocol eras (the 2026-07-28 request needs no session; the handshake-era one runs in one).
"""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
from mcp_types import CLIENT_CAPABILITIES_META_KEY, PROTOCOL_VERSION_META_KEY

from backend.mcp.transport import wire
from tests.integration.endpoints._support import ACCEPT, INIT, Live, eventually, make_world, small_server_body

pytestmark = pytest.mark.anyio


async def _logs(world: Any) -> str:
    r = await world.live.api.client.get(f"/api/projects/{world.slug}/servers/hang/logs", headers=world.owner.headers)
    assert r.status_code == 200, r.text
    return r.text


@pytest.mark.parametrize("era", ["legacy", "modern"])
async def test_closing_the_response_stream_cancels_the_upstream_call(live: Live, era: str) -> None:
    world = await make_world(live, small_server_body("hang", "hang"))
    target = world.url("hang")
    headers = {**ACCEPT, **world.headers()}
    params: dict[str, Any] = {"name": "hang", "arguments": {}}
    async with httpx.AsyncClient(timeout=30) as http:
        if era == "modern":
            headers.update({"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "hang"})
            params["_meta"] = {PROTOCOL_VERSION_META_KEY: "2026-07-28", CLIENT_CAPABILITIES_META_KEY: {}}
        else:
            r = await http.post(target, json=INIT, headers=headers)
            assert r.status_code == 200, r.text
            headers.update({"Mcp-Session-Id": r.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"})
            await http.post(target, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
        body = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": params}
        async with http.stream("POST", target, json=body, headers=headers) as response:
            assert response.status_code == 200
            with anyio.move_on_after(1.0):  # the call is running upstream now; nothing will arrive
                async for _ in response.aiter_bytes():
                    pass
        # Leaving the block closed the connection without a word of cancellation.

    async def upstream_heard() -> bool:
        return "call cancelled" in await _logs(world)

    await eventually(upstream_heard, timeout=20)


async def test_a_slow_call_without_progress_keeps_its_stream_alive_then_answers(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A quiet call answers as JSON when quick; past the keep-alive interval it switches to an SSE
    # stream of comment lines and ends with its answer there (the lean path's guard).
    monkeypatch.setattr(wire, "KEEPALIVE_SECONDS", 0.2)
    world = await make_world(live, small_server_body("slow", "slow"))
    target = world.url("slow")
    headers = {**ACCEPT, **world.headers()}
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(target, json=INIT, headers=headers)
        assert r.status_code == 200, r.text
        headers.update({"Mcp-Session-Id": r.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"})
        await http.post(target, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
        quick = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "pid", "arguments": {}}}
        r = await http.post(target, json=quick, headers=headers)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/json")
        slow = {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "sleep", "arguments": {"seconds": 1.2}},
        }
        r = await http.post(target, json=slow, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.text.count(": ping") >= 2, r.text
    final = [line for line in r.text.splitlines() if line.startswith("data:")]
    assert len(final) == 1, r.text
    assert '"id":3' in final[0]
    assert "slept 1.2s" in final[0]

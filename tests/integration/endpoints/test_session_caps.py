"""Caps on open MCP sessions per project and per key: 429 with ``Retry-After``; closing frees the slot."""

from __future__ import annotations

import dataclasses
from contextlib import AsyncExitStack

import httpx
import pytest
from mcp.shared.exceptions import MCPError

from backend.lib.runtime import runtime_of
from backend.lib.settings import Settings
from tests.integration.endpoints._support import ACCEPT, INIT, Live, World, connect, eventually, make_world, texts

pytestmark = pytest.mark.anyio

PER_PROJECT = 3
PER_KEY = 2


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small caps: 3 sessions per project, 2 per key."""
    gateway = dataclasses.replace(settings.gateway, max_sessions_per_project=PER_PROJECT, max_sessions_per_key=PER_KEY)
    return dataclasses.replace(settings, gateway=gateway)


async def _open(http: httpx.AsyncClient, world: World, key: str) -> httpx.Response:
    return await http.post(world.url("echo"), json=INIT, headers={**ACCEPT, **world.headers(key)})


async def _close(http: httpx.AsyncClient, world: World, key: str, session_id: str) -> None:
    headers = {**world.headers(key), "Mcp-Session-Id": session_id, "MCP-Protocol-Version": "2025-06-18"}
    assert (await http.delete(world.url("echo"), headers=headers)).status_code == 200


def _assert_refused(r: httpx.Response, what: str) -> None:
    assert r.status_code == 429, r.text
    assert int(r.headers["retry-after"]) > 0
    body = r.json()
    assert body["jsonrpc"] == "2.0"
    assert what in body["error"]["message"]
    assert "open MCP sessions" in body["error"]["message"]


async def test_a_key_past_its_session_cap_gets_429_until_it_closes_one(live: Live) -> None:
    world = await make_world(live)
    other_key = (await world.new_key(name="second"))["key"]
    async with httpx.AsyncClient(timeout=30) as http:
        opened = [await _open(http, world, world.key) for _ in range(PER_KEY)]
        assert [r.status_code for r in opened] == [200] * PER_KEY
        _assert_refused(await _open(http, world, world.key), "This API key")
        # Another key of the project still may, up to the project's cap.
        assert (await _open(http, world, other_key)).status_code == 200
        third_key = (await world.new_key(name="third"))["key"]
        _assert_refused(await _open(http, world, third_key), "This project")
        # Closing a session (DELETE) frees its slot at once.
        await _close(http, world, world.key, opened[0].headers["mcp-session-id"])
        assert (await _open(http, world, world.key)).status_code == 200


async def test_sse_streams_count_and_a_closed_stream_frees_its_slot(live: Live) -> None:
    world = await make_world(live)
    endpoints = runtime_of(live.app).mcp_endpoints
    assert endpoints is not None
    url = world.url("echo", "sse")
    timeout = httpx.Timeout(30, read=None)
    streams = []  # kept referenced: a collected iterator would close its stream
    async with httpx.AsyncClient(timeout=timeout) as http, AsyncExitStack() as stack:
        for _ in range(PER_KEY):
            response = await stack.enter_async_context(http.stream("GET", url, headers=world.headers()))
            assert response.status_code == 200
            streams.append(response.aiter_bytes())
            assert b"endpoint" in await streams[-1].__anext__()  # the session is open
        assert len(endpoints.table) == PER_KEY
        r = await http.get(url, headers=world.headers())
        _assert_refused(r, "This API key")
        _assert_refused(await _open(http, world, world.key), "This API key")  # one count across transports
    # The client hung up on both streams: their slots are free.
    await eventually(lambda: _no_sessions(endpoints), timeout=10)
    async with httpx.AsyncClient(timeout=30) as http:
        assert (await _open(http, world, world.key)).status_code == 200


async def _no_sessions(endpoints: object) -> bool:
    return len(endpoints.table) == 0  # type: ignore[attr-defined]


async def test_sdk_clients_see_the_refusal_and_work_again_after_one_closes(live: Live) -> None:
    world = await make_world(live)
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(connect(world.url("echo"), world.headers())) for _ in range(PER_KEY)]
        refused = pytest.RaisesExc(MCPError, match="This API key already has 2 open MCP sessions")
        with pytest.RaisesGroup(refused, flatten_subgroups=True):
            async with connect(world.url("echo"), world.headers()):
                pass
        assert texts(await clients[0].call_tool("echo", {"still": "open"})) == ['{"still": "open"}']
    # Both clients closed their sessions on exit (DELETE): a new one works.
    async with connect(world.url("echo"), world.headers()) as client:
        assert texts(await client.call_tool("echo", {"n": 1})) == ['{"n": 1}']

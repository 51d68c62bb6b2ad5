"""Load correctness: 50 concurrent sessions, 40 calls each, through one shared upstream; nothing leaks."""

from __future__ import annotations

import gc
from typing import Any

import anyio
import pytest

from backend.lib.runtime import runtime_of
from backend.mcp.transport.sessions import LiveSession
from tests.integration.endpoints._support import Live, connect, eventually, make_world, texts

pytestmark = pytest.mark.anyio

SESSIONS = 50
CALLS = 40


async def test_fifty_sessions_each_get_their_own_replies(live: Live) -> None:
    world = await make_world(live)
    failures: list[str] = []

    async def session(n: int) -> None:
        transport = "sse" if n % 2 else "streamable-http"
        server = None if n % 5 == 0 else "echo"
        tool = "echo__echo" if server is None else "echo"
        async with connect(world.url(server, transport), world.headers(), transport=transport) as client:  # type: ignore[arg-type]
            for i in range(CALLS):
                result = await client.call_tool(tool, {"session": n, "call": i})
                expected = f'{{"call": {i}, "session": {n}}}'
                if texts(result) != [expected]:
                    failures.append(f"session {n} call {i}: {texts(result)}")

    with anyio.fail_after(300):
        async with anyio.create_task_group() as tg:
            for n in range(SESSIONS):
                tg.start_soon(session, n)
    assert failures == []

    runtime = runtime_of(live.app)
    endpoints, gateway = runtime.mcp_endpoints, runtime.gateway
    assert endpoints is not None
    assert gateway is not None

    async def drained() -> bool:
        return len(endpoints.table) == 0 and all(not v.sessions for v in endpoints.registry.views())

    await eventually(drained, timeout=20)
    server_id = world.servers["echo"]["id"]
    assert [str(s) for s in gateway.running()] == [server_id], "one shared upstream served everything"
    gc.collect()
    leaked: list[Any] = [o for o in gc.get_objects() if isinstance(o, LiveSession)]
    assert leaked == []

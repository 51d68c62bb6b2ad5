"""An upstream's ``tasks`` (2025-11-25) pass through its server's endpoint as the upstream offers them.

server-everything advertises ``tasks`` and has a task-only tool (``simulate-research-query``). The
same JSON-RPC messages go to it directly over stdio and through the gateway's per-server endpoint: the
capability, a task-augmented call's ``CreateTaskResult``, ``tasks/list``, ``tasks/get`` and
``tasks/cancel`` come back the same (task ids and times aside). The unified endpoint names task ids
by their server (test_unified_tasks).

Raw JSON-RPC on both sides: the SDK client treats tasks as types only (it validates a ``tools/call``
answer as a ``CallToolResult``), so it cannot itself make a task-augmented call.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import anyio
import pytest

from backend.mcp.types import UpstreamSpec
from tests.mcp.helpers import PROJECT
from tests.mcp.replicas import Router, replicas, url
from tests.mcp.test_fidelity import EVERYTHING

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not EVERYTHING.exists(), reason="run scripts/setup (installs server-everything)"),
]
Rpc = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
INIT = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "tasks-test", "version": "1"}}
CALL = {"name": "simulate-research-query", "arguments": {"topic": "mcp"}, "task": {"ttl": 60000}}


@asynccontextmanager
async def direct() -> AsyncIterator[tuple[Rpc, dict[str, Any]]]:
    """JSON-RPC over the server's stdio, one message a line."""
    ids = itertools.count(1)
    async with await anyio.open_process([str(EVERYTHING), "stdio"]) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        lines = anyio.streams.text.TextReceiveStream(process.stdout)
        buffer = ""

        async def rpc(method: str, params: dict[str, Any]) -> dict[str, Any]:
            nonlocal buffer
            ident = next(ids)
            message = {"jsonrpc": "2.0", "id": ident, "method": method, "params": params}
            await process.stdin.send((json.dumps(message) + "\n").encode())  # type: ignore[union-attr]
            while True:
                while "\n" not in buffer:
                    buffer += await lines.receive()
                line, buffer = buffer.split("\n", 1)
                answer = json.loads(line)
                if answer.get("id") == ident:
                    return dict(answer)

        init = await rpc("initialize", INIT)
        notice = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await process.stdin.send((json.dumps(notice) + "\n").encode())
        try:
            yield rpc, init
        finally:
            process.kill()


@asynccontextmanager
async def through(router: Router, target: str) -> AsyncIterator[tuple[Rpc, dict[str, Any]]]:
    """JSON-RPC over the gateway's Streamable HTTP endpoint (answers as JSON or one SSE event)."""
    ids = itertools.count(1)
    async with router.http() as http:
        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}

        async def rpc(method: str, params: dict[str, Any]) -> dict[str, Any]:
            ident = next(ids)
            body = {"jsonrpc": "2.0", "id": ident, "method": method, "params": params}
            r = await http.post(target, json=body, headers=headers)
            if "mcp-session-id" in r.headers:
                headers["Mcp-Session-Id"] = r.headers["mcp-session-id"]
                headers["MCP-Protocol-Version"] = "2025-11-25"
            if r.headers.get("content-type", "").startswith("application/json"):
                return dict(r.json())
            events = [json.loads(line[5:]) for line in r.text.splitlines() if line.startswith("data:")]
            return next(dict(e) for e in events if e.get("id") == ident)

        init = await rpc("initialize", INIT)
        await http.post(target, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
        yield rpc, init


async def _flow(rpc: Rpc, init: dict[str, Any]) -> dict[str, Any]:
    """The task flow on one connection; what it saw, task ids and times left out."""
    created = (await rpc("tools/call", CALL))["result"]["task"]
    listed = (await rpc("tasks/list", {}))["result"]["tasks"]
    got = (await rpc("tasks/get", {"taskId": created["taskId"]}))["result"]
    cancelled = (await rpc("tasks/cancel", {"taskId": created["taskId"]}))["result"]
    after = (await rpc("tasks/get", {"taskId": created["taskId"]}))["result"]
    return {
        "capability": init["result"]["capabilities"].get("tasks"),
        "created": (created["status"], created["ttl"], created.get("pollInterval")),
        "listed": created["taskId"] in [task["taskId"] for task in listed],
        "got": (got["taskId"] == created["taskId"], got["status"]),
        "cancelled": cancelled["status"],
        "after": after["status"],
    }


async def test_tasks_pass_through_a_servers_endpoint_as_the_upstream_offers_them() -> None:
    async with direct() as (rpc, init):
        expected = await _flow(rpc, init)
    spec = UpstreamSpec(
        server_id=uuid4(), project_id=PROJECT, name="all", transport="stdio", command=str(EVERYTHING), args=("stdio",)
    )
    async with replicas(1, [spec]) as group:
        router = Router(group)
        async with through(router, url(group[0], "all")) as (rpc, init):
            seen = await _flow(rpc, init)
    assert expected["capability"], "server-everything offers tasks"
    assert seen == expected

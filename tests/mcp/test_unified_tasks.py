"""Tasks (2025-11-25) on the unified endpoint: task ids named ``<server>__<upstream task id>``.

Two servers: server-everything (``all``, which advertises ``tasks`` and has the task-only tool
``simulate-research-query``, four one-second stages) and the echo test server (no tasks). Through the
unified endpoint, over Streamable HTTP and over SSE: the capability is the union of theirs, a
task-augmented call answers with a named task id, ``tasks/get``, ``tasks/result``, ``tasks/list`` and
``tasks/cancel`` take and give named ids (also in ``_meta`` ``io.modelcontextprotocol/related-task``),
an id naming no server is refused with -32602, and an upstream's own errors pass through. The
upstream's list pages (10 tasks) come back under the gateway's own cursor; a ``per_session`` server's
tasks are its session's own upstream's.

Raw JSON-RPC (see test_tasks_passthrough): the SDK client cannot make a task-augmented call.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin
from uuid import uuid4

import anyio
import pytest

from backend.mcp.types import Isolation, UpstreamSpec
from tests.mcp.helpers import PROJECT, eventually, stdio_spec
from tests.mcp.replicas import Replica, Router, replicas, url
from tests.mcp.test_fidelity import EVERYTHING
from tests.mcp.test_tasks_passthrough import CALL, INIT, Rpc, through

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not EVERYTHING.exists(), reason="run scripts/setup (installs server-everything)"),
]
RELATED = "io.modelcontextprotocol/related-task"
RESEARCH = {**CALL, "name": "all__simulate-research-query"}


def _specs(isolation: Isolation = "shared") -> list[UpstreamSpec]:
    everything = UpstreamSpec(
        server_id=uuid4(),
        project_id=PROJECT,
        name="all",
        transport="stdio",
        command=str(EVERYTHING),
        args=("stdio",),
        isolation=isolation,
    )
    return [everything, replace(stdio_spec("echo"), name="echo")]


@asynccontextmanager
async def over_sse(replica: Replica, target: str) -> AsyncIterator[tuple[Rpc, dict[str, Any]]]:
    """JSON-RPC over the gateway's legacy SSE endpoint: posts to its messages URL, answers on the stream."""
    ids = itertools.count(1)
    endpoint: list[str] = []
    answers: dict[int, dict[str, Any]] = {}
    async with Router([replica]).http() as http, anyio.create_task_group() as tg:

        async def read() -> None:
            async with http.stream("GET", target, headers={"Accept": "text/event-stream"}) as response:
                event = ""
                async for line in response.aiter_lines():
                    if line.startswith("event:"):
                        event = line[len("event:") :].strip()
                    elif line.startswith("data:") and event == "endpoint":
                        endpoint.append(line[len("data:") :].strip())
                    elif line.startswith("data:"):
                        message = json.loads(line[len("data:") :])
                        if "id" in message:
                            answers[message["id"]] = message

        tg.start_soon(read)
        await eventually(lambda: bool(endpoint), 10, "the endpoint event")
        messages = urljoin(target, endpoint[0])

        async def rpc(method: str, params: dict[str, Any]) -> dict[str, Any]:
            ident = next(ids)
            posted = await http.post(messages, json={"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
            assert posted.status_code == 202, posted.text
            await eventually(lambda: ident in answers, 30, f"the answer to {method}")
            return answers.pop(ident)

        init = await rpc("initialize", INIT)
        await http.post(messages, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
        try:
            yield rpc, init
        finally:
            tg.cancel_scope.cancel()


@asynccontextmanager
async def connect(replica: Replica, transport: str) -> AsyncIterator[tuple[Rpc, dict[str, Any]]]:
    """A handshake-era session on the unified endpoint over ``transport``."""
    if transport == "sse":
        async with over_sse(replica, url(replica, None, "sse")) as pair:
            yield pair
    else:
        async with through(Router([replica]), url(replica, None)) as pair:
            yield pair


async def _create(rpc: Rpc, call: dict[str, Any] = RESEARCH) -> str:
    answer = await rpc("tools/call", call)
    assert "result" in answer, answer
    task_id = answer["result"]["task"]["taskId"]
    assert isinstance(task_id, str)
    return task_id


async def _own_capability(replica: Replica) -> Any:
    """What server-everything advertises on its own endpoint (the union's only part: echo has none)."""
    async with through(Router([replica]), url(replica, "all")) as (_, init):
        return init["result"]["capabilities"]["tasks"]


@pytest.mark.parametrize("transport", ["streamable-http", "sse"])
async def test_unified_tasks_carry_the_server_in_their_id(transport: str) -> None:
    async with replicas(1, _specs()) as group:
        own = await _own_capability(group[0])
        async with connect(group[0], transport) as (rpc, init):
            assert own
            assert init["result"]["capabilities"]["tasks"] == own
            task_id = await _create(rpc)
            upstream_id = task_id.removeprefix("all__")
            assert task_id.startswith("all__")
            assert upstream_id
            assert "__" not in upstream_id

            got = (await rpc("tasks/get", {"taskId": task_id}))["result"]
            assert (got["taskId"], got["status"]) == (task_id, "working")
            listed = (await rpc("tasks/list", {}))["result"]
            assert [t["taskId"] for t in listed["tasks"]] == [task_id]
            assert "nextCursor" not in listed

            result = (await rpc("tasks/result", {"taskId": task_id}))["result"]  # waits for the 4 stages
            assert "# Research Report: mcp" in result["content"][0]["text"]
            assert result["_meta"][RELATED] == {"taskId": task_id}
            done = (await rpc("tasks/get", {"taskId": task_id}))["result"]
            assert (done["taskId"], done["status"]) == (task_id, "completed")

            second = await _create(rpc)
            cancelled = (await rpc("tasks/cancel", {"taskId": second}))["result"]
            assert (cancelled["taskId"], cancelled["status"]) == (second, "cancelled")
            finished = await rpc("tasks/cancel", {"taskId": task_id})  # the upstream's own refusal
            assert finished["error"]["code"] == -32602
            assert "completed" in finished["error"]["message"]

            for unknown in (upstream_id, f"nope__{upstream_id}", f"al__{upstream_id}"):
                refused = await rpc("tasks/get", {"taskId": unknown})
                assert refused["error"] == {"code": -32602, "message": f"Unknown task: {unknown}"}
            not_offered = await rpc("tasks/get", {"taskId": f"echo__{upstream_id}"})  # echo has no tasks
            assert not_offered["error"]["code"] == -32601


async def test_unified_tasks_list_pages_with_the_gateways_own_cursor() -> None:
    async with replicas(1, _specs()) as group, connect(group[0], "streamable-http") as (rpc, _):
        created = [await _create(rpc) for _ in range(12)]  # the upstream pages its list by 10
        assert all(task_id.startswith("all__") for task_id in created)
        first = (await rpc("tasks/list", {}))["result"]
        cursor = first["nextCursor"]
        second = (await rpc("tasks/list", {"cursor": cursor}))["result"]
        assert [t["taskId"] for t in first["tasks"]] == created[:10]
        assert [t["taskId"] for t in second["tasks"]] == created[10:]
        assert "nextCursor" not in second
        direct = await rpc("tasks/list", {"cursor": created[9].removeprefix("all__")})  # the upstream's own
        assert direct["error"]["code"] == -32602
        assert direct["error"]["message"] == "Invalid params"


async def test_a_per_session_servers_tasks_are_its_sessions_own() -> None:
    async with (
        replicas(1, _specs("per_session")) as group,
        connect(group[0], "streamable-http") as (mine, _),
        connect(group[0], "sse") as (other, _),
    ):
        task_id = await _create(mine)
        theirs = await _create(other)
        assert (await mine("tasks/get", {"taskId": task_id}))["result"]["status"] == "working"
        assert [t["taskId"] for t in (await mine("tasks/list", {}))["result"]["tasks"]] == [task_id]
        assert [t["taskId"] for t in (await other("tasks/list", {}))["result"]["tasks"]] == [theirs]
        unseen = await other("tasks/get", {"taskId": task_id})  # another upstream: it never heard of it
        assert unseen["error"]["code"] == -32602
        assert "not found" in unseen["error"]["message"].lower()

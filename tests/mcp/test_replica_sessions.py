"""Sessions without affinity: any replica serves any request of any MCP session.

Two or three ``McpEndpoints`` in one process, each with its own gateway and real upstream
processes, joined by a ``LocalRelayHub``, each on its own port; real SDK clients whose requests
a router spreads over the replicas.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any
from uuid import UUID

import anyio
import httpx2
import mcp_types as types
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from sqlalchemy import select

from backend.config import alchemy_config
from backend.db import models as m
from backend.domain.endpoints.journal import DbSessionJournal
from backend.lib.settings import Settings
from backend.mcp.transport.ports import SessionJournal
from tests.integration.endpoints._support import ACCEPT, INIT
from tests.mcp.helpers import eventually, stdio_spec, text_of
from tests.mcp.replicas import KEY, OTHER_KEY, Replica, Router, replicas, url

pytestmark = pytest.mark.anyio


def texts(result: Any) -> list[str]:
    return [block.text for block in result.content if getattr(block, "type", None) == "text"]


@asynccontextmanager
async def client_on(router: Router, target: str, *, key: str = KEY, **options: Any) -> AsyncIterator[Client]:
    """An SDK client (handshake era unless ``mode`` says otherwise) whose requests go through ``router``."""
    options.setdefault("mode", "legacy")
    async with (
        router.http(key) as http,
        Client(streamable_http_client(target, http_client=http), cache=None, **options) as client,
    ):
        yield client


def sid_of(replica: Replica, router: Router) -> str:
    """The short id of the one session the router has seen."""
    tokens = set(router.session_ids)
    assert len(tokens) == 1, tokens
    claims = replica.endpoints.continuity.tokens.read(tokens.pop())
    assert claims is not None
    return claims.sid


async def raw(router: Router, method: str, target: str, body: Any = None, **extra: str) -> httpx2.Response:
    async with router.http() as http:
        return await http.request(method, target, json=body, headers={**ACCEPT, **extra})


async def test_a_session_whose_requests_alternate_between_replicas_answers_every_call() -> None:
    specs = [stdio_spec("echo"), replace(stdio_spec("prompts_resources"), name="memo")]
    async with replicas(3, specs) as group:
        router = Router(group)
        async with client_on(router, url(group[0], None)) as client:
            for _ in range(2):
                assert len((await client.list_tools()).tools) > 5
                assert texts(await client.call_tool("echo__add", {"a": 2, "b": 3})) == ["5"]
                assert json.loads(texts(await client.call_tool("echo__echo", {"x": [1]}))[0]) == {"x": [1]}
                assert [r.uri for r in (await client.list_resources()).resources] == ["memo://readme", "memo://logo"]
                assert (await client.read_resource("memo://readme")).contents
                assert {p.name for p in (await client.list_prompts()).prompts} == {"memo__greet", "memo__summary"}
                prompt = await client.get_prompt("memo__greet", {"name": "Ada"})
                assert prompt.messages[0].content.text == "Hello, Ada!"  # type: ignore[union-attr]
                await client.send_ping()
            sid = sid_of(group[0], router)
            assert {index for method, index in router.served if method == "POST"} == {0, 1, 2}
            for replica in group:  # every replica served it: the two that did not open it adopted it
                live = replica.endpoints.table.by_sid(sid)
                assert live is not None
                assert live.ready
        assert not any(replica.holds(sid) for replica in group)  # the DELETE ended it everywhere


async def test_2026_era_requests_work_on_any_replica() -> None:
    async with replicas(2, [stdio_spec("echo")]) as group:
        router = Router(group)
        async with client_on(router, url(group[0], "echo"), mode="auto") as client:
            for n in range(4):
                assert texts(await client.call_tool("add", {"a": n, "b": 1})) == [str(n + 1)]
        assert {index for _, index in router.served} == {0, 1}
        assert not router.session_ids


async def test_a_per_session_server_is_served_by_the_replica_that_opened_the_session() -> None:
    spec = stdio_spec("echo", isolation="per_session")

    async def sampling(context: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        return types.CreateMessageResult(role="assistant", content=types.TextContent(text="from me"), model="m")

    async with replicas(2, [spec]) as group:
        router = Router(group)
        async with client_on(router, url(group[0], "echo"), sampling_callback=sampling) as client:
            pids = {text_of((await client.call_tool("pid", {})).model_dump()) for _ in range(6)}
            assert len(pids) == 1  # one upstream process: the session's own, on its owner
            # A server→client request on a forwarded call, answered by a POST to the other replica.
            for _ in range(2):
                answer = json.loads(texts(await client.call_tool("ask_client", {"kind": "sampling"}))[0])
                assert answer["content"]["text"] == "from me"
            sid = sid_of(group[0], router)
            owner = next(r for r in group if r.holds(sid))
            assert [r.holds(sid) for r in group].count(True) == 1
            assert {index for method, index in router.served if method == "POST"} == {0, 1}
            assert group.index(owner) == router.served[0][1]  # the replica that answered initialize


async def test_a_get_stream_of_a_pinned_session_is_relayed_from_its_owner() -> None:
    spec = stdio_spec("list_changed", isolation="per_session")
    heard: list[str] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, types.ServerNotification | types.ToolListChangedNotification):
            heard.append(getattr(message, "method", ""))

    async with replicas(2, [spec]) as group:
        router = Router(group)
        # Everything on replica 0 except the GET stream, which lands on replica 1.
        router.choose = lambda request: 1 if request.method == "GET" else 0
        async with client_on(router, url(group[0], "list-changed"), message_handler=on_message) as client:
            await eventually(lambda: ("GET", 1) in router.served, 10, "the GET stream on replica 1")
            await client.call_tool("add_tool", {"name": "fresh"})
            await eventually(lambda: "notifications/tools/list_changed" in heard, 10, "list_changed via the relay")
            assert "fresh" in {t.name for t in (await client.list_tools()).tools}
            sid = sid_of(group[0], router)
            assert group[0].holds(sid)
            assert not group[1].holds(sid)


async def test_legacy_sse_with_the_stream_on_one_replica_and_the_posts_on_another() -> None:
    async with replicas(2, [stdio_spec("echo")]) as group:
        router = Router(group)
        router.choose = lambda request: 0 if request.method == "GET" else 1

        def factory(headers: Any = None, timeout: Any = None, auth: Any = None) -> httpx2.AsyncClient:
            return router.http()

        stream = sse_client(url(group[0], "echo", "sse"), httpx_client_factory=factory, timeout=10)
        async with Client(stream, mode="legacy", cache=None) as client:
            for n in range(3):
                assert texts(await client.call_tool("add", {"a": n, "b": n})) == [str(2 * n)]
            assert "echo" in {t.name for t in (await client.list_tools()).tools}
        assert {index for method, index in router.served if method == "POST"} == {1}
        assert ("GET", 0) in router.served


async def test_a_pinned_session_ends_with_session_not_found_when_its_owner_is_gone() -> None:
    async with replicas(2, [stdio_spec("echo", isolation="per_session")]) as group:
        router = Router(group)
        router.choose = lambda request: 0 if _is_initialize(request) else None
        async with client_on(router, url(group[0], "echo")) as client:
            assert texts(await client.call_tool("add", {"a": 1, "b": 1})) == ["2"]
            group[0].hub.leave(group[0].relay.replica_id)  # replica 0 stops answering the bus
            router.up = [1]
            router.choose = None
            with anyio.fail_after(10), pytest.raises(MCPError, match="Session not found"):
                await client.call_tool("add", {"a": 1, "b": 1})


async def test_an_owner_that_does_not_answer_means_session_not_found_after_the_ack_timeout() -> None:
    async with replicas(2, [stdio_spec("echo", isolation="per_session")]) as group:
        router = Router(group)
        router.choose = lambda request: 0
        async with client_on(router, url(group[0], "echo")) as client:
            assert texts(await client.call_tool("add", {"a": 1, "b": 1})) == ["2"]
            forwarder = group[0].endpoints.forwarder
            assert forwarder is not None
            forwarder.bind(None)  # alive on the bus, but serves nothing forwarded to it
            router.choose = lambda request: 1
            clock = anyio.current_time()
            with pytest.raises(MCPError, match="Session not found"):
                await client.call_tool("add", {"a": 1, "b": 1})
            assert 1.5 < anyio.current_time() - clock < 10  # the replicas' ack timeout is 2 s
            router.choose = lambda request: 0


async def test_a_shared_session_survives_the_replica_that_opened_it() -> None:
    async with replicas(2, [stdio_spec("echo")]) as group:
        router = Router(group)
        router.choose = lambda request: 0 if _is_initialize(request) else None
        async with client_on(router, url(group[0], "echo")) as client:
            assert texts(await client.call_tool("add", {"a": 1, "b": 2})) == ["3"]
            assert texts(await client.call_tool("add", {"a": 2, "b": 2})) == ["4"]
            sid = sid_of(group[0], router)
            assert group[0].holds(sid)
            await group[0].stop()
            router.up = [1]
            router.choose = None
            for n in range(4):
                assert texts(await client.call_tool("add", {"a": n, "b": 10})) == [str(n + 10)]
            assert group[1].holds(sid)


@pytest.mark.parametrize("deleter", [0, 2], ids=["on-the-opener", "on-a-replica-without-a-copy"])
async def test_delete_on_one_replica_ends_the_session_on_every_replica(deleter: int) -> None:
    async with replicas(3, [stdio_spec("echo")]) as group:
        router = Router(group)
        target = url(group[0], "echo")
        router.choose = lambda request: 0
        opened = await raw(router, "POST", target, INIT)
        assert opened.status_code == 200
        session = {"Mcp-Session-Id": opened.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
        listing = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
        router.choose = lambda request: 1
        assert (await raw(router, "POST", target, listing, **session)).status_code == 200
        sid = sid_of(group[0], router)
        assert group[0].holds(sid)
        assert group[1].holds(sid)
        router.choose = lambda request: deleter
        assert (await raw(router, "DELETE", target, **session)).status_code == 200
        await eventually(lambda: not any(r.holds(sid) for r in group), 5, "every copy dropped")
        for index in (0, 1, 2):
            router.choose = lambda request, index=index: index  # type: ignore[misc]
            gone = await raw(router, "POST", target, listing, **session)
            assert gone.status_code == 404
            assert gone.json()["error"]["message"] == "Session not found"


async def test_a_valid_session_id_needs_its_own_credential_view_and_integrity() -> None:
    async with replicas(2, [stdio_spec("echo"), replace(stdio_spec("echo"), name="other")]) as group:
        router = Router(group)
        target = url(group[0], "echo")
        router.choose = lambda request: 0
        opened = await raw(router, "POST", target, INIT)
        token = opened.headers["mcp-session-id"]
        listing = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
        version = {"MCP-Protocol-Version": "2025-06-18"}
        tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
        router.choose = lambda request: 1
        cases = [
            (target, token, OTHER_KEY),  # another key of the same project
            (url(group[0], "other"), token, KEY),  # another view
            (target, tampered, KEY),  # not issued by a replica
            (target, "1" + token[2:], KEY),
        ]
        for where, session_id, key in cases:
            async with router.http(key) as http:
                answer = await http.post(
                    where, json=listing, headers={**ACCEPT, **version, "Mcp-Session-Id": session_id}
                )
            assert answer.status_code == 404, (where, key)
            assert answer.json()["error"]["message"] == "Session not found"
        assert not group[1].endpoints.table.all()
        answer = await raw(router, "POST", target, listing, **version, **{"Mcp-Session-Id": token})
        assert answer.status_code == 200  # the right key, view and id still work there


def _is_initialize(request: httpx2.Request) -> bool:
    return request.method == "POST" and b'"initialize"' in request.content


async def test_the_journal_counts_every_replica_and_refuses_a_session_ended_elsewhere(
    api: Any, settings: Settings, database: Any
) -> None:
    owner = await api.user()
    project = await api.project(owner)
    project_id = UUID(project["id"])
    created = await api.client.post(
        f"/api/projects/{project['slug']}/api-keys", json={"name": "k"}, headers=owner.headers
    )
    key_ids = {KEY: UUID(created.json()["id"])}
    alchemy = alchemy_config(settings, database.url)  # on this test's event loop
    journals: list[SessionJournal | None] = [DbSessionJournal(alchemy) for _ in range(3)]

    async def flush() -> None:
        for journal in journals:
            assert isinstance(journal, DbSessionJournal)
            await journal.flush()

    specs = [stdio_spec("echo", project_id=project_id)]
    async with replicas(3, specs, project_id=project_id, journals=journals, key_ids=key_ids) as group:  # type: ignore[arg-type]
        router = Router(group)
        target = url(group[0], "echo")
        group[2].hub.leave(group[2].relay.replica_id)  # replica 2 will not hear the end on the bus
        router.choose = lambda request: 0
        opened = await raw(router, "POST", target, INIT)
        session = {"Mcp-Session-Id": opened.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
        call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "add", "arguments": {"a": 1}}}
        for index, calls in ((0, 2), (1, 3)):
            router.choose = lambda request, index=index: index  # type: ignore[misc]
            for _ in range(calls):
                assert (await raw(router, "POST", target, call, **session)).status_code == 200
            await flush()
        sid = sid_of(group[0], router)
        row = await _row(alchemy, sid)
        assert (row.calls, row.ended_at, row.client_name) == (5, None, "tests")
        router.choose = lambda request: 1
        assert (await raw(router, "DELETE", target, **session)).status_code == 200
        await flush()
        assert (await _row(alchemy, sid)).ended_at is not None
        assert not group[0].holds(sid)
        router.choose = lambda request: 2
        gone = await raw(router, "POST", target, call, **session)
        assert gone.status_code == 404  # the journal says it ended
        assert not group[2].holds(sid)
    await alchemy.get_engine().dispose()


async def _row(alchemy: Any, sid: str) -> Any:
    async with alchemy.get_session() as session:
        return (await session.execute(select(m.ClientSession).where(m.ClientSession.session_id == sid))).scalar_one()

"""Concurrent first requests of one session on a replica that does not hold it: one copy, initialised first.

Seen with the Inspector behind round-robin nginx (its GET stream and next POST land on the same
replica together): the request that checked the session journal more slowly adopted the session a
second time and replaced the copy the other was served by; and a request that found a copy still
replaying the client's handshake reached it before ``initialize`` (a 500, or "Invalid request
parameters" from the SDK's initialisation gate).
"""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from backend.mcp.transport.ports import Access, SessionRecord
from backend.mcp.transport.sessions import LiveSession, SessionTable
from tests.integration.endpoints._support import ACCEPT, INIT
from tests.mcp.helpers import stdio_spec
from tests.mcp.replicas import Router, replicas, url

pytestmark = pytest.mark.anyio


class SlowJournal:
    """A session journal whose second ``has_ended`` answers after the first adoption; it counts adoptions."""

    def __init__(self) -> None:
        self.adoptions: list[str] = []
        self.checks = 0
        self.table: SessionTable | None = None  # the replica's table, to see when its copy is ready
        self._adopted = anyio.Event()

    def opened(self, record: SessionRecord) -> None:
        """Nothing to keep."""

    def adopted(self, record: SessionRecord) -> None:
        """Counted: the test asserts one."""
        self.adoptions.append(record.session_id)
        self._adopted.set()

    def closed(self, record: SessionRecord) -> None:
        """Nothing to keep."""

    def ended(self, session_id: str) -> None:
        """Nothing to keep."""

    async def has_ended(self, session_id: str, idle_seconds: float) -> bool:
        """Never ended; the second check answers once the first request has adopted the session."""
        self.checks += 1
        if self.checks == 2:
            with anyio.fail_after(20):
                await self._adopted.wait()  # the copy is in the table
                assert self.table is not None
                copy = self.table.by_sid(session_id)
                if copy is not None and copy.adopted is not None:
                    await copy.adopted.wait()  # and has replayed the handshake: that adoption is over
        return False

    async def open_counts(self, access: Access, idle_seconds: float) -> tuple[int, int]:
        """No other sessions."""
        return 0, 0


async def _post(http: httpx2.AsyncClient, target: str, body: object, **extra: str) -> httpx2.Response:
    return await http.post(target, json=body, headers={**ACCEPT, **extra})


async def test_two_requests_racing_to_adopt_a_session_share_one_copy() -> None:
    journal = SlowJournal()
    async with replicas(2, [stdio_spec("echo")], journals=[None, journal]) as group:
        journal.table = group[1].endpoints.table
        router = Router(group)
        http = router.http()  # one client: closing a client closes the router under the other
        target = url(group[0], "echo")
        router.choose = lambda request: 0
        opened = await _post(http, target, INIT)
        assert opened.status_code == 200, opened.text
        session = {"Mcp-Session-Id": opened.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
        router.choose = lambda request: 1
        answers: dict[int, httpx2.Response] = {}

        async def call(n: int) -> None:
            body = {"jsonrpc": "2.0", "id": 10 + n, "method": "tools/call"}
            body["params"] = {"name": "add", "arguments": {"a": n, "b": 1}}
            answers[n] = await _post(http, target, body, **session)

        async with anyio.create_task_group() as tg:
            for n in range(2):
                tg.start_soon(call, n)
        assert journal.checks == 2  # both requests found the session unheld and checked the journal
        assert len(journal.adoptions) == 1, journal.adoptions
        for n, answer in answers.items():
            assert answer.status_code == 200, answer.text
            assert str(n + 1) in answer.text
        # The one copy keeps serving the session.
        again = await _post(http, target, {"jsonrpc": "2.0", "id": 20, "method": "tools/list"}, **session)
        assert again.status_code == 200
        assert '"add"' in again.text
        await http.aclose()


async def test_a_request_reaching_a_copy_still_being_adopted_waits_for_its_handshake() -> None:
    async with replicas(2, [stdio_spec("echo")]) as group:
        hub = group[1].endpoints.streamable
        entered, release = anyio.Event(), anyio.Event()
        start = hub._start

        async def paused_start(live: LiveSession, server: Any, *, adopted: bool = False, register: bool = True) -> bool:
            """The copy is in the table and its server loop runs; the handshake replay waits."""
            ok = await start(live, server, adopted=adopted, register=register)
            entered.set()
            await release.wait()
            return ok

        hub._start = paused_start  # type: ignore[method-assign]
        router = Router(group)
        http = router.http()
        target = url(group[0], "echo")
        router.choose = lambda request: 0
        opened = await _post(http, target, INIT)
        session = {"Mcp-Session-Id": opened.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
        router.choose = lambda request: 1
        answers: list[httpx2.Response] = []

        async def call(n: int) -> None:
            body = {"jsonrpc": "2.0", "id": 10 + n, "method": "tools/call"}
            body["params"] = {"name": "add", "arguments": {"a": n, "b": 1}}
            answers.append(await _post(http, target, body, **session))

        async with anyio.create_task_group() as tg:
            tg.start_soon(call, 0)
            await entered.wait()  # the first request's copy is in the table, not initialised yet
            tg.start_soon(call, 1)
            await anyio.sleep(0.5)
            assert answers == [], "nothing is answered before the handshake was replayed"
            release.set()
        assert len(answers) == 2
        for answer in answers:
            assert answer.status_code == 200, answer.text
            assert '"isError":false' in answer.text.replace(" ", ""), answer.text
        await http.aclose()

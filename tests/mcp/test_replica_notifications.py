"""A session copy's own notifications reach the client's GET stream on another replica, once.

The client's GET stream is open on one replica; its ``resources/subscribe`` lands on another,
whose adopted copy holds the subscription and hears the upstream's update. That copy has no GET
stream: the update travels over the relay to the replica that has it. Notifications every copy
emits for itself (``list_changed``) are not relayed, so the client hears them once.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import anyio
import httpx2
import pytest

from tests.integration.endpoints._support import ACCEPT, INIT
from tests.mcp.helpers import eventually, stdio_spec
from tests.mcp.replicas import Replica, Router, replicas, url

pytestmark = pytest.mark.anyio

UPDATED = "notifications/resources/updated"
TOOLS_CHANGED = "notifications/tools/list_changed"


class GetStream:
    """The client's standalone SSE stream: every JSON-RPC message it carried, in order."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.status = 0
        self.opened = anyio.Event()

    def methods(self, method: str) -> list[dict[str, Any]]:
        """The messages of one method received so far."""
        return [m for m in self.messages if m.get("method") == method]

    async def read(self, http: httpx2.AsyncClient, target: str, session: dict[str, str]) -> None:
        """Open the stream and record what arrives until cancelled."""
        async with http.stream("GET", target, headers={"Accept": "text/event-stream", **session}) as response:
            self.status = response.status_code
            self.opened.set()
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    self.messages.append(json.loads(line[len("data:") :]))


@asynccontextmanager
async def get_stream(http: httpx2.AsyncClient, target: str, session: dict[str, str]) -> AsyncIterator[GetStream]:
    """A GET stream read in the background for the duration of the block."""
    stream = GetStream()
    async with anyio.create_task_group() as tg:
        tg.start_soon(stream.read, http, target, session)
        with anyio.fail_after(10):
            await stream.opened.wait()
        assert stream.status == 200
        try:
            yield stream
        finally:
            tg.cancel_scope.cancel()


async def _post(http: httpx2.AsyncClient, target: str, body: object, **extra: str) -> httpx2.Response:
    return await http.post(target, json=body, headers={**ACCEPT, **extra})


def _sid(replica: Replica, token: str) -> str:
    claims = replica.endpoints.continuity.tokens.read(token)
    assert claims is not None
    return claims.sid


async def test_an_update_heard_by_the_copy_that_subscribed_reaches_the_get_stream_elsewhere_once() -> None:
    async with replicas(2, [replace(stdio_spec("prompts_resources"), name="memo")]) as group:
        router = Router(group)
        http = router.http()  # one client for every request: closing a client closes the router
        target = url(group[0], "memo")
        router.choose = lambda request: 0
        opened = await _post(http, target, INIT)
        assert opened.status_code == 200, opened.text
        token = opened.headers["mcp-session-id"]
        session = {"Mcp-Session-Id": token, "MCP-Protocol-Version": "2025-06-18"}
        initialized = await _post(http, target, {"jsonrpc": "2.0", "method": "notifications/initialized"}, **session)
        assert initialized.status_code == 202, initialized.text
        sid = _sid(group[0], token)

        async with get_stream(http, target, session) as stream:
            original = group[0].endpoints.table.by_sid(sid)
            assert original is not None
            assert original.open_streams == 1
            await anyio.sleep(0.2)  # the SDK transport registers the stream as its response starts
            router.choose = lambda request: 1
            subscribe = {"jsonrpc": "2.0", "id": 2, "method": "resources/subscribe"}
            subscribe["params"] = {"uri": "memo://readme"}
            subscribed = await _post(http, target, subscribe, **session)
            assert subscribed.status_code == 200, subscribed.text
            assert '"result"' in subscribed.text, subscribed.text
            copy = group[1].endpoints.table.by_sid(sid)
            assert copy is not None  # adopted there; the GET stream is on replica 0
            assert copy.open_streams == 0

            await eventually(lambda: bool(stream.methods(UPDATED)), 5, "the update on the GET stream")
            await anyio.sleep(0.5)  # a second delivery would have arrived by now
            assert [m["params"] for m in stream.methods(UPDATED)] == [{"uri": "memo://readme"}]

            # A catalogue change reaches every replica, and each view tells its own copies: the copy
            # with the GET stream delivers it, the other drops it (not relayed, not duplicated).
            for replica in group:
                for view in replica.endpoints.registry.views():
                    await view.broadcast(TOOLS_CHANGED)
            await eventually(lambda: bool(stream.methods(TOOLS_CHANGED)), 5, "list_changed on the GET stream")
            await anyio.sleep(0.5)
            assert len(stream.methods(TOOLS_CHANGED)) == 1, stream.messages
            assert len(stream.methods(UPDATED)) == 1, stream.messages
        await http.aclose()

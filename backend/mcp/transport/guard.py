"""Watching a slow lean request: its client's connection (a disconnect cancels the call) and its SSE keep-alive.

A quick request needs neither (see :func:`backend.mcp.transport.fastpath.serve_streamable`): a
:class:`Guard` starts only once a call has run for :data:`GUARD_AFTER`.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from starlette.types import Receive, Send

from backend.mcp.transport import wire

GUARD_AFTER = 0.05  # seconds a quiet call runs before its connection is watched


class Call(Protocol):
    """A running call as the guard sees it: a task, or a request's :class:`~backend.mcp.transport.fastpath.Running`."""

    def done(self) -> bool:
        """The call has ended."""
        ...

    def cancel(self) -> object:
        """Cancel the call."""
        ...


class Guard:
    """Watches a slow call's connection (a disconnect cancels it) and keeps its SSE stream alive."""

    def __init__(self, call: Call, send: Send, headers: wire.Headers, receive: Receive | None, *, sse: bool) -> None:
        self.call, self.send, self.headers, self.receive, self.sse = call, send, headers, receive, sse
        self.committed = False
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """From the timer: the call is slow, start guarding it."""
        if not self.call.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        watcher = asyncio.ensure_future(cancel_on_disconnect(self.receive, self.call)) if self.receive else None
        try:
            while self.sse:
                await asyncio.sleep(wire.KEEPALIVE_SECONDS)
                if not self.committed:
                    headers = [*wire.SSE_HEADERS, *self.headers]
                    await self.send({"type": "http.response.start", "status": 200, "headers": headers})
                    self.committed = True
                await self.send({"type": "http.response.body", "body": wire.PING, "more_body": True})
            if watcher is not None:
                await watcher
        finally:
            if watcher is not None:
                watcher.cancel()

    async def stop(self) -> bool:
        """Stop guarding (no send of ours is under way afterwards); True when the SSE stream was started."""
        if self.task is not None:
            self.task.cancel()
            await asyncio.wait((self.task,))
        return self.committed


async def cancel_on_disconnect(receive: Receive, task: Call) -> None:
    """Cancel the call when the client closes the connection (its request body was read before)."""
    while (await receive())["type"] != "http.disconnect":
        pass
    task.cancel()

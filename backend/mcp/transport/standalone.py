"""The GET stream of a session opened without the SDK (see :mod:`welcome`), served here.

A handshake-era client opens a GET stream for what the server sends outside any request (here:
``notifications/*/list_changed`` and, once subscribed, ``notifications/resources/updated``). A session
whose view never asks its client anything (no ``per_session`` or ``per_user`` servers) needs no SDK
for that: :class:`StandaloneStream` is both the session's :class:`~backend.mcp.proxy.model.Notifier`
(its ``Downstream`` is attached to the view at ``initialize``) and the response of its GET, with the
SDK transport's behaviour (406 without ``text/event-stream``, 409 for a second stream, keep-alive
comment lines). Without an open stream, notifications are dropped, as the SDK drops them.

When a request later needs the SDK (a method outside the lean path), the session's SDK copy writes
through :class:`StandaloneRouting`: what the SDK would put on its own GET stream goes to this one
while it is open, so the client's stream keeps working across the switch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from mcp.shared.message import SessionMessage
from mcp_types import JSONRPCNotification, JSONRPCRequest
from starlette.types import Receive, Send

from backend.mcp.transport import wire
from backend.mcp.transport.notices import Outbox, WriteStreamWrapper, unrelated

CONFLICT = "Conflict: Only one SSE stream is allowed per session"
NOT_ACCEPTABLE = "Not Acceptable: Client must accept text/event-stream"
BACKLOG = 256  # frames held for a slow stream before the newest are dropped


class StandaloneStream:
    """One session's server-to-client stream (at most one GET open at a time)."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] | None = None
        self._closed = False

    @property
    def open(self) -> bool:
        """A GET stream is open now."""
        return self._queue is not None

    async def notify(self, method: str, params: Mapping[str, Any] | None, /) -> None:
        """A notification for the stream (dropped when none is open)."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = dict(params)
        self.put(wire.encode(message))

    async def send(self, item: SessionMessage, /) -> None:
        """A message of the session's SDK copy for the stream (the notices relay delivers these too)."""
        message = item.message
        if isinstance(message, JSONRPCNotification | JSONRPCRequest):
            self.put(message.model_dump_json(by_alias=True, exclude_unset=True).encode())

    async def aclose(self) -> None:
        """Nothing to close: the stream ends with its GET or the session (:meth:`close`)."""

    def put(self, frame: bytes) -> None:
        """Queue one JSON-RPC message for the open stream, if any."""
        if self._queue is not None and self._queue.qsize() < BACKLOG:
            self._queue.put_nowait(frame)

    def close(self) -> None:
        """The session ended: end its stream."""
        self._closed = True
        if self._queue is not None:
            self._queue.put_nowait(None)

    async def serve(self, send: Send, receive: Receive, headers: wire.Headers) -> bool:
        """Hold the GET response open and write the stream until the client leaves or the session ends.

        False (nothing sent) when a stream is already open: the caller answers 409.
        """
        if self._queue is not None or self._closed:
            return False
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._queue = queue
        gone = asyncio.ensure_future(_disconnected(receive))
        try:
            await send({"type": "http.response.start", "status": 200, "headers": [*wire.SSE_HEADERS, *headers]})
            await send({"type": "http.response.body", "body": b"", "more_body": True})
            while not gone.done():
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait(
                    {getter, gone}, timeout=wire.KEEPALIVE_SECONDS, return_when=asyncio.FIRST_COMPLETED
                )
                if getter not in done:
                    getter.cancel()
                    if not done:
                        await send({"type": "http.response.body", "body": wire.PING, "more_body": True})
                    continue
                frame = getter.result()
                if frame is None:
                    break
                await send({"type": "http.response.body", "body": wire.sse_event(frame), "more_body": True})
            with suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self._queue = None
            gone.cancel()
        return True


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


class StandaloneRouting(WriteStreamWrapper):
    """The SDK copy's write stream: messages for its GET stream go to the session's own stream while
    that is open (the SDK's transport has none then); everything else passes through."""

    def __init__(self, stream: StandaloneStream, inner: Outbox) -> None:
        super().__init__(inner)
        self.stream = stream

    async def send(self, item: SessionMessage, /) -> None:
        """To the open standalone stream when the message is tied to no request, else to the SDK."""
        if self.stream.open and unrelated(item) and isinstance(item.message, JSONRPCNotification | JSONRPCRequest):
            await self.stream.send(item)
            return
        await self.inner.send(item)

"""An upstream's stdin as a plain asyncio write pipe: a message is one ``transport.write``.

anyio's process streams wrap each ``send`` in two checkpoints, one of them a ``sleep(0)`` (an extra
trip round the event loop for every request written to an upstream): a measurable share of a tool
call's CPU (issue 15). The pipe is made here (``os.pipe``), its read end handed to the child as its
stdin; writes go straight to the transport, which buffers what the pipe does not take at once, and
``send`` waits only while the transport has asked us to pause (flow control). The SDK's messages and
the fast lane's share this one writer, so they reach the upstream in the order they were sent.
"""

from __future__ import annotations

import asyncio
import os
from typing import cast

import anyio


class StdinPipe(asyncio.Protocol):
    """The write end of an upstream's stdin pipe (``connect`` it first)."""

    def __init__(self) -> None:
        self.read_fd, self._write_fd = os.pipe()
        self._transport: asyncio.WriteTransport | None = None
        self._resumed: asyncio.Future[None] | None = None
        self._lost = False

    async def connect(self) -> None:
        """Start writing (the child has been spawned with ``read_fd``, which is closed here)."""
        os.close(self.read_fd)
        self.read_fd = -1
        loop = asyncio.get_running_loop()
        await loop.connect_write_pipe(lambda: self, os.fdopen(self._write_fd, "wb", buffering=0))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """asyncio: the pipe is ready (uvloop's pipe transports are not ``asyncio.WriteTransport`` subclasses)."""
        self._transport = cast("asyncio.WriteTransport", transport)

    def connection_lost(self, exc: Exception | None) -> None:
        """asyncio: the pipe closed (by us, or the child's end went away)."""
        self._lost = True
        self._wake()

    def pause_writing(self) -> None:
        """asyncio: the transport's buffer is full."""
        if self._resumed is None:
            self._resumed = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        """asyncio: the buffer drained."""
        self._wake()

    def _wake(self) -> None:
        resumed, self._resumed = self._resumed, None
        if resumed is not None and not resumed.done():
            resumed.set_result(None)

    async def send(self, data: bytes) -> None:
        """Write ``data``; waits only while the pipe is full.

        Raises:
            anyio.BrokenResourceError: the pipe is closed (the upstream is gone or stopping).
        """
        transport = self._transport
        if transport is None or self._lost or transport.is_closing():
            raise anyio.BrokenResourceError
        transport.write(data)
        resumed = self._resumed
        if resumed is not None:
            await asyncio.shield(resumed)

    def discard(self) -> None:
        """Close both ends of a pipe never connected (the spawn failed or was cancelled first)."""
        if self.read_fd != -1:
            os.close(self.read_fd)
            os.close(self._write_fd)
            self.read_fd = -1

    async def aclose(self) -> None:
        """Close stdin (what was written still reaches the child); closing twice is harmless."""
        self.discard()
        if self._transport is not None and not self._transport.is_closing():
            self._transport.close()

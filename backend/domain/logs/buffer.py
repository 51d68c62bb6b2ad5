"""A bounded in-memory queue drained in batches by one background task.

``put`` never waits: when the queue is full the item is dropped and counted. The writer wakes
when a batch is ready or every ``interval`` seconds; ``close`` writes what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")

logger = logging.getLogger("mcp_orch.logs")


class BatchWriter(Generic[T]):
    """Queue items from anywhere on the event loop; a background task writes them in batches."""

    def __init__(
        self,
        name: str,
        write: Callable[[list[T]], Awaitable[None]],
        *,
        capacity: int = 10_000,
        batch_size: int = 500,
        interval: float = 0.25,
    ) -> None:
        self.name = name
        self.capacity = max(1, capacity)
        self.batch_size = max(1, batch_size)
        self.interval = interval
        self.dropped = 0
        self.written = 0
        self.failed = 0
        self._write = write
        self._items: deque[T] = deque()
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def pending(self) -> int:
        """Items waiting to be written."""
        return len(self._items)

    def put(self, item: T) -> bool:
        """Queue ``item``; ``False`` (and one more drop counted) when the queue is full."""
        if self._closing or len(self._items) >= self.capacity:
            self.dropped += 1
            return False
        self._items.append(item)
        if len(self._items) >= self.batch_size:
            self._wake.set()
        return True

    def start(self) -> None:
        """Start the background task (call from inside the running loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"batch-writer:{self.name}")

    async def _run(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            # Only what is queued now: items arriving during the write wait for the next wake-up
            # (a full batch or the interval), so a steady trickle of calls is written as a few
            # large transactions instead of a stream of one-row ones.
            await self.flush(limit=len(self._items))

    async def flush(self, limit: int | None = None) -> None:
        """Write what is queued (at most ``limit`` items; all by default), in batches, in order."""
        async with self._lock:
            remaining = len(self._items) if limit is None else min(limit, len(self._items))
            while remaining > 0 and self._items:
                count = min(self.batch_size, remaining, len(self._items))
                remaining -= count
                batch = [self._items.popleft() for _ in range(count)]
                try:
                    await self._write(batch)
                    self.written += len(batch)
                except Exception:
                    # A failing database must not grow memory or crash the writer: count and go on.
                    self.failed += len(batch)
                    logger.exception("batch write failed", extra={"writer": self.name, "items": len(batch)})

    async def close(self) -> None:
        """Stop the task and write what is left."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()

"""A short in-process cache of database answers that change events invalidate.

Used for what hot paths would otherwise read per request (credential checks of the MCP endpoints,
REST tool-call targets). Held by the runtime's parts, never at module level. Entries live a few
seconds at most (a safety net: the change events clear them at once, in every replica); the size
is bounded (the oldest entry goes first); concurrent misses of one key share one load; and a
:meth:`ShortCache.forget` wins over loads in flight, so an answer read before a change committed
is never kept after the change's event.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

import anyio

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ShortCache(Generic[K, V]):
    """Answers by key for ``ttl`` seconds, at most ``limit`` of them."""

    def __init__(self, ttl: float, limit: int) -> None:
        self.ttl = ttl
        self.limit = limit
        self._entries: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, anyio.Event] = {}
        self._generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    def peek(self, key: K) -> V | None:
        """The live answer for ``key``, if any (no load)."""
        entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] >= time.monotonic() else None

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The cached answer for ``key``, else ``load()``'s (kept unless forgotten meanwhile; errors are not kept)."""
        while True:
            entry = self._entries.get(key)
            if entry is not None and entry[0] >= time.monotonic():
                return entry[1]
            loading = self._loading.get(key)
            if loading is None:
                break
            await loading.wait()  # another request is reading it: take its answer (or read again)
        done = self._loading[key] = anyio.Event()
        generation = self._generation
        try:
            value = await load()
            if generation == self._generation:
                self._put(key, value)
            return value
        finally:
            del self._loading[key]
            done.set()

    def forget(self, where: Callable[[K], bool] | None = None) -> None:
        """Drop every answer (or those whose key matches ``where``); loads in flight are not kept."""
        self._generation += 1
        if where is None:
            self._entries.clear()
        else:
            for key in [k for k in self._entries if where(k)]:
                del self._entries[key]

    def _put(self, key: K, value: V) -> None:
        self._entries.pop(key, None)  # re-inserted last: insertion order stays the order of expiry
        while len(self._entries) >= self.limit:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (time.monotonic() + self.ttl, value)

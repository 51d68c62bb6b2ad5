"""Fair sharing of the server log: a token bucket per server for the lines its upstreams produce.

Stderr lines, stdout noise and MCP log messages of one server (all its upstreams together) pass at
``rate`` lines per second with bursts of ``burst``; the rest is dropped and counted. The gateway's
own lifecycle events are never limited, and the stderr tail (for ``lastError``) still sees every
line. What was dropped is reported as one "N lines dropped" line per server and marker interval.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

# How often, at most, a flooding server gets its "N lines dropped" line.
MARKER_INTERVAL_SECONDS = 2.0


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    dropped: int = 0  # since the last marker


class LogRateLimiter:
    """Token buckets keyed by server id. ``rate <= 0`` turns limiting off."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.dropped_total = 0
        self._clock = clock
        self._buckets: dict[UUID, _Bucket] = {}

    @property
    def enabled(self) -> bool:
        """Whether lines are limited at all."""
        return self.rate > 0

    def admit(self, server_id: UUID) -> bool:
        """Take one token for a line of ``server_id``; ``False`` (and one more drop counted) when none is left."""
        if self.rate <= 0:
            return True
        now = self._clock()
        bucket = self._buckets.get(server_id)
        if bucket is None:
            bucket = self._buckets[server_id] = _Bucket(float(self.burst), now)
        else:
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True
        bucket.dropped += 1
        self.dropped_total += 1
        return False

    def pending(self, server_id: UUID) -> int:
        """Lines dropped since the last :meth:`take_dropped`."""
        bucket = self._buckets.get(server_id)
        return bucket.dropped if bucket is not None else 0

    def take_dropped(self, server_id: UUID) -> int:
        """Lines dropped since the last call (and reset the count)."""
        bucket = self._buckets.get(server_id)
        if bucket is None:
            return 0
        dropped, bucket.dropped = bucket.dropped, 0
        return dropped

    def forget(self, server_id: UUID) -> None:
        """The server was removed."""
        self._buckets.pop(server_id, None)

    def marker(self, dropped: int) -> str:
        """The server-log line that reports ``dropped`` lines."""
        noun = "line" if dropped == 1 else "lines"
        return f"{dropped} {noun} dropped: this server logs more than {self.rate:g} lines/s (burst {self.burst})"

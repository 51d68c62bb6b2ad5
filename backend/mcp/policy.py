"""When to restart a crashed upstream, and when to give up."""

from __future__ import annotations

from collections import deque

import anyio

from backend.lib.settings import GatewaySettings


class CrashHistory:
    """Crashes (and failed starts) within a sliding window: backoff delays and the crash-loop cut-off."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._times: deque[float] = deque()

    def __len__(self) -> int:
        return len(self._times)

    def record(self) -> bool:
        """Note a crash now; True when that makes a crash loop (time to give up)."""
        now = anyio.current_time()
        self._times.append(now)
        while self._times and self._times[0] < now - self._settings.crash_loop_window_seconds:
            self._times.popleft()
        return len(self._times) >= self._settings.crash_loop_limit

    def delay(self) -> float:
        """Exponential backoff: base * 2**(crashes in the window - 1), capped."""
        exponent = max(0, len(self._times) - 1)
        return float(min(self._settings.backoff_base_seconds * 2**exponent, self._settings.backoff_max_seconds))

    def clear(self) -> None:
        """Forget past crashes (manual restart, new configuration)."""
        self._times.clear()

    def describe(self) -> str:
        """``N failures within W s`` for messages."""
        return f"{len(self._times)} failures within {self._settings.crash_loop_window_seconds:g}s"

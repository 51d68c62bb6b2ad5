"""Login throttling: too many failures for one email from one address → 429 for a while."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class LoginThrottle:
    """Sliding-window failure counter per (email, address), kept in process memory.

    One process serves logins in the default deployment; with several API replicas each keeps its
    own window, which still bounds guessing to ``replicas * max_failures`` per window.
    """

    max_failures: int
    window_seconds: int
    _failures: dict[tuple[str, str], deque[float]] = field(default_factory=dict)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        window = self._failures.setdefault(key, deque())
        while window and window[0] <= now - self.window_seconds:
            window.popleft()
        return window

    def retry_after(self, email: str, address: str) -> int:
        """Seconds until another attempt is allowed (0 when allowed now)."""
        now = time.monotonic()
        window = self._recent((email, address), now)
        if len(window) < self.max_failures:
            return 0
        return max(1, int(window[0] + self.window_seconds - now) + 1)

    def failed(self, email: str, address: str) -> None:
        """Record a failed attempt."""
        key = (email, address)
        self._recent(key, time.monotonic()).append(time.monotonic())
        if len(self._failures) > 100_000:  # bound memory under a spraying attack
            self._failures.clear()

    def succeeded(self, email: str, address: str) -> None:
        """Forget failures after a good login."""
        self._failures.pop((email, address), None)

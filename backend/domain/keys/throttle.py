"""API-key creation throttling: at most N keys minted per user per hour, then 429."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from backend.lib.context import AppContext

EXTRAS_KEY = "key_create_throttle"
WINDOW_SECONDS = 3600


@dataclass
class KeyCreationThrottle:
    """Sliding one-hour window of key creations per user, kept in process memory.

    Bounds how fast a stolen session can mint keys; with several API replicas each keeps its
    own window (``replicas * max_per_window`` at worst).
    """

    max_per_window: int
    window_seconds: int = WINDOW_SECONDS
    _created: dict[Any, deque[float]] = field(default_factory=dict)

    def _recent(self, user_id: Any, now: float) -> deque[float]:
        window = self._created.setdefault(user_id, deque())
        while window and window[0] <= now - self.window_seconds:
            window.popleft()
        return window

    def retry_after(self, user_id: Any) -> int:
        """Seconds until this user may create another key (0 when allowed now)."""
        now = time.monotonic()
        window = self._recent(user_id, now)
        if len(window) < self.max_per_window:
            return 0
        return max(1, int(window[0] + self.window_seconds - now) + 1)

    def created(self, user_id: Any) -> None:
        """Count one created key."""
        now = time.monotonic()
        self._recent(user_id, now).append(now)
        if len(self._created) > 100_000:  # bound memory; only ever loosens the limit
            self._created.clear()


def key_throttle(ctx: AppContext) -> KeyCreationThrottle:
    """The app's throttle, created on first use from the settings."""
    throttle = ctx.extras.get(EXTRAS_KEY)
    if not isinstance(throttle, KeyCreationThrottle):
        throttle = ctx.extras[EXTRAS_KEY] = KeyCreationThrottle(ctx.settings.auth.key_create_max_per_hour)
    return throttle

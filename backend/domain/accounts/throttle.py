"""Login throttling: too many failures for one email from one address → 429 for a while.

Failures are rows in PostgreSQL (``login_failure``), so every API process shares one window: with
several replicas behind a load balancer a guesser still gets ``max_failures`` tries per window, not
``replicas * max_failures``. Each check runs in its own short transaction — a failed login's request
rolls back, but its failure must stay counted.
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import UTC, datetime, timedelta

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import delete, func, insert, select
from uuid_utils.compat import uuid7

from backend.db import models as m

_PRUNE_EVERY = 300.0  # seconds between sweeps of expired rows (any process may sweep)


def failure_bucket(email: str, address: str) -> str:
    """The row key of an (email, address) pair: a SHA-256, so neither is stored."""
    return hashlib.sha256(f"{email}\x00{address}".encode()).hexdigest()


class LoginThrottle:
    """Sliding-window failure counter per (email, address), shared through PostgreSQL."""

    def __init__(self, alchemy: SQLAlchemyAsyncConfig, max_failures: int, window_seconds: int) -> None:
        self.alchemy = alchemy
        self.max_failures = max_failures
        self.window = timedelta(seconds=window_seconds)
        self._pruned = time.monotonic()

    async def retry_after(self, email: str, address: str) -> int:
        """Seconds until another attempt is allowed (0 when allowed now)."""
        now = datetime.now(tz=UTC)
        bucket = failure_bucket(email, address)
        recent = (
            select(m.LoginFailure.failed_at)
            .where(m.LoginFailure.bucket == bucket, m.LoginFailure.failed_at > now - self.window)
            .order_by(m.LoginFailure.failed_at.desc())
            .limit(self.max_failures)
            .subquery()
        )
        async with self.alchemy.get_session() as session:
            count, oldest = (await session.execute(select(func.count(), func.min(recent.c.failed_at)))).one()
        if count < self.max_failures or oldest is None:
            return 0
        # Allowed again once the oldest of the last ``max_failures`` failures leaves the window.
        allowed_at: datetime = oldest + self.window
        return max(1, math.ceil((allowed_at - now).total_seconds()))

    async def failed(self, email: str, address: str) -> None:
        """Record a failed attempt (and now and then sweep rows older than the window)."""
        now = datetime.now(tz=UTC)
        row = {"id": uuid7(), "bucket": failure_bucket(email, address), "failed_at": now}
        async with self.alchemy.get_session() as session:
            await session.execute(insert(m.LoginFailure), [row])
            if time.monotonic() - self._pruned > _PRUNE_EVERY:
                self._pruned = time.monotonic()
                await session.execute(delete(m.LoginFailure).where(m.LoginFailure.failed_at < now - self.window))
            await session.commit()

    async def succeeded(self, email: str, address: str) -> None:
        """Forget the pair's failures after a good login."""
        async with self.alchemy.get_session() as session:
            await session.execute(delete(m.LoginFailure).where(m.LoginFailure.bucket == failure_bucket(email, address)))
            await session.commit()

"""Login throttling with three budgets, shared by every API process through PostgreSQL.

- **Account + address**: ``max_failures`` wrong passwords for one email from one address within the
  window → 429 for that pair until the oldest failure leaves the window.
- **Address**: ``address_max_failures`` failures from one address across all accounts → 429 for
  that address (a guesser cannot spread over many accounts).
- **Account**: past ``account_slowdown_after`` failures from anywhere, attempts on that account must
  wait a growing pause after the last failure (2, 4, 8 … seconds, at most a minute). The real owner
  on another address is slowed, never locked out; a distributed guesser gets a few tries a minute.

Failures are rows keyed by a SHA-256 of the budget's key (neither email nor address is stored).
Each check runs in its own short transaction — a failed login's request rolls back, but its
failure must stay counted.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from backend.db import models as m

_PRUNE_EVERY = 300.0  # seconds between sweeps of expired rows (any process may sweep)
_MAX_PAUSE_SECONDS = 60


def failure_bucket(email: str, address: str) -> str:
    """The row key of an (email, address) pair: a SHA-256, so neither is stored."""
    return hashlib.sha256(f"{email}\x00{address}".encode()).hexdigest()


def _address_bucket(address: str) -> str:
    return hashlib.sha256(f"\x00address\x00{address}".encode()).hexdigest()


def _account_bucket(email: str) -> str:
    return hashlib.sha256(f"{email}\x00account\x00".encode()).hexdigest()


@dataclass(frozen=True)
class ThrottleLimits:
    """The three budgets (see the module docstring) and their window."""

    max_failures: int
    address_max_failures: int
    account_slowdown_after: int
    window_seconds: int


class LoginThrottle:
    """Sliding-window failure counters per (email, address), per address and per email."""

    def __init__(self, alchemy: SQLAlchemyAsyncConfig, limits: ThrottleLimits) -> None:
        self.alchemy = alchemy
        self.limits = limits
        self.window = timedelta(seconds=limits.window_seconds)
        self._pruned = time.monotonic()

    async def _recent(
        self, session: AsyncSession, bucket: str, now: datetime, limit: int
    ) -> tuple[int, datetime | None]:
        """How many of the bucket's last ``limit`` failures are in the window, and the oldest of them."""
        recent = (
            select(m.LoginFailure.failed_at)
            .where(m.LoginFailure.bucket == bucket, m.LoginFailure.failed_at > now - self.window)
            .order_by(m.LoginFailure.failed_at.desc())
            .limit(max(1, limit))
            .subquery()
        )
        count, oldest = (await session.execute(select(func.count(), func.min(recent.c.failed_at)))).one()
        return int(count), oldest

    def _window_wait(self, count: int, oldest: datetime | None, limit: int, now: datetime) -> int:
        if count < limit or oldest is None:
            return 0
        # Allowed again once the oldest of the last ``limit`` failures leaves the window.
        return max(1, math.ceil((oldest + self.window - now).total_seconds()))

    async def _account_pause(self, session: AsyncSession, email: str, now: datetime) -> int:
        after = self.limits.account_slowdown_after
        bucket = _account_bucket(email)
        count = (
            await session.execute(
                select(func.count(), func.max(m.LoginFailure.failed_at)).where(
                    m.LoginFailure.bucket == bucket, m.LoginFailure.failed_at > now - self.window
                )
            )
        ).one()
        failures, last = int(count[0]), count[1]
        if failures < after or last is None:
            return 0
        pause: int = min(2 ** (failures - after + 1), _MAX_PAUSE_SECONDS)
        elapsed = float((now - last).total_seconds())
        return max(0, math.ceil(pause - elapsed))

    async def retry_after(self, email: str, address: str) -> int:
        """Seconds until another attempt is allowed (0 when allowed now)."""
        now = datetime.now(tz=UTC)
        limits = self.limits
        async with self.alchemy.get_session() as session:
            pair = await self._recent(session, failure_bucket(email, address), now, limits.max_failures)
            wide = await self._recent(session, _address_bucket(address), now, limits.address_max_failures)
            pause = await self._account_pause(session, email, now)
        return max(
            self._window_wait(*pair, limits.max_failures, now),
            self._window_wait(*wide, limits.address_max_failures, now),
            pause,
        )

    async def failed(self, email: str, address: str) -> None:
        """Record a failed attempt in all three budgets (and now and then sweep rows older than the window)."""
        now = datetime.now(tz=UTC)
        buckets = (failure_bucket(email, address), _address_bucket(address), _account_bucket(email))
        rows = [{"id": uuid7(), "bucket": bucket, "failed_at": now} for bucket in buckets]
        async with self.alchemy.get_session() as session:
            await session.execute(insert(m.LoginFailure), rows)
            if time.monotonic() - self._pruned > _PRUNE_EVERY:
                self._pruned = time.monotonic()
                await session.execute(delete(m.LoginFailure).where(m.LoginFailure.failed_at < now - self.window))
            await session.commit()

    async def succeeded(self, email: str, address: str) -> None:
        """Forget the pair's and the account's failures after a good login (the address budget stays)."""
        buckets = (failure_bucket(email, address), _account_bucket(email))
        async with self.alchemy.get_session() as session:
            await session.execute(delete(m.LoginFailure).where(m.LoginFailure.bucket.in_(buckets)))
            await session.commit()

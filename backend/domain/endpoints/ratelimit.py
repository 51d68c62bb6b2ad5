"""Per-key rate limit (tool calls per minute), counted in PostgreSQL so it holds across processes.

One upsert per call of a rate-limited key (keys without a limit cost nothing): the row of the
current minute is incremented and its new count returned.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from uuid_utils.compat import uuid7

from backend.db import models as m

_PRUNE_EVERY = 300.0  # seconds between deletions of old minute rows


class RateLimiter:
    """Fixed one-minute windows per key."""

    def __init__(self, alchemy: SQLAlchemyAsyncConfig) -> None:
        self.alchemy = alchemy
        self._pruned = time.monotonic()

    async def hit(self, key_id: UUID, limit: int) -> int | None:
        """Count one call; seconds until the next window when over ``limit``, else ``None``."""
        now = datetime.now(tz=UTC)
        window = now.replace(second=0, microsecond=0)
        stmt = (
            insert(m.ApiKeyUsage)
            .values(id=uuid7(), api_key_id=key_id, window_start=window, count=1)
            .on_conflict_do_update(constraint="uq_api_key_usage_key_window", set_={"count": m.ApiKeyUsage.count + 1})
            .returning(m.ApiKeyUsage.count)
        )
        async with self.alchemy.get_session() as session:
            count = (await session.execute(stmt)).scalar_one()
            if time.monotonic() - self._pruned > _PRUNE_EVERY:
                self._pruned = time.monotonic()
                await session.execute(
                    delete(m.ApiKeyUsage).where(m.ApiKeyUsage.window_start < window - timedelta(minutes=5))
                )
            await session.commit()
        if count <= limit:
            return None
        return max(1, 60 - now.second)

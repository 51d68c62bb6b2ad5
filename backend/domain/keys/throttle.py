"""API-key creation throttling: at most N keys minted per user per hour, then 429.

The count comes from the audit trail (``key.created`` activity rows, written in the same
transaction as each key), so every API process sees the same number. A transaction-scoped advisory
lock per user makes check-then-create atomic: two simultaneous requests cannot both take the last
slot.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m

WINDOW = timedelta(hours=1)
LOCK_NAMESPACE = "mcp-orch:key-create:"


async def key_creation_retry_after(session: AsyncSession, user_id: UUID, max_per_window: int) -> int:
    """Seconds until ``user_id`` may create another key (0 when allowed now).

    Takes the user's advisory lock until the transaction ends, so call it in the transaction that
    creates the key.
    """
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(LOCK_NAMESPACE + str(user_id)))))
    now = datetime.now(tz=UTC)
    recent = (
        select(m.Activity.created_at)
        .where(m.Activity.type == "key.created", m.Activity.actor_id == user_id, m.Activity.created_at > now - WINDOW)
        .order_by(m.Activity.created_at.desc())
        .limit(max_per_window)
        .subquery()
    )
    count, oldest = (await session.execute(select(func.count(), func.min(recent.c.created_at)))).one()
    if count < max_per_window or oldest is None:
        return 0
    wait: datetime = oldest + WINDOW
    return max(1, math.ceil((wait - now).total_seconds()))

"""Change events from a process that applies none: the standalone worker (``mcp-orch worker``).

Such a process only sends. It does not listen (it would receive every replica's relay traffic and
apply none of it) and does not beat (the API replicas would count it among themselves). What it
sends is the hub's own ``Changes`` message on the hub's channel, so every API replica applies it as
coming from another replica: a job's end reaches the live feeds as fast as from the API's own worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import uuid4

import msgspec
import redis.asyncio as aioredis
from sqlalchemy import func, select

from backend.domain.changes.events import ChangeEvent
from backend.domain.changes.hub import Changes, Resync
from backend.domain.changes.runtime import build_transport
from backend.domain.changes.transports import RedisTransport
from backend.lib.context import AppContext

_encode = msgspec.json.Encoder().encode


class ChangeDelivery(Protocol):
    """What hands change events on: the API process's hub, or a :class:`ChangeSender`."""

    async def deliver(self, events: Sequence[ChangeEvent]) -> None:
        """Deliver the events of one commit."""
        ...


class ChangeSender:
    """Sends change events onto the instance's bus (PostgreSQL ``NOTIFY`` or Redis ``PUBLISH``)."""

    def __init__(self, ctx: AppContext) -> None:
        transport = build_transport(ctx)
        self.origin = f"worker-{uuid4().hex}"
        self.transport = transport.name
        self._channel: str = getattr(transport, "channel")  # noqa: B009 - both transports name theirs
        self._max = transport.max_message
        self._alchemy = ctx.alchemy
        self._redis = aioredis.Redis.from_url(ctx.settings.queue.url) if isinstance(transport, RedisTransport) else None

    async def deliver(self, events: Sequence[ChangeEvent]) -> None:
        """Broadcast the events of one commit to every API replica (raises when the bus is unreachable)."""
        if not events:
            return
        message = _encode(Changes(self.origin, list(events)))
        if self._max is not None and len(message) > self._max:
            message = _encode(Resync(self.origin))  # too big to notify: every replica re-reads everything
        if self._redis is not None:
            await self._redis.publish(self._channel, message)
            return
        # NOTIFY through the worker's own connection pool; PostgreSQL delivers it at the commit.
        async with self._alchemy.get_session() as session:
            await session.execute(select(func.pg_notify(self._channel, message.decode())))
            await session.commit()

    async def close(self) -> None:
        """Close the Redis client (the database pool belongs to the context)."""
        if self._redis is not None:
            await self._redis.aclose()

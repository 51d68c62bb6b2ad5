"""The change hub in the API process: built with the runtime, run by a lifespan after the endpoints.

The hub talks over Redis pub/sub when the queue runs on Redis (``MCP_ORCH_QUEUE_URL=redis://…``),
otherwise over PostgreSQL ``LISTEN/NOTIFY`` on the application's database (the embedded one too).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from litestar import Litestar
from sqlalchemy.engine import make_url

from backend.domain.changes.handler import ChangeHandler
from backend.domain.changes.hub import ChangeHub
from backend.domain.changes.transports import PostgresTransport, RedisTransport, Transport
from backend.lib.context import AppContext
from backend.lib.runtime import Runtime, runtime_of

logger = logging.getLogger("mcp_orch.changes")

CONNECT_WAIT_SECONDS = 10.0


def build_transport(ctx: AppContext) -> Transport:
    """The transport the settings call for (not yet connected)."""
    queue = ctx.settings.queue
    if queue.url.startswith(("redis://", "rediss://", "unix://")):
        # The channel is the instance's: its database and its signing secret (digested, never sent).
        database = make_url(ctx.database_url).render_as_string(hide_password=True)
        return RedisTransport(queue.url, identity=f"{database}|{ctx.jwt_secret}")
    return PostgresTransport(ctx.database_url)


def build_hub(ctx: AppContext) -> ChangeHub:
    """The hub on the transport the settings call for."""
    return ChangeHub(build_transport(ctx), resync_seconds=ctx.settings.queue.resync_seconds)


@asynccontextmanager
async def changes_runtime(ctx: AppContext, runtime: Runtime) -> AsyncIterator[None]:
    """Apply change events to this process's gateway and endpoints while the app runs."""
    hub = runtime.changes
    hub.applier = ChangeHandler(ctx, runtime)
    async with anyio.create_task_group() as tg:
        tg.start_soon(hub.run)
        if not await hub.wait_connected(CONNECT_WAIT_SECONDS):
            logger.warning("change bus not connected yet; retrying", extra={"transport": hub.transport.name})
        else:
            logger.info("change bus running", extra={"transport": hub.transport.name, "replica": hub.replica_id})
        try:
            yield
        finally:
            hub.applier = None
            tg.cancel_scope.cancel()


def changes_lifespan(app: Litestar) -> Any:
    """Litestar lifespan hook."""
    return changes_runtime(app.state.ctx, runtime_of(app))

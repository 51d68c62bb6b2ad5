"""The gateway inside the API process: created in the app lifespan, configured from the registry.

``AppContext.extras`` holds ``gateway``, ``call_recorder`` and ``gateway_events`` while the app
runs. Every registered server is configured at start (upstreams still start lazily, on first use).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import update

from backend.db import models as m
from backend.domain.logs.events import GatewayEventSink
from backend.domain.logs.recorder import ToolCallRecorder
from backend.domain.servers.specs import load_all_specs
from backend.lib.after_commit import drain_after_commit_tasks
from backend.lib.context import AppContext
from backend.mcp.gateway import Gateway

# States that only make sense while this process runs the upstream.
_LIVE_STATES = ("starting", "running", "backoff")

logger = logging.getLogger("mcp_orch.gateway")


@asynccontextmanager
async def gateway_runtime(ctx: AppContext) -> AsyncIterator[None]:
    """Run the gateway, the tool-call recorder and the event sink for the life of the app."""
    settings = ctx.settings.gateway
    recorder = ToolCallRecorder(ctx.alchemy, capacity=settings.call_log_buffer)
    events = GatewayEventSink(ctx.alchemy, capacity=settings.call_log_buffer)
    recorder.start()
    events.start()
    gateway = Gateway(settings, events)
    await gateway.start()
    ctx.extras.update(gateway=gateway, call_recorder=recorder, gateway_events=events)
    try:
        async with ctx.alchemy.get_session() as session:
            # Nothing runs yet in this process: cached "running" states from a previous run are stale.
            await session.execute(update(m.Server).where(m.Server.status.in_(_LIVE_STATES)).values(status="stopped"))
            await session.commit()
            specs = await load_all_specs(session)
        for spec in specs:
            gateway.configure(spec)
        logger.info("gateway started", extra={"servers": len(specs)})
        yield
    finally:
        for key in ("gateway", "call_recorder", "gateway_events"):
            ctx.extras.pop(key, None)
        await drain_after_commit_tasks()
        await gateway.close()
        await recorder.close()
        await events.close()
        logger.info("gateway stopped", extra={"dropped_calls": recorder.dropped})

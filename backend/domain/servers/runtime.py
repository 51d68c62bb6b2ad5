"""The gateway inside the API process: created in the app lifespan, configured from the registry.

``AppContext.extras`` holds ``gateway``, ``call_recorder`` and ``gateway_events`` while the app
runs. Every registered server is configured at start (upstreams still start lazily, on first use).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, object_session

from backend.db import models as m
from backend.domain.logs.events import GatewayEventSink
from backend.domain.logs.recorder import ToolCallRecorder
from backend.domain.servers.specs import load_all_specs
from backend.lib.after_commit import after_commit_task, drain_after_commit_tasks
from backend.lib.context import AppContext
from backend.mcp.gateway import Gateway

# States that only make sense while this process runs the upstream.
_LIVE_STATES = ("starting", "running", "backoff")

logger = logging.getLogger("mcp_orch.gateway")

# The gateways of the apps running in this process (one in production; several in tests). Only the
# project-deletion hook below uses it: a project's servers vanish by database cascade, not through
# the registry service, so their upstreams must be removed here.
_RUNNING: set[Gateway] = set()


@event.listens_for(m.Project, "before_delete")
def _remove_servers_of_deleted_project(_: Mapper[Any], connection: Connection, project: m.Project) -> None:
    """When a project row is deleted, stop and forget its servers' upstreams after the commit."""
    session = object_session(project)
    if session is None or not _RUNNING:
        return
    server_ids = list(connection.execute(select(m.Server.id).where(m.Server.project_id == project.id)).scalars())
    for gateway in list(_RUNNING):
        for server_id in server_ids:
            after_commit_task(session, partial(gateway.remove, server_id))


@asynccontextmanager
async def gateway_runtime(ctx: AppContext) -> AsyncIterator[None]:
    """Run the gateway, the tool-call recorder and the event sink for the life of the app."""
    settings = ctx.settings.gateway
    metrics = ctx.extras.get("metrics")
    recorder = ToolCallRecorder(
        ctx.alchemy,
        capacity=settings.call_log_buffer,
        on_record=metrics.observe_call if metrics is not None else None,
    )
    events = GatewayEventSink(ctx.alchemy, capacity=settings.call_log_buffer)
    recorder.start()
    events.start()
    gateway = Gateway(settings, events)
    await gateway.start()
    ctx.extras.update(gateway=gateway, call_recorder=recorder, gateway_events=events)
    _RUNNING.add(gateway)
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
        _RUNNING.discard(gateway)
        for key in ("gateway", "call_recorder", "gateway_events"):
            ctx.extras.pop(key, None)
        await drain_after_commit_tasks()
        await gateway.close()
        await recorder.close()
        await events.close()
        logger.info("gateway stopped", extra={"dropped_calls": recorder.dropped})

"""The gateway inside the API process: created in the app lifespan, configured from the registry.

``AppContext.extras`` holds ``gateway``, ``call_recorder`` and ``gateway_events`` while the app
runs. Every registered server is configured at start (upstreams still start lazily, on first use).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Mapper, object_session

from backend.db import models as m
from backend.domain.logs.events import GatewayEventSink
from backend.domain.logs.recorder import ToolCallRecorder
from backend.domain.servers.sandboxing import forget_after_commit
from backend.domain.servers.specs import load_all_specs
from backend.lib.after_commit import drain_after_commit_tasks
from backend.lib.context import AppContext
from backend.lib.keys import encryption_key
from backend.mcp.gateway import Gateway
from backend.mcp.scrub import InstanceSecrets

# States that only make sense while this process runs the upstream.
_LIVE_STATES = ("starting", "running", "backoff")

logger = logging.getLogger("mcp_orch.gateway")

# The gateways of the apps running in this process (one in production; several in tests). Only the
# project-deletion hook below uses it: a project's servers vanish by database cascade, not through
# the registry service, so their upstreams must be removed here.
_RUNNING: set[Gateway] = set()


@event.listens_for(m.Project, "before_delete")
def _remove_servers_of_deleted_project(_: Mapper[Any], connection: Connection, project: m.Project) -> None:
    """When a project row is deleted, stop its servers' upstreams and remove their sandbox homes after the commit.

    Issue 12 (typed change events) replaces this hook; until then it is the only place that sees
    servers deleted by the project's cascade.
    """
    session = object_session(project)
    if session is None or not _RUNNING:
        return
    server_ids = list(connection.execute(select(m.Server.id).where(m.Server.project_id == project.id)).scalars())
    for gateway in list(_RUNNING):
        forget_after_commit(session, gateway, gateway.settings.sandbox, server_ids)


def _url_password(url: str) -> str:
    if not url:
        return ""
    try:
        password = make_url(url).password
    except Exception:  # an unparsable URL has no password we could know of
        return ""
    return str(password or "")


def instance_secrets(ctx: AppContext) -> InstanceSecrets:
    """The instance's keys, for the gateway to scrub from everything upstreams say."""
    try:
        key = encryption_key()
    except RuntimeError:  # not mounted (a process that never touches encrypted columns)
        key = ""
    settings = ctx.settings
    return InstanceSecrets(
        jwt_secret=ctx.jwt_secret,
        encryption_key=key,
        metrics_token=getattr(ctx, "metrics_token", "") or settings.app.metrics_token,
        database_password=_url_password(ctx.database_url),
        queue_password=_url_password(settings.queue.url),
    )


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
    gateway = Gateway(settings, events, instance_secrets=instance_secrets(ctx))
    recorder.scrubber_of = gateway.scrubber
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

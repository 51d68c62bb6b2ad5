"""The gateway inside the API process: created in the app lifespan, configured from the registry.

The app's :class:`~backend.lib.runtime.Runtime` holds ``gateway``, ``call_recorder`` and
``gateway_events`` while the app runs. Every registered server is configured at start (upstreams
still start lazily, on first use).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import update
from sqlalchemy.engine import make_url

from backend.db import models as m
from backend.domain.logs.events import GatewayEventSink
from backend.domain.logs.recorder import ToolCallRecorder
from backend.domain.servers.specs import load_all_specs, load_spec_by_id
from backend.lib.context import AppContext
from backend.lib.keys import encryption_key
from backend.mcp.gateway import Gateway
from backend.mcp.scrub import InstanceSecrets
from backend.mcp.types import UpstreamSpec

if TYPE_CHECKING:
    from backend.lib.runtime import Runtime

# States that only make sense while this process runs the upstream.
_LIVE_STATES = ("starting", "running", "backoff")

logger = logging.getLogger("mcp_orch.gateway")


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
        metrics_token=ctx.metrics_token,
        database_password=_url_password(ctx.database_url),
        queue_password=_url_password(settings.queue.url),
        ui_token=ctx.ui_token,
    )


@asynccontextmanager
async def gateway_runtime(ctx: AppContext, runtime: Runtime) -> AsyncIterator[None]:
    """Run the gateway, the tool-call recorder and the event sink for the life of the app (on ``runtime``)."""
    settings = ctx.settings.gateway
    recorder = ToolCallRecorder(ctx.alchemy, capacity=settings.call_log_buffer, on_record=runtime.metrics.observe_call)
    events = GatewayEventSink(ctx.alchemy, capacity=settings.call_log_buffer)
    recorder.start()
    events.start()

    async def spec_source(server_id: UUID) -> UpstreamSpec | None:
        async with ctx.alchemy.get_session() as session:
            return await load_spec_by_id(session, server_id)

    gateway = Gateway(settings, events, instance_secrets=instance_secrets(ctx), spec_source=spec_source)
    recorder.scrubber_of = gateway.scrubber
    await gateway.start()
    runtime.gateway, runtime.call_recorder, runtime.gateway_events = gateway, recorder, events
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
        runtime.gateway = runtime.call_recorder = runtime.gateway_events = None
        await gateway.close()
        await recorder.close()
        await events.close()
        logger.info("gateway stopped", extra={"dropped_calls": recorder.dropped})

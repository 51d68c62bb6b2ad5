"""``mcp-orch worker``: run the background worker alone (scale-out; several may run at once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import click

from backend.lib.context import AppContext
from backend.lib.settings import Settings, get_settings

if TYPE_CHECKING:
    from backend.mcp.gateway import Gateway

logger = logging.getLogger("mcp_orch.worker")


@contextlib.asynccontextmanager
async def probe_gateway(ctx: AppContext) -> AsyncIterator[Gateway]:
    """A gateway of its own for probes (this process runs no upstreams for clients)."""
    from backend.domain.logs.events import GatewayEventSink  # noqa: PLC0415
    from backend.domain.servers.runtime import instance_secrets  # noqa: PLC0415
    from backend.mcp.gateway import Gateway  # noqa: PLC0415

    sink = GatewayEventSink(ctx.alchemy)
    sink.start()
    gateway = Gateway(ctx.settings.gateway, sink, instance_secrets=instance_secrets(ctx))
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.close()
        await sink.close()


async def serve_worker(ctx: AppContext, stop: asyncio.Event) -> None:
    """Run a worker (and its gateway) until ``stop`` is set; interrupted jobs go back on the queue."""
    from backend.domain.changes.sender import ChangeSender  # noqa: PLC0415
    from backend.lib.worker import WorkerRuntime, make_queue  # noqa: PLC0415

    queue = make_queue(ctx.settings, ctx.database_url)
    # Job ends go onto the change bus, so the API replicas' live feeds hear of them within moments.
    changes = ChangeSender(ctx)
    try:
        async with probe_gateway(ctx) as gateway:
            runtime = WorkerRuntime(ctx, gateway=gateway, queue=queue, mode="standalone", changes=changes)
            await runtime.start()
            try:
                await stop.wait()
            finally:
                await runtime.stop()
    finally:
        await changes.close()
        await queue.disconnect()
        await ctx.alchemy.get_engine().dispose()


def run_worker(settings: Settings) -> None:
    """Resolve (and migrate) the database, then work until SIGINT/SIGTERM."""
    from backend.runner import database  # noqa: PLC0415
    from backend.server.asgi import make_context  # noqa: PLC0415

    with database(settings) as handle:
        ctx = make_context(settings, handle.url)

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await serve_worker(ctx, stop)

        asyncio.run(main())
        logger.info("worker exited")


@click.command()
def worker() -> None:
    """Run the background worker alone (health checks, retention), next to or instead of the API's."""
    run_worker(get_settings())

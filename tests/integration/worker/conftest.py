"""Worker tests: real SAQ workers on the test database's queue (or Redis, from ``MCP_ORCH_QUEUE_URL``).

Each test gets its own queue name, so jobs left by one test never reach another; the scheduler
ticks every 0.2 s instead of every 5 s. Each worker gets its own context (engine, queue client,
gateway), like a separate worker process.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest

from backend.cli.worker import probe_gateway
from backend.domain.system.job_runs import JobSpec
from backend.lib.context import AppContext
from backend.lib.database import DatabaseHandle
from backend.lib.settings import Settings
from backend.lib.worker import WorkerRuntime
from backend.server.asgi import make_context
from tests.integration._serving import with_test_servers

StartWorker = Callable[..., Awaitable[WorkerRuntime]]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    queue = dataclasses.replace(
        settings.queue,
        name=f"test-{secrets.token_hex(4)}",
        tick_seconds=0.2,
        run_in_api=False,
        shutdown_grace_seconds=0,
    )
    return dataclasses.replace(with_test_servers(settings), queue=queue)


@pytest.fixture
async def ctx(settings: Settings, database: DatabaseHandle) -> AsyncIterator[AppContext]:
    """The test's own context on the test database (for reading and arranging rows).

    Not the app's: the test client runs the app on another event loop (a portal thread), and
    connections cannot cross loops. Like production, API and workers share only database/broker.
    """
    context = make_context(settings, database.url)
    yield context
    await context.alchemy.get_engine().dispose()


@pytest.fixture
async def start_worker(settings: Settings, database: DatabaseHandle) -> AsyncIterator[StartWorker]:
    """Start real workers; all are stopped (and their gateways closed) at the end of the test."""
    async with AsyncExitStack() as stack:

        async def start(
            *,
            extra_tasks: tuple[JobSpec, ...] = (),
            gateway: bool = False,
            gateway_settings: dict[str, Any] | None = None,
            **queue_settings: Any,
        ) -> WorkerRuntime:
            worker_settings = dataclasses.replace(
                settings,
                queue=dataclasses.replace(settings.queue, **queue_settings),
                gateway=dataclasses.replace(settings.gateway, **(gateway_settings or {})),
            )
            app = make_context(worker_settings, database.url)
            stack.push_async_callback(app.alchemy.get_engine().dispose)
            probes = await stack.enter_async_context(probe_gateway(app)) if gateway else None
            runtime = WorkerRuntime(app, gateway=probes, mode="test", extra_tasks=extra_tasks)
            stack.push_async_callback(runtime.queue.disconnect)
            await runtime.start()
            stack.push_async_callback(runtime.stop)
            return runtime

        yield start

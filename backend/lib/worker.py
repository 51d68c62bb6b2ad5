"""The background worker in one place: the queue, its jobs, their schedules, the runtime.

Broker: the application's PostgreSQL by default (SAQ's Postgres queue, psycopg 3; SAQ creates its
``saq_*`` tables itself, outside Alembic), or Redis when ``MCP_ORCH_QUEUE_URL=redis://...``.
The worker runs inside the API process by default and alone with ``mcp-orch worker``; any number
may run at once (see ``backend/domain/system/scheduler.py`` for why that is safe).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from litestar import Litestar
from litestar_saq import QueueConfig, SAQConfig, Worker
from saq.queue import Queue
from saq.types import PartialTimersDict

from backend.domain.invitations.jobs import send_invitation_email
from backend.domain.system import jobs
from backend.domain.system.job_runs import JobSpec, recorded
from backend.domain.system.scheduler import Schedule, tick
from backend.lib.context import AppContext
from backend.lib.runtime import runtime_of
from backend.lib.settings import Settings

if TYPE_CHECKING:
    from backend.domain.changes.sender import ChangeDelivery
    from backend.lib.runtime import Runtime
    from backend.mcp.gateway import Gateway

logger = logging.getLogger("mcp_orch.worker")

JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for spec in (
        JobSpec("check_server_health", jobs.check_server_health, timeout=1800),
        JobSpec("purge_old_records", jobs.purge_old_records, timeout=3600),
        JobSpec("send_invitation_email", send_invitation_email, timeout=120, retries=3, manual=False),
    )
}

SCHEDULES: tuple[Schedule, ...] = (
    Schedule("check_server_health", every=lambda s: s.health_check_interval_seconds),
    Schedule("purge_old_records", daily_at=lambda s: s.retention_time),
)

# Workers report themselves every 5 s (the admin view lists live ones); stuck jobs are swept every 30 s.
TIMERS: PartialTimersDict = {"schedule": 1, "worker_info": 5, "sweep": 30, "abort": 1}

# SAQ's advisory-lock keyspace (int4); distinct from the application's own lock keys.
# How long a stop waits for SAQ to end its loops once running jobs are done (see WorkerRuntime.stop).
STOP_SECONDS = 10.0
SAQ_LOCK_KEYSPACE = 0x6D6351


def psycopg_dsn(database_url: str) -> str:
    """The app's asyncpg URL as a libpq URL (``ssl=`` becomes ``sslmode=``; socket ``host=`` stays)."""
    parts = urlsplit(database_url)
    scheme = "postgresql"
    query = [("sslmode", v) if k == "ssl" else (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((scheme, parts.netloc, parts.path, urlencode(query, safe="/"), parts.fragment))


def queue_dsn(settings: Settings, database_url: str) -> str:
    """Where the queue lives: ``MCP_ORCH_QUEUE_URL`` (Redis or PostgreSQL) or the app's database."""
    url = settings.queue.url or database_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        return url
    return psycopg_dsn(url)


def queue_config(settings: Settings, database_url: str, extra_tasks: tuple[JobSpec, ...] = ()) -> QueueConfig:
    """The litestar-saq queue configuration (one queue for every job)."""
    dsn = queue_dsn(settings, database_url)
    options: dict[str, Any] = {}
    if not dsn.startswith(("redis", "unix")):
        concurrency = settings.queue.concurrency
        options = {"min_size": 1, "max_size": concurrency + 4, "saq_lock_keyspace": SAQ_LOCK_KEYSPACE}
    return QueueConfig(
        dsn=dsn,
        name=settings.queue.name,
        concurrency=settings.queue.concurrency,
        broker_options=options,
        tasks=[(spec.name, recorded(spec)) for spec in (*JOBS.values(), *extra_tasks)],
        separate_process=False,
    )


def make_queue(settings: Settings, database_url: str) -> Queue:
    """A queue client (not yet connected) built by litestar-saq from the configuration."""
    config = SAQConfig(queue_configs=[queue_config(settings, database_url)])
    return config.get_queues().get(settings.queue.name)


def job_spec(name: str) -> JobSpec | None:
    """A declared job by name."""
    return JOBS.get(name)


class WorkerRuntime:
    """One SAQ worker plus the scheduler tick, started and stopped from a lifespan or the CLI.

    Jobs find the :class:`AppContext` under ``"app"`` in their context, the process's gateway
    (``None`` when it runs none) under ``"gateway"`` and where to announce job ends under ``"changes"``.
    """

    def __init__(
        self,
        app: AppContext,
        *,
        gateway: Gateway | None = None,
        queue: Queue | None = None,
        mode: str = "api",
        extra_tasks: tuple[JobSpec, ...] = (),
        changes: ChangeDelivery | None = None,
    ) -> None:
        settings = app.settings
        config = queue_config(settings, app.database_url, extra_tasks)
        self.app = app
        self.queue = queue or SAQConfig(queue_configs=[config]).get_queues().get(config.name)
        self.specs = {**JOBS, **{spec.name: spec for spec in extra_tasks}}
        self.tick_seconds = settings.queue.tick_seconds
        self.grace_seconds = settings.queue.shutdown_grace_seconds
        self.worker = Worker(
            self.queue,
            functions=config.tasks,  # type: ignore[arg-type]
            concurrency=config.concurrency,
            metadata={"mode": mode, "pid": os.getpid(), "host": socket.gethostname()},
            timers=TIMERS,
            shutdown_grace_period_s=0,
            cancellation_hard_deadline_s=15.0,
            separate_process=False,
            # Its heartbeat thread would share this event loop's connection pool: not ours.
            enable_heartbeat_manager=False,
        )
        self.worker.SIGNALS = []  # the host process (uvicorn, the CLI) owns the signals
        self.worker.context["app"] = app  # type: ignore[typeddict-unknown-key]
        self.worker.context["gateway"] = gateway  # type: ignore[typeddict-unknown-key]
        # The API process's change hub, or the standalone worker's sender: job ends reach the live feeds
        # of every API replica (``JobFinished``).
        self.worker.context["changes"] = changes  # type: ignore[typeddict-unknown-key]
        self._tasks: list[asyncio.Task[Any]] = []

    @property
    def id(self) -> str:
        """The SAQ worker id."""
        return str(self.worker.id)

    async def start(self) -> None:
        """Connect the queue (creating SAQ's tables when needed) and start working and ticking."""
        await self.queue.connect()
        self._tasks = [
            asyncio.create_task(self.worker.start(), name="saq-worker"),
            asyncio.create_task(self._tick_loop(), name="saq-scheduler"),
        ]
        logger.info("worker started", extra={"worker_id": self.id, "queue": self.queue.name})

    async def stop(self) -> None:
        """Stop ticking, let running jobs finish for the grace period, cancel the rest (re-queued)."""
        if not self._tasks:
            return
        worker_task, tick_task = self._tasks
        tick_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await tick_task
        # SAQ's own grace period always runs to its end (idle loops sit in dequeue): wait here only
        # while jobs run, then let SAQ cancel what is left (those jobs go back on the queue).
        running = [entry["task"] for entry in self.worker.job_task_contexts.values()]
        if running and self.grace_seconds > 0:
            await asyncio.wait(running, timeout=self.grace_seconds)
        # Bounded: SAQ's stop waits for its cancelled dequeue loops without a limit, and a dequeue whose
        # cancellation is lost (its Postgres queue swallows CancelledError around ``wait_for``) never ends.
        # A shutdown must not hang on that: past the bound the loops are left to die with the queue.
        stopping = asyncio.ensure_future(self.worker.stop())
        _, pending = await asyncio.wait({stopping, worker_task}, timeout=STOP_SECONDS)
        self._tasks = []
        if pending:
            worker_task.cancel()
            logger.warning("worker stop timed out; its idle loops are abandoned", extra={"worker_id": self.id})
            return
        with contextlib.suppress(asyncio.CancelledError):
            await worker_task
        logger.info("worker stopped", extra={"worker_id": self.id})

    async def tick_once(self) -> list[str]:
        """One scheduler tick (the loop calls this; tests may too)."""
        return await tick(self.app, self.queue, SCHEDULES, self.specs)

    async def _tick_loop(self) -> None:
        while True:
            try:
                await self.tick_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("scheduler tick failed")
            await asyncio.sleep(self.tick_seconds)


async def queue_ready(queue: Queue, within: float = 3.0) -> bool:
    """Readiness: the broker answers within ``within`` seconds."""
    try:
        async with asyncio.timeout(within):
            await queue.connect()
            await queue.count("queued")
    except Exception:
        return False
    return True


class JobQueue:
    """The process's queue client with the context enqueueing needs (a plain class: DI passes it as is)."""

    def __init__(self, app: AppContext, queue: Queue) -> None:
        self.app = app
        self.queue = queue


def install(app: AppContext, runtime: Runtime) -> Queue:
    """The app's queue client, created on first use (``/ready`` checks it once it exists)."""
    if runtime.queue is None:
        runtime.queue = make_queue(app.settings, app.database_url)
    return runtime.queue


@contextlib.asynccontextmanager
async def worker_lifespan(litestar_app: Litestar) -> AsyncIterator[None]:
    """Run the worker inside the API process (unless ``MCP_ORCH_WORKER_IN_API=false``).

    Registered last, so it starts after the gateway and stops before it: a health check never
    runs against a closed gateway, and interrupted jobs go back on the queue.
    """
    app: AppContext = litestar_app.state.ctx
    runtime = runtime_of(litestar_app)
    queue = install(app, runtime)
    worker: WorkerRuntime | None = None
    if app.settings.queue.run_in_api:
        worker = WorkerRuntime(app, gateway=runtime.gateway, queue=queue, mode="api", changes=runtime.changes)
        await worker.start()
        runtime.worker = worker
    try:
        yield
    finally:
        if worker is not None:
            await worker.stop()
            runtime.worker = None
        await queue.disconnect()

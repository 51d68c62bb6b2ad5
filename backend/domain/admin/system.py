"""The instance at a glance (``GET /api/admin/system``): database, queue, upstreams, caps in force."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

import anyio
from sqlalchemy import func, select, text

import backend
from backend.db import models as m
from backend.domain.admin import system_schemas as s

if TYPE_CHECKING:
    from saq.queue import Queue
    from sqlalchemy.ext.asyncio import AsyncSession

    from backend.lib.context import AppContext
    from backend.mcp.gateway import Gateway

logger = logging.getLogger("mcp_orch.admin")

PROBE_SECONDS = 3.0

# (name, settings group, attribute, environment variable, what it limits); 0 means no limit where noted.
CAPS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Upstreams", "gateway", "max_upstreams", "MCP_ORCH_MAX_UPSTREAMS", "Upstreams running at once in a process"),
    (
        "Upstreams per project",
        "gateway",
        "max_upstreams_per_project",
        "MCP_ORCH_MAX_UPSTREAMS_PER_PROJECT",
        "Upstreams of one project running at once",
    ),
    (
        "Sessions per project",
        "gateway",
        "max_sessions_per_project",
        "MCP_ORCH_MAX_SESSIONS_PER_PROJECT",
        "Open MCP client sessions of one project, per process",
    ),
    (
        "Sessions per credential",
        "gateway",
        "max_sessions_per_key",
        "MCP_ORCH_MAX_SESSIONS_PER_KEY",
        "Open MCP client sessions of one key or token, per process",
    ),
    ("Test runs per user", "gateway", "max_test_runs_per_user", "MCP_ORCH_MAX_TEST_RUNS_PER_USER", "At once"),
    ("Test runs per project", "gateway", "max_test_runs_per_project", "MCP_ORCH_MAX_TEST_RUNS_PER_PROJECT", "At once"),
    (
        "Server log lines per second",
        "gateway",
        "server_log_rate",
        "MCP_ORCH_SERVER_LOG_RATE",
        "Per server, beyond the burst (0: no limit)",
    ),
    ("Server log burst", "gateway", "server_log_burst", "MCP_ORCH_SERVER_LOG_BURST", "Lines a server may log at once"),
    (
        "Idle stop (s)",
        "gateway",
        "idle_stop_seconds",
        "MCP_ORCH_IDLE_STOP_SECONDS",
        "An unused upstream stops after this long",
    ),
    (
        "Projects per user",
        "app",
        "max_projects_per_user",
        "MCP_ORCH_MAX_PROJECTS_PER_USER",
        "Projects a non-administrator may create (0: no limit)",
    ),
    ("Request body (bytes)", "app", "max_body_bytes", "MCP_ORCH_MAX_BODY_BYTES", "Largest request body accepted"),
    (
        "API keys created per hour",
        "auth",
        "key_create_max_per_hour",
        "MCP_ORCH_KEY_CREATE_MAX_PER_HOUR",
        "Per user; more is a 429",
    ),
    (
        "Failed sign-ins per account and address",
        "auth",
        "login_max_failures",
        "MCP_ORCH_LOGIN_MAX_FAILURES",
        "Within the sign-in window; more is a 429",
    ),
    (
        "Failed sign-ins per address",
        "auth",
        "login_address_max_failures",
        "MCP_ORCH_LOGIN_ADDRESS_MAX_FAILURES",
        "Across accounts, within the sign-in window",
    ),
    ("Sign-in window (s)", "auth", "login_window_seconds", "MCP_ORCH_LOGIN_WINDOW_SECONDS", "Failures count this long"),
    (
        "OAuth client registrations per hour",
        "oauth",
        "registrations_per_hour",
        "MCP_ORCH_OAUTH_REGISTRATIONS_PER_HOUR",
        "All addresses together (0: no limit)",
    ),
)


def caps_in_force(ctx: AppContext) -> list[s.Cap]:
    """Every cap of :data:`CAPS` with the value this process runs with."""
    return [
        s.Cap(name=name, value=getattr(getattr(ctx.settings, group), attr), variable=variable, description=what)
        for name, group, attr, variable, what in CAPS
    ]


async def database_status(ctx: AppContext) -> s.DatabaseStatus:
    """Embedded or external, and whether it answers within a few seconds (its own session)."""
    mode: Literal["embedded", "external"] = "external" if ctx.settings.db.url else "embedded"
    try:
        with anyio.fail_after(PROBE_SECONDS):
            async with ctx.alchemy.get_session() as session:
                version = (await session.execute(text("SHOW server_version"))).scalar_one()
    except Exception as exc:
        logger.warning("database probe failed", extra={"error": type(exc).__name__})
        return s.DatabaseStatus(mode=mode, reachable=False, server_version=None, error=type(exc).__name__)
    return s.DatabaseStatus(mode=mode, reachable=True, server_version=str(version), error=None)


async def queue_status(queue: Queue) -> s.QueueStatus:
    """The queue's broker, whether it answers, and its depth (queued, running, scheduled jobs; workers)."""
    broker: Literal["postgres", "redis"] = "redis" if type(queue).__name__.lower().startswith("redis") else "postgres"
    try:
        with anyio.fail_after(PROBE_SECONDS):
            await queue.connect()
            info: dict[str, Any] = dict(await queue.info())
    except Exception as exc:
        logger.warning("queue probe failed", extra={"error": type(exc).__name__})
        return s.QueueStatus(
            backend=broker,
            name=queue.name,
            reachable=False,
            queued=0,
            running=0,
            scheduled=0,
            workers=0,
            error=type(exc).__name__,
        )
    return s.QueueStatus(
        backend=broker,
        name=queue.name,
        reachable=True,
        queued=int(info.get("queued") or 0),
        running=int(info.get("active") or 0),
        scheduled=int(info.get("scheduled") or 0),
        workers=len(info.get("workers") or {}),
        error=None,
    )


async def upstream_counts(session: AsyncSession, gateway: Gateway | None) -> s.UpstreamCounts:
    """Servers by state (disabled ones apart) and the upstreams running in this process."""
    rows = await session.execute(
        select(m.Server.enabled, m.Server.status, func.count()).group_by(m.Server.enabled, m.Server.status)
    )
    by_state: dict[str, int] = {}
    disabled = 0
    for enabled, status, count in rows.tuples():
        if enabled:
            by_state[status] = by_state.get(status, 0) + int(count)
        else:
            disabled += int(count)
    return s.UpstreamCounts(
        servers=sum(by_state.values()) + disabled,
        disabled=disabled,
        by_state=dict(sorted(by_state.items())),
        running_here=len(gateway.running()) if gateway is not None else 0,
    )


async def system_status(
    ctx: AppContext, session: AsyncSession, queue: Queue, gateway: Gateway | None
) -> s.SystemStatus:
    """Everything ``GET /api/admin/system`` answers, the two probes run side by side."""
    found: dict[str, Any] = {}

    async def probe_database() -> None:
        found["database"] = await database_status(ctx)

    async def probe_queue() -> None:
        found["queue"] = await queue_status(queue)

    async with anyio.create_task_group() as tg:
        tg.start_soon(probe_database)
        tg.start_soon(probe_queue)
    return s.SystemStatus(
        version=backend.__version__,
        database=found["database"],
        queue=found["queue"],
        upstreams=await upstream_counts(session, gateway),
        caps=caps_in_force(ctx),
    )

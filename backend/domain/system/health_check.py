"""Health checks: ping running upstreams, probe the others, cache the outcome on the server rows.

Server list endpoints read these cached fields and never start a process. Outcomes:
``running`` (live upstream answered ``ping``), ``healthy`` (not running; a throw-away probe
started it, listed its catalogue and stopped it), ``error`` (either failed; ``lastError`` holds
the error and the end of stderr). A status change writes a ``server.status_changed`` activity row.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.activity.services import ActivityService
from backend.domain.logs.redact import clip
from backend.domain.servers.catalogue import store_catalogue
from backend.domain.servers.specs import disabled_tools, spec_of
from backend.domain.system.job_runs import report_progress
from backend.lib.context import AppContext
from backend.mcp.types import Catalogue, ProbeResult, UpstreamSpec, UpstreamStatus

logger = logging.getLogger("mcp_orch.health")

STDERR_LINES = 20
_LIVE = ("starting", "running")
MAX_ERROR = 8000


class HealthGateway(Protocol):
    """What a health check needs from :class:`backend.mcp.gateway.Gateway`."""

    def status(self, server_id: UUID) -> UpstreamStatus:
        """Current upstream state."""

    async def request(self, server_id: UUID, method: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Forward a request (``ping``) to a running upstream."""

    async def probe(self, spec: UpstreamSpec, timeout: float) -> ProbeResult:  # noqa: ASYNC109 - the contract
        """Start, handshake, list and stop a throw-away upstream."""


@dataclass
class Outcome:
    """The result of checking one server."""

    status: str
    response_ms: float | None
    error: str | None = None
    catalogue: Catalogue | None = None
    stderr: tuple[str, ...] = field(default_factory=tuple)


def _error_text(error: str | None, stderr: tuple[str, ...]) -> str:
    tail = "\n".join(stderr[-STDERR_LINES:])
    text = (error or "health check failed") + (f"\n--- stderr (last lines) ---\n{tail}" if tail else "")
    return clip(text, MAX_ERROR) or ""


async def check_one(gateway: HealthGateway, spec: UpstreamSpec, limit: float) -> Outcome:
    """Ping the server if it runs here, else probe it; never raises (a failure is an outcome)."""
    timeout = limit
    started = time.monotonic()
    try:
        status = gateway.status(spec.server_id)
    except Exception:
        status = None
    if status is not None and status.state == "running":
        try:
            async with asyncio.timeout(timeout):
                await gateway.request(spec.server_id, "ping", None, timeout=timeout)
        except Exception as exc:
            message = str(exc) or type(exc).__name__
            return Outcome("error", None, _error_text(f"ping failed: {message}", status.stderr_tail))
        return Outcome("running", round((time.monotonic() - started) * 1000, 1))
    try:
        # The probe has its own timeout; this one cuts a probe that ignores it.
        async with asyncio.timeout(timeout + 10):
            result = await gateway.probe(spec, timeout)
    except TimeoutError:
        return Outcome("error", None, _error_text(f"probe timed out after {timeout:.0f} s", ()))
    except Exception as exc:
        return Outcome("error", None, _error_text(f"probe failed: {type(exc).__name__}: {exc}", ()))
    if not result.ok:
        return Outcome("error", None, _error_text(result.error, result.stderr_tail), stderr=result.stderr_tail)
    return Outcome("healthy", round(result.response_ms, 1), catalogue=result.catalogue, stderr=result.stderr_tail)


async def load_targets(
    session: AsyncSession, project_id: UUID | None, server_id: UUID | None = None
) -> list[UpstreamSpec]:
    """Specs of enabled servers in non-archived projects (one project, or one server, when given)."""
    stmt = (
        select(m.Server)
        .join(m.Project, m.Project.id == m.Server.project_id)
        .where(m.Server.enabled.is_(True), m.Project.archived_at.is_(None))
        .order_by(m.Server.project_id, m.Server.name)
    )
    if project_id is not None:
        stmt = stmt.where(m.Server.project_id == project_id)
    if server_id is not None:
        stmt = stmt.where(m.Server.id == server_id)
    servers = list((await session.execute(stmt)).scalars())
    disabled = await disabled_tools(session, [s.id for s in servers])
    return [spec_of(server, disabled[server.id]) for server in servers]


async def store_outcome(session: AsyncSession, spec: UpstreamSpec, outcome: Outcome) -> str | None:
    """Write status, catalogue, a server log and (on change) an activity row; returns the old status."""
    server = (
        await session.execute(select(m.Server).where(m.Server.id == spec.server_id).with_for_update())
    ).scalar_one_or_none()
    if server is None:
        return None  # deleted while we checked
    previous = server.status
    if outcome.status == "healthy" and previous in _LIVE:
        # Probed from another process (a standalone worker) while the API runs it: still running.
        outcome.status = previous
    if outcome.catalogue is not None:
        await store_catalogue(session, server.id, outcome.catalogue)
    server.status = outcome.status
    server.last_checked_at = datetime.now(tz=UTC)
    server.last_error = outcome.error
    server.response_ms = outcome.response_ms
    ok = outcome.status != "error"
    message = (
        f"health check: {outcome.status} in {outcome.response_ms} ms"
        if ok
        else f"health check failed: {(outcome.error or '').splitlines()[0] if outcome.error else 'error'}"
    )
    session.add(
        m.ServerLog(
            project_id=server.project_id,
            server_id=server.id,
            level="info" if ok else "error",
            category="health",
            message=clip(message, 4000) or "",
        )
    )
    if previous != outcome.status:
        await ActivityService(session=session).record(
            "server.status_changed",
            project_id=server.project_id,
            target_type="server",
            target_id=server.id,
            target_name=server.name,
            details={"from": previous, "to": outcome.status, "source": "health_check"},
        )
    return previous


async def run_health_check(ctx: dict[str, Any], *, project_id: UUID | None, concurrency: int) -> dict[str, Any]:
    """Check every target with at most ``concurrency`` probes at once; returns counts for the summary."""
    app: AppContext = ctx["app"]
    async with app.alchemy.get_session() as session:
        targets = await load_targets(session, project_id)
    gateway: HealthGateway | None = ctx.get("gateway")
    if gateway is None and targets:
        raise RuntimeError("no gateway in this process: health checks need one")
    timeout = float(app.settings.gateway.start_timeout_seconds)
    limit = asyncio.Semaphore(max(1, concurrency))
    counts: dict[str, int] = {"checked": 0, "healthy": 0, "running": 0, "error": 0, "changed": 0}
    done = 0

    async def check(spec: UpstreamSpec) -> None:
        nonlocal done
        async with limit:
            assert gateway is not None
            outcome = await check_one(gateway, spec, timeout)
        async with app.alchemy.get_session() as session:
            previous = await store_outcome(session, spec, outcome)
            await session.commit()
        counts["checked"] += 1
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        counts["changed"] += int(previous is not None and previous != outcome.status)
        done += 1
        await report_progress(ctx, done, len(targets))

    async with asyncio.TaskGroup() as group:
        for spec in targets:
            group.create_task(check(spec))
    summary: dict[str, Any] = {**counts, "servers": len(targets)}
    if project_id is not None:
        summary["projectId"] = str(project_id)
    return summary

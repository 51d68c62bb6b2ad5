"""Background jobs (declared with their queue and schedules in ``backend/lib/worker.py``).

Each job is ``async def verb_noun(ctx, *, arg) -> dict``: keyword-only JSON arguments, a small
summary dict as result (stored in the job history), logged when done. ``ctx`` is SAQ's job
context with our :class:`AppContext` under ``"app"``.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from backend.domain.system.health_check import run_health_check
from backend.domain.system.job_runs import utcnow
from backend.domain.system.retention import purge
from backend.domain.system.worker_settings import WorkerSettingsService
from backend.lib.context import AppContext

logger = logging.getLogger("mcp_orch.jobs")


async def check_server_health(ctx: dict[str, Any], *, project_id: str | None = None) -> dict[str, Any]:
    """Ping running servers, probe stopped ones, store status and catalogue (all projects or one)."""
    app: AppContext = ctx["app"]
    async with app.alchemy.get_session() as session:
        concurrency = (await WorkerSettingsService(session=session).current()).probe_concurrency
    summary = await run_health_check(ctx, project_id=UUID(project_id) if project_id else None, concurrency=concurrency)
    logger.info("health check done", extra={"summary": summary})
    return summary


async def purge_old_records(ctx: dict[str, Any]) -> dict[str, Any]:
    """Delete tool calls, server logs, finished client sessions and activity past their retention."""
    app: AppContext = ctx["app"]
    async with app.alchemy.get_session() as session:
        settings = await WorkerSettingsService(session=session).current()
        await session.commit()
    counts = await purge(app, settings, utcnow())
    summary: dict[str, Any] = {"deleted": counts}
    logger.info("retention done", extra={"summary": summary})
    return summary

"""``GET /api/admin/system``: the instance at a glance (administrators only)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.accounts.guards import requires_admin
from backend.domain.admin.system import system_status
from backend.domain.admin.system_schemas import SystemStatus
from backend.domain.admin.worker_deps import provide_job_queue
from backend.lib.worker import JobQueue
from backend.mcp.gateway import Gateway


class SystemAdminController(Controller):
    """Version, database, queue, upstream counts and the caps in force."""

    path = "/api/admin/system"
    tags = ["Admin"]
    guards = [requires_admin]
    dependencies = {"job_queue": Provide(provide_job_queue)}

    @get("", operation_id="adminSystemStatus", summary="System status", guards=[requires_admin])
    async def get_system(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[SkipValidation[AsyncSession]],
        job_queue: NamedDependency[JobQueue],
        gateway: NamedDependency[SkipValidation[Gateway | None]],
    ) -> SystemStatus:
        """The version; the database (embedded or external, reachable, its version); the queue (broker,
        reachable, queued, running and scheduled jobs, workers); servers by state and the upstreams running
        in this process; and every cap in force with the environment variable that sets it.

        An unreachable database or queue is reported (``reachable: false``), not an error.
        """
        return await system_status(request.app.state.ctx, db_session, job_queue.queue, gateway)

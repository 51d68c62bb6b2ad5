"""Dependency providers for worker administration and job status."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Request
from litestar.di import NamedDependency

from backend.domain.admin.worker_services import WorkerAdminService
from backend.lib.context import AppContext
from backend.lib.runtime import Runtime
from backend.lib.worker import JobQueue, install

provide_worker_admin_service = create_service_provider(WorkerAdminService)


async def provide_job_queue(request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]) -> JobQueue:
    """The process's SAQ queue client (created by the worker lifespan) and its context."""
    ctx: AppContext = request.app.state.ctx
    return JobQueue(ctx, install(ctx, runtime))

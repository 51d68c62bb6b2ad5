"""Worker administration under ``/api/admin/worker`` (administrators only)."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_admin
from backend.domain.admin import worker_schemas as s
from backend.domain.admin.worker_deps import provide_job_queue, provide_worker_admin_service
from backend.domain.admin.worker_services import WorkerAdminService
from backend.lib.params import Page, PageSize
from backend.lib.worker import JobQueue

RunStatus = Literal["queued", "running", "retrying", "complete", "failed"]


class WorkerAdminController(Controller):
    """Steer the background jobs: settings, pause, run now, history."""

    path = "/api/admin/worker"
    tags = ["Admin"]
    guards = [requires_admin]
    dependencies = {
        "worker_admin_service": Provide(provide_worker_admin_service),
        "job_queue": Provide(provide_job_queue),
    }

    @get("/", operation_id="adminGetWorker", summary="Worker overview", guards=[requires_admin])
    async def get_worker(
        self, worker_admin_service: NamedDependency[WorkerAdminService], job_queue: NamedDependency[JobQueue]
    ) -> s.WorkerOverview:
        """Running workers, queue depth, each scheduled job (interval, next and last run, last result), settings."""
        return await worker_admin_service.overview(job_queue)

    @patch("/", operation_id="adminUpdateWorker", summary="Change worker settings", guards=[requires_admin])
    async def update_worker(
        self,
        data: JSONBody[s.WorkerSettingsUpdate],
        worker_admin_service: NamedDependency[WorkerAdminService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.WorkerSettings:
        """Change the health-check interval (60-3600 s), probe concurrency (1-32), retention days (1-3650),
        the daily retention time (HH:MM UTC) or pause/resume scheduled runs. Applies without restart.
        """
        return s.WorkerSettings.of(await worker_admin_service.update_settings(data, current_user))

    @post(
        "/jobs/{job:str}/run",
        operation_id="adminRunJob",
        summary="Run a job now",
        status_code=HTTP_202_ACCEPTED,
        guards=[requires_admin],
    )
    async def run_job(
        self,
        job: Annotated[str, PathParameter(max_length=64)],
        worker_admin_service: NamedDependency[WorkerAdminService],
        job_queue: NamedDependency[JobQueue],
        current_user: NamedDependency[CurrentUser],
    ) -> s.JobEnqueued:
        """Enqueue ``check_server_health`` or ``purge_old_records`` at once (works while paused)."""
        run = await worker_admin_service.run_now(job_queue, job, current_user)
        return s.JobEnqueued(id=run.key, job=run.job, status=run.status)

    @get("/history", operation_id="adminWorkerHistory", summary="Job history", guards=[requires_admin])
    async def history(
        self,
        worker_admin_service: NamedDependency[WorkerAdminService],
        job: Annotated[str | None, QueryParameter(max_length=64)] = None,
        status: Annotated[RunStatus | None, QueryParameter()] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.JobRunPage:
        """Recent runs, newest first: start, duration, status, summary or error."""
        rows, total = await worker_admin_service.history(job=job, status=status, page=page, page_size=page_size)
        return s.JobRunPage(items=[s.JobRun.of(r) for r in rows], total=total, page=page, page_size=page_size)

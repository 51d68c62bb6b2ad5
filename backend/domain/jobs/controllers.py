"""``GET /api/jobs/{id}`` (progress and result) and ``POST /api/projects/{project}/servers/refresh``."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter
from litestar.status_codes import HTTP_202_ACCEPTED

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_user
from backend.domain.admin import worker_schemas as s
from backend.domain.admin.worker_deps import provide_job_queue, provide_worker_admin_service
from backend.domain.admin.worker_services import WorkerAdminService
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_developer
from backend.lib.worker import JobQueue

_DEPENDENCIES = {
    "worker_admin_service": Provide(provide_worker_admin_service),
    "job_queue": Provide(provide_job_queue),
}


class JobController(Controller):
    """A background job's state, for whoever may see it."""

    path = "/api/jobs"
    tags = ["Jobs"]
    guards = [requires_user]
    dependencies = _DEPENDENCIES

    @get("/{job_id:str}", operation_id="getJob", summary="Job progress and result", guards=[requires_user])
    async def get_job(
        self,
        job_id: Annotated[str, PathParameter(max_length=128)],
        worker_admin_service: NamedDependency[WorkerAdminService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.JobRun:
        """Status (queued, running, retrying, complete, failed), progress 0..1, summary or error.

        Readable by the user who enqueued it, members of its project and administrators (404 otherwise).
        """
        return s.JobRun.of(await worker_admin_service.readable_run(job_id, current_user))


class ProjectRefreshController(Controller):
    """Re-check a project's servers in the background."""

    path = "/api/projects/{project:str}/servers"
    tags = ["Servers"]
    dependencies = _DEPENDENCIES

    @post(
        "/refresh",
        operation_id="refreshProjectServers",
        summary="Refresh all servers (background job)",
        status_code=HTTP_202_ACCEPTED,
        guards=[project_developer],
    )
    async def refresh_servers(
        self,
        project_ctx: NamedDependency[ProjectContext],
        worker_admin_service: NamedDependency[WorkerAdminService],
        job_queue: NamedDependency[JobQueue],
        current_user: NamedDependency[CurrentUser],
    ) -> s.JobEnqueued:
        """Enqueue a health check of this project's enabled servers (status, catalogue, logs).

        Returns the job id at once; poll ``GET /api/jobs/{id}`` for progress and the result.
        """
        run = await worker_admin_service.enqueue(
            job_queue,
            "check_server_health",
            kwargs={"project_id": str(project_ctx.project_id)},
            trigger="refresh",
            actor=current_user,
            project_id=project_ctx.project_id,
        )
        return s.JobEnqueued(id=run.key, job=run.job, status=run.status)

"""Worker administration: overview, settings, run-now, history; job status for its readers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.accounts.auth import CurrentUser
from backend.domain.activity.services import ActivityService
from backend.domain.admin import worker_schemas as s
from backend.domain.projects.access import member_role
from backend.domain.system import job_runs
from backend.domain.system.job_runs import utcnow
from backend.domain.system.scheduler import Schedule
from backend.domain.system.worker_settings import WorkerSettingsService
from backend.lib.exceptions import ApplicationError, NotFoundError
from backend.lib.worker import JOBS, SCHEDULES, JobQueue, job_spec


class QueueUnavailableError(ApplicationError):
    """The queue's broker does not answer."""

    status_code = 503


class WorkerAdminService(SQLAlchemyAsyncRepositoryService[m.JobRun]):
    """Job runs, the worker settings row and the queue, seen by administrators."""

    class Repo(SQLAlchemyAsyncRepository[m.JobRun]):
        """Job run repository."""

        model_type = m.JobRun

    repository_type = Repo

    @property
    def _settings(self) -> WorkerSettingsService:
        return WorkerSettingsService(session=self.repository.session)

    async def last_run(self, job: str) -> m.JobRun | None:
        """The most recent run of a job, whatever triggered it."""
        session: AsyncSession = self.repository.session
        rows = await session.execute(
            select(m.JobRun).where(m.JobRun.job == job).order_by(m.JobRun.queued_at.desc()).limit(1)
        )
        return rows.scalar_one_or_none()

    async def _scheduled(self, schedule: Schedule, settings: m.WorkerSettings) -> s.ScheduledJob:
        now = utcnow()
        slot = (
            await self.repository.session.execute(
                select(m.JobSchedule.last_slot_at).where(m.JobSchedule.name == schedule.job)
            )
        ).one_or_none()
        last_slot = slot[0] if slot is not None else schedule.initial_slot(settings, now)
        last = await self.last_run(schedule.job)
        cadence = schedule.describe(settings)
        return s.ScheduledJob(
            job=schedule.job,
            interval_seconds=cadence["interval_seconds"],
            daily_at=cadence["daily_at"],
            next_run_at=schedule.next_run(settings, last_slot, now),
            last_run=s.JobRun.of(last) if last is not None else None,
            paused=settings.paused,
        )

    async def overview(self, job_queue: JobQueue) -> s.WorkerOverview:
        """Running workers, queue depth, each scheduled job, the settings."""
        queue = job_queue.queue
        settings = await self._settings.current()
        try:
            await queue.connect()
            info: dict[str, Any] = dict(await queue.info())
        except Exception as exc:
            raise QueueUnavailableError("The job queue is unreachable") from exc
        workers = []
        for worker_id, entry in (info.get("workers") or {}).items():
            meta = entry.get("metadata") or {}
            workers.append(
                s.WorkerProcess(
                    id=str(worker_id),
                    mode=str(meta.get("mode", "")),
                    host=str(meta.get("host", "")),
                    pid=meta.get("pid"),
                    stats=dict(entry.get("stats") or {}),
                )
            )
        broker = "redis" if type(queue).__name__.lower().startswith("redis") else "postgres"
        state = s.QueueState(
            name=queue.name,
            broker=broker,
            queued=int(info.get("queued") or 0),
            active=int(info.get("active") or 0),
            scheduled=int(info.get("scheduled") or 0),
        )
        jobs = [await self._scheduled(schedule, settings) for schedule in SCHEDULES]
        return s.WorkerOverview(
            paused=settings.paused, settings=s.WorkerSettings.of(settings), workers=workers, queue=state, jobs=jobs
        )

    async def update_settings(self, data: s.WorkerSettingsUpdate, actor: CurrentUser) -> m.WorkerSettings:
        """Change settings (audited when something changed)."""
        row, diff = await self._settings.change(data.changes())
        if diff:
            kind = "worker.settings_changed"
            if diff.keys() == {"paused"}:
                kind = "worker.paused" if row.paused else "worker.resumed"
            await ActivityService(session=self.repository.session).record(
                kind, actor=actor, target_type="worker", target_name="worker", details={"changes": diff}
            )
        return row

    async def run_now(self, job_queue: JobQueue, job: str, actor: CurrentUser) -> m.JobRun:
        """Enqueue a job at once (also while paused)."""
        spec = job_spec(job)
        manual = sorted(name for name, known in JOBS.items() if known.manual)
        if spec is None or not spec.manual:
            raise NotFoundError(f"Unknown job {job!r}; jobs to run now: {', '.join(manual)}")
        run = await self.enqueue(job_queue, job, kwargs={}, trigger="manual", actor=actor)
        await ActivityService(session=self.repository.session).record(
            "worker.job_run_requested", actor=actor, target_type="job", target_id=run.key, target_name=job
        )
        return run

    async def enqueue(
        self,
        job_queue: JobQueue,
        job: str,
        *,
        kwargs: dict[str, Any],
        trigger: str,
        actor: CurrentUser,
        project_id: UUID | None = None,
    ) -> m.JobRun:
        """Record and enqueue a run (503 when the queue is unreachable)."""
        spec = job_spec(job)
        if spec is None:
            raise NotFoundError(f"Unknown job {job!r}")
        try:
            return await job_runs.enqueue(
                job_queue.app,
                job_queue.queue,
                spec,
                kwargs=kwargs,
                trigger=trigger,
                project_id=project_id,
                enqueued_by_id=actor.id,
            )
        except Exception as exc:
            raise QueueUnavailableError("The job queue is unreachable; try again later") from exc

    async def history(
        self, *, job: str | None, status: str | None, page: int, page_size: int
    ) -> tuple[list[m.JobRun], int]:
        """Runs newest first, filtered by job name and status."""
        stmt = select(m.JobRun)
        if job:
            stmt = stmt.where(m.JobRun.job == job)
        if status:
            stmt = stmt.where(m.JobRun.status == status)
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
        rows = await session.execute(
            stmt.order_by(m.JobRun.queued_at.desc(), m.JobRun.id.desc()).offset((page - 1) * page_size).limit(page_size)
        )
        return list(rows.scalars()), int(total)

    async def readable_run(self, key: str, user: CurrentUser) -> m.JobRun:
        """A run its reader may see: the enqueuer, the project's members, administrators (else 404)."""
        run = await self.get_one_or_none(m.JobRun.key == key)
        if run is None:
            raise NotFoundError("Job not found")
        if user.is_admin or run.enqueued_by_id == user.id:
            return run
        if run.project_id is not None and await member_role(self.repository.session, run.project_id, user.id):
            return run
        raise NotFoundError("Job not found")

"""Worker administration and job status schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from backend.db import models as m
from backend.lib.schema import CamelizedBaseStruct, InputStruct

IntervalSeconds = Annotated[int, msgspec.Meta(ge=60, le=3600, description="Seconds between health checks")]
Concurrency = Annotated[int, msgspec.Meta(ge=1, le=32, description="Servers probed at once")]
RetentionDays = Annotated[int, msgspec.Meta(ge=1, le=3650, description="Days to keep")]
TimeOfDay = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", max_length=5, description="HH:MM UTC")]


class WorkerSettings(CamelizedBaseStruct):
    """The worker's runtime settings."""

    health_check_interval_seconds: int
    probe_concurrency: int
    retention_tool_calls_days: int
    retention_server_logs_days: int
    retention_client_sessions_days: int
    retention_activity_days: int
    retention_time: str
    paused: bool

    @classmethod
    def of(cls, row: m.WorkerSettings) -> WorkerSettings:
        """Build from the settings row."""
        return cls(
            health_check_interval_seconds=row.health_check_interval_seconds,
            probe_concurrency=row.probe_concurrency,
            retention_tool_calls_days=row.retention_tool_calls_days,
            retention_server_logs_days=row.retention_server_logs_days,
            retention_client_sessions_days=row.retention_client_sessions_days,
            retention_activity_days=row.retention_activity_days,
            retention_time=row.retention_time,
            paused=row.paused,
        )


class WorkerSettingsUpdate(InputStruct):
    """Change worker settings (only the fields sent); takes effect at the next scheduler tick."""

    health_check_interval_seconds: IntervalSeconds | msgspec.UnsetType = msgspec.UNSET
    probe_concurrency: Concurrency | msgspec.UnsetType = msgspec.UNSET
    retention_tool_calls_days: RetentionDays | msgspec.UnsetType = msgspec.UNSET
    retention_server_logs_days: RetentionDays | msgspec.UnsetType = msgspec.UNSET
    retention_client_sessions_days: RetentionDays | msgspec.UnsetType = msgspec.UNSET
    retention_activity_days: RetentionDays | msgspec.UnsetType = msgspec.UNSET
    retention_time: TimeOfDay | msgspec.UnsetType = msgspec.UNSET
    paused: bool | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        """The fields that were sent."""
        return {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}


class JobRun(CamelizedBaseStruct):
    """One job run: its state, progress, timing and outcome. ``id`` is the job id."""

    id: str
    job: str
    trigger: str
    status: str
    project_id: UUID | None
    enqueued_by_id: UUID | None
    attempts: int
    progress: float
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float | None
    summary: dict[str, Any] | None
    error: str | None

    @classmethod
    def of(cls, row: m.JobRun) -> JobRun:
        """Build from a ``job_run`` row."""
        return cls(
            id=row.key,
            job=row.job,
            trigger=row.trigger,
            status=row.status,
            project_id=row.project_id,
            enqueued_by_id=row.enqueued_by_id,
            attempts=row.attempts,
            progress=row.progress,
            queued_at=row.queued_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            duration_ms=row.duration_ms,
            summary=row.summary,
            error=row.error,
        )


class JobRunPage(CamelizedBaseStruct):
    """A page of job history, newest first."""

    items: list[JobRun]
    total: int
    page: int
    page_size: int


class JobEnqueued(CamelizedBaseStruct):
    """A job put on the queue; poll ``GET /api/jobs/{id}`` for progress."""

    id: str
    job: str
    status: str


class ScheduledJob(CamelizedBaseStruct):
    """A job the scheduler runs: its cadence, next and last run."""

    job: str
    interval_seconds: int | None
    daily_at: str | None
    next_run_at: datetime
    last_run: JobRun | None
    paused: bool


class WorkerProcess(CamelizedBaseStruct):
    """A worker currently registered on the queue (it reports every few seconds)."""

    id: str
    mode: str
    host: str
    pid: int | None
    stats: dict[str, Any]


class QueueState(CamelizedBaseStruct):
    """The queue's broker and depth."""

    name: str
    broker: str
    queued: int
    active: int
    scheduled: int


class WorkerOverview(CamelizedBaseStruct):
    """Everything an administrator needs to steer the background jobs."""

    paused: bool
    settings: WorkerSettings
    workers: list[WorkerProcess]
    queue: QueueState
    jobs: list[ScheduledJob]

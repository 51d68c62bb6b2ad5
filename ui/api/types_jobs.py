"""The UI's view of background jobs and the worker (see ``ui.api.types``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class JobEnqueued:
    """A job put on the queue."""

    id: str = ""
    job: str = ""
    status: str = ""


@dataclass
class JobRun:
    """A job's progress and result."""

    id: str = ""
    job: str = ""
    trigger: str = ""
    status: str = ""
    progress: float = 0.0
    queued_at: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    duration_ms: float | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class JobRunPage:
    """One page of job history."""

    items: list[JobRun] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class WorkerSettings:
    """Worker intervals and retention."""

    health_check_interval_seconds: int = 300
    probe_concurrency: int = 4
    retention_tool_calls_days: int = 30
    retention_server_logs_days: int = 14
    retention_client_sessions_days: int = 30
    retention_activity_days: int = 365
    retention_time: str = "03:30"
    paused: bool = False


@dataclass
class ScheduledJob:
    """A periodic job with its next and last run."""

    job: str = ""
    interval_seconds: int | None = None
    daily_at: str | None = None
    next_run_at: str = ""
    last_run: JobRun | None = None
    paused: bool = False


@dataclass
class QueueState:
    """Queue depth."""

    name: str = ""
    broker: str = ""
    queued: int = 0
    active: int = 0
    scheduled: int = 0


@dataclass
class WorkerProcess:
    """A running worker."""

    id: str = ""
    mode: str = ""
    host: str = ""
    pid: int | None = None


@dataclass
class WorkerOverview:
    """Answer of ``GET /api/admin/worker``."""

    paused: bool = False
    settings: WorkerSettings = field(default_factory=WorkerSettings)
    workers: list[WorkerProcess] = field(default_factory=list)
    queue: QueueState = field(default_factory=QueueState)
    jobs: list[ScheduledJob] = field(default_factory=list)

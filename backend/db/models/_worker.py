from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Boolean, CheckConstraint, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class WorkerSettings(UUIDv7AuditBase):
    """The background worker's knobs, changed at runtime by administrators (one row)."""

    __tablename__ = "worker_settings"
    __table_args__ = (CheckConstraint("singleton", name="ck_worker_settings_singleton"),)

    # Unique + always true: the table can never hold a second row.
    singleton: Mapped[bool] = mapped_column(Boolean, default=True, unique=True)
    health_check_interval_seconds: Mapped[int] = mapped_column(Integer, default=300)
    probe_concurrency: Mapped[int] = mapped_column(Integer, default=4)
    retention_tool_calls_days: Mapped[int] = mapped_column(Integer, default=30)
    retention_server_logs_days: Mapped[int] = mapped_column(Integer, default=14)
    retention_client_sessions_days: Mapped[int] = mapped_column(Integer, default=30)
    retention_activity_days: Mapped[int] = mapped_column(Integer, default=365)
    retention_time: Mapped[str] = mapped_column(String(5), default="03:30")  # HH:MM, UTC
    paused: Mapped[bool] = mapped_column(Boolean, default=False)


class JobSchedule(UUIDv7AuditBase):
    """When a scheduled job last had a slot enqueued (the guard against double and lost runs)."""

    __tablename__ = "job_schedule"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    last_slot_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_run_key: Mapped[str | None] = mapped_column(String(128), default=None)


class JobRun(UUIDv7AuditBase):
    """One background job: queued, claimed by a worker, finished; the history admins read.

    ``key`` is the SAQ job key. A worker runs a job only after atomically claiming its row, so a
    job delivered twice by the queue still runs once.
    """

    __tablename__ = "job_run"
    __table_args__ = (
        Index("ix_job_run_job_created", "job", "created_at"),
        Index("ix_job_run_status_created", "status", "created_at"),
    )

    key: Mapped[str] = mapped_column(String(128), unique=True)
    job: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(16), default="manual")  # schedule, manual, refresh
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # No foreign keys: the history outlives the projects and users it mentions.
    project_id: Mapped[UUID | None] = mapped_column(default=None, index=True)
    enqueued_by_id: Mapped[UUID | None] = mapped_column(default=None)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    timeout_seconds: Mapped[int] = mapped_column(Integer, default=600)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    queued_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    duration_ms: Mapped[float | None] = mapped_column(Float, default=None)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JsonB, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    worker_id: Mapped[str | None] = mapped_column(String(64), default=None)

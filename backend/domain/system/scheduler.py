"""The scheduler tick: every worker runs it every few seconds; one of them enqueues what is due.

SAQ's own cron entries are fixed when the worker starts; ours follow the settings row, so an
administrator's new interval applies at the next tick without a restart. Safety with several
workers: a tick runs under a transaction-scoped advisory lock (others skip that tick); the slot is
recorded in ``job_schedule`` and the run in ``job_run`` in the same transaction, and the SAQ job is
put on the queue only after the commit. A crash between the two leaves a ``queued`` run that the
next tick finds and re-submits (no lost run); the run's row is the execution claim (no double run).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from saq.queue import Queue
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.system.job_runs import JobSpec, new_run, submit, utcnow
from backend.domain.system.worker_settings import WorkerSettingsService
from backend.lib.context import AppContext

logger = logging.getLogger("mcp_orch.scheduler")

TICK_LOCK = 0x6D63_7363  # "mcsc": one scheduler tick at a time across all workers
RESUBMIT_AFTER = timedelta(seconds=30)  # a run queued this long ago but absent from the queue is re-submitted


@dataclass(frozen=True)
class Schedule:
    """When a job runs: every N seconds, or daily at HH:MM UTC (both read from the settings row)."""

    job: str
    every: Callable[[m.WorkerSettings], int] | None = None
    daily_at: Callable[[m.WorkerSettings], str] | None = None

    def describe(self, settings: m.WorkerSettings) -> dict[str, Any]:
        """``{"intervalSeconds": n}`` or ``{"dailyAt": "HH:MM"}`` for the admin view."""
        if self.every is not None:
            return {"interval_seconds": self.every(settings), "daily_at": None}
        assert self.daily_at is not None
        return {"interval_seconds": None, "daily_at": self.daily_at(settings)}

    def initial_slot(self, settings: m.WorkerSettings, now: datetime) -> datetime | None:
        """Slot recorded when the schedule is first seen: interval jobs run at once, daily ones wait."""
        return None if self.every is not None else self._latest_daily(settings, now)

    def due_slot(self, settings: m.WorkerSettings, last: datetime | None, now: datetime) -> datetime | None:
        """The slot to enqueue now, or ``None`` when nothing is due."""
        if self.every is not None:
            if last is None or now >= last + timedelta(seconds=self.every(settings)):
                return now.replace(microsecond=now.microsecond // 1000 * 1000)
            return None
        latest = self._latest_daily(settings, now)
        return latest if last is None or last < latest else None

    def next_run(self, settings: m.WorkerSettings, last: datetime | None, now: datetime) -> datetime:
        """When the next slot falls due (``now`` when overdue)."""
        if self.every is not None:
            due = now if last is None else last + timedelta(seconds=self.every(settings))
        else:
            latest = self._latest_daily(settings, now)
            due = latest if last is None or last < latest else latest + timedelta(days=1)
        return max(due, now)

    def _latest_daily(self, settings: m.WorkerSettings, now: datetime) -> datetime:
        assert self.daily_at is not None
        hours, minutes = (int(p) for p in self.daily_at(settings).split(":"))
        today = datetime.combine(now.date(), time(hours, minutes), tzinfo=now.tzinfo)
        return today if today <= now else today - timedelta(days=1)


async def schedule_row(session: AsyncSession, schedule: Schedule, settings: m.WorkerSettings) -> m.JobSchedule:
    """The ``job_schedule`` row of a schedule, created on first sight."""
    stmt = select(m.JobSchedule).where(m.JobSchedule.name == schedule.job)
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        initial = schedule.initial_slot(settings, utcnow())
        await session.execute(
            insert(m.JobSchedule).values(name=schedule.job, last_slot_at=initial).on_conflict_do_nothing()
        )
        row = (await session.execute(stmt)).scalar_one()
    return row


async def _in_flight(session: AsyncSession, key: str | None) -> bool:
    if key is None:
        return False
    status = (await session.execute(select(m.JobRun.status).where(m.JobRun.key == key))).scalar_one_or_none()
    return status in ("queued", "running", "retrying")


async def tick(app: AppContext, queue: Queue, schedules: tuple[Schedule, ...], specs: dict[str, JobSpec]) -> list[str]:
    """Enqueue every due slot (unless paused) and re-submit lost runs; returns the submitted keys."""
    now = utcnow()
    to_submit: list[tuple[str, str, dict[str, Any]]] = []
    async with app.alchemy.get_session() as session:
        if not (await session.execute(select(func.pg_try_advisory_xact_lock(TICK_LOCK)))).scalar_one():
            return []  # another worker is ticking right now
        settings = await WorkerSettingsService(session=session).current()
        for schedule in schedules:
            row = await schedule_row(session, schedule, settings)
            slot = schedule.due_slot(settings, row.last_slot_at, now)
            # Paused: no scheduled runs. A run still in flight: do not pile up behind it.
            if settings.paused or slot is None or await _in_flight(session, row.last_run_key):
                continue
            key = f"{schedule.job}@{slot:%Y%m%dT%H%M%S}.{slot.microsecond // 1000:03d}Z"
            values = new_run(specs[schedule.job], key, kwargs={}, trigger="schedule")
            await session.execute(insert(m.JobRun).values(**values).on_conflict_do_nothing(index_elements=["key"]))
            row.last_slot_at, row.last_run_key = slot, key
            to_submit.append((schedule.job, key, {}))
        to_submit.extend(await _lost_runs(session, now, exclude={k for _, k, _ in to_submit}))
        await _abandon_stale(session, now)
        await session.commit()
    submitted: list[str] = []
    for job, key, kwargs in to_submit:
        if job in specs and await _absent(queue, key):
            await submit(queue, specs[job], key, kwargs)
            submitted.append(key)
    if submitted:
        logger.info("scheduler submitted jobs", extra={"keys": submitted})
    return submitted


async def _lost_runs(session: AsyncSession, now: datetime, exclude: set[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Runs recorded as queued a while ago (the queue may have lost them: crash, flushed Redis)."""
    rows = await session.execute(
        select(m.JobRun.job, m.JobRun.key, m.JobRun.kwargs)
        .where(m.JobRun.status.in_(("queued", "retrying")), m.JobRun.queued_at < now - RESUBMIT_AFTER)
        .order_by(m.JobRun.queued_at)
        .limit(20)
    )
    return [(job, key, dict(kwargs or {})) for job, key, kwargs in rows if key not in exclude]


async def _absent(queue: Queue, key: str) -> bool:
    await queue.connect()
    job = await queue.job(key)
    return job is None or job.status in ("complete", "failed", "aborted")


async def _abandon_stale(session: AsyncSession, now: datetime) -> None:
    """A run whose worker died mid-way (no heartbeat for twice its timeout) is closed as failed."""
    await session.execute(
        update(m.JobRun)
        .where(
            m.JobRun.status == "running",
            m.JobRun.heartbeat_at < now - func.make_interval(0, 0, 0, 0, 0, 0, m.JobRun.timeout_seconds * 2),
        )
        .values(status="failed", error="abandoned: the worker stopped without finishing", finished_at=now)
    )

"""Helpers for worker tests: wait for runs, read them, move schedule slots."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import anyio
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from backend.db import models as m
from backend.domain.system.worker_settings import WorkerSettingsService
from backend.lib.context import AppContext
from backend.lib.worker import SCHEDULES

T = TypeVar("T")


async def wait_for(probe: Callable[[], Awaitable[T]], *, timeout: float = 20.0, every: float = 0.1) -> T:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value {value!r})")
        await anyio.sleep(every)


async def runs(ctx: AppContext, job: str | None = None, trigger: str | None = None) -> list[m.JobRun]:
    """Job runs, oldest first."""
    stmt = select(m.JobRun).order_by(m.JobRun.queued_at)
    if job:
        stmt = stmt.where(m.JobRun.job == job)
    if trigger:
        stmt = stmt.where(m.JobRun.trigger == trigger)
    async with ctx.alchemy.get_session() as session:
        return list((await session.execute(stmt)).scalars())


async def run_by_key(ctx: AppContext, key: str) -> m.JobRun | None:
    async with ctx.alchemy.get_session() as session:
        return (await session.execute(select(m.JobRun).where(m.JobRun.key == key))).scalar_one_or_none()


async def finished(ctx: AppContext, key: str, timeout: float = 30.0) -> m.JobRun:
    """Wait until a run is complete or failed."""

    async def probe() -> m.JobRun | None:
        run = await run_by_key(ctx, key)
        return run if run is not None and run.status in ("complete", "failed") else None

    return await wait_for(probe, timeout=timeout)


async def move_last_slot(ctx: AppContext, job: str, seconds_ago: float) -> None:
    """Pretend the last scheduled slot of ``job`` was ``seconds_ago`` seconds ago."""
    when = datetime.now(tz=UTC) - timedelta(seconds=seconds_ago)
    async with ctx.alchemy.get_session() as session:
        await session.execute(update(m.JobSchedule).where(m.JobSchedule.name == job).values(last_slot_at=when))
        await session.commit()


async def set_worker_settings(ctx: AppContext, **values: Any) -> None:
    """Change the settings row directly (the API path is tested separately)."""
    async with ctx.alchemy.get_session() as session:
        await WorkerSettingsService(session=session).change(values)
        await session.commit()


async def hold_schedules(ctx: AppContext) -> None:
    """Record every schedule as just run, so a new worker's first tick enqueues nothing."""
    now = datetime.now(tz=UTC)
    async with ctx.alchemy.get_session() as session:
        for schedule in SCHEDULES:
            stmt = insert(m.JobSchedule).values(name=schedule.job, last_slot_at=now)
            await session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"last_slot_at": now}))
        await session.commit()

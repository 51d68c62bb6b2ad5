"""Job history and exactly-once execution: every job has a ``job_run`` row keyed by its SAQ key.

Why our own table rather than SAQ's job records: SAQ forgets a finished job after its TTL and
keeps it in Redis when the queue is on Redis; the history must outlive both and live next to the
data it describes. The row is also the execution claim: a worker runs a job only after flipping
its row from ``queued``/``retrying`` to ``running`` in one UPDATE, so a job the queue delivers
twice (re-enqueued slot, sweep after a lost worker) still runs once.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from saq import Job
from saq.queue import Queue
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from uuid_utils.compat import uuid7

from backend.db import models as m
from backend.domain.changes.events import JobFinished
from backend.lib.context import AppContext

logger = logging.getLogger("mcp_orch.jobs")

JobFunction = Callable[..., Awaitable[dict[str, Any]]]

# Terminal states and the ones a worker may still pick up.
FINISHED = ("complete", "failed", "cancelled")
CLAIMABLE = ("queued", "retrying")
ERROR_TAIL = 4000


@dataclass(frozen=True)
class JobSpec:
    """A job the worker knows: its function and SAQ execution policy."""

    name: str
    function: JobFunction
    timeout: int  # seconds; SAQ cancels the job after this
    retries: int = 2  # attempts in total (SAQ counts the first run)
    ttl: int = 3600  # how long SAQ keeps the finished job (our history is in job_run)
    manual: bool = True  # an administrator may run it now (it needs no arguments)


def utcnow() -> datetime:
    """Aware UTC now."""
    return datetime.now(tz=UTC)


def new_run(
    spec: JobSpec,
    key: str,
    *,
    kwargs: dict[str, Any],
    trigger: str,
    project_id: UUID | None = None,
    enqueued_by_id: UUID | None = None,
) -> dict[str, Any]:
    """Column values of a fresh ``queued`` run."""
    return {
        "key": key,
        "job": spec.name,
        "trigger": trigger,
        "status": "queued",
        "project_id": project_id,
        "enqueued_by_id": enqueued_by_id,
        "kwargs": kwargs,
        "timeout_seconds": spec.timeout,
        "queued_at": utcnow(),
    }


async def claim(app: AppContext, key: str, spec: JobSpec, kwargs: dict[str, Any], worker_id: str) -> bool:
    """Take the run for this worker; ``False`` when another worker has (or had) it."""
    now = utcnow()
    async with app.alchemy.get_session() as session:
        # A job put on the queue without our enqueue helper still gets a history row.
        await session.execute(
            insert(m.JobRun)
            .values(**new_run(spec, key, kwargs=kwargs, trigger="queue"))
            .on_conflict_do_nothing(index_elements=["key"])
        )
        stale = m.JobRun.heartbeat_at < now - timedelta(seconds=spec.timeout)
        result = await session.execute(
            update(m.JobRun)
            .where(
                m.JobRun.key == key,
                or_(m.JobRun.status.in_(CLAIMABLE), and_(m.JobRun.status == "running", stale)),
            )
            .values(
                status="running",
                attempts=m.JobRun.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                worker_id=worker_id,
                error=None,
            )
            .returning(m.JobRun.id)
        )
        claimed = result.scalar_one_or_none() is not None
        await session.commit()
    return claimed


async def settle(app: AppContext, key: str, **values: Any) -> None:
    """Write the outcome of a run (status, summary, error, duration)."""
    async with app.alchemy.get_session() as session:
        await session.execute(update(m.JobRun).where(m.JobRun.key == key).values(**values))
        await session.commit()


async def report_progress(ctx: dict[str, Any], done: int, total: int) -> None:
    """Store a job's progress (0..1) for ``GET /api/jobs/{id}``; doubles as the run's heartbeat."""
    job = ctx.get("job")
    if job is None:
        return
    progress = 1.0 if total <= 0 else min(1.0, done / total)
    await settle(ctx["app"], job.key, progress=progress, heartbeat_at=utcnow())


def recorded(spec: JobSpec) -> JobFunction:
    """Wrap a job function: claim its run, execute, record the outcome in ``job_run``."""

    async def run(ctx: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        app: AppContext = ctx["app"]
        job = ctx["job"]
        worker_id = str(getattr(ctx.get("worker"), "id", ""))[:64]
        if not await claim(app, job.key, spec, kwargs, worker_id):
            logger.info("job already claimed, skipped", extra={"job": spec.name, "job_key": job.key})
            return {"skipped": "already claimed"}
        started = time.monotonic()
        try:
            summary = await spec.function(ctx, **kwargs)
        except asyncio.CancelledError:
            elapsed = time.monotonic() - started
            await asyncio.shield(_on_cancel(app, job, spec, elapsed))
            raise
        except Exception as exc:
            final = not job.retryable
            error = _error_text(exc)
            await settle(
                app,
                job.key,
                status="failed" if final else "retrying",
                error=error,
                finished_at=utcnow() if final else None,
                duration_ms=_ms(started),
            )
            logger.warning("job failed", extra={"job": spec.name, "job_key": job.key, "final": final})
            if final:
                await _announce(ctx, spec, job.key, "failed", kwargs)
            raise
        await settle(
            app,
            job.key,
            status="complete",
            summary=summary,
            progress=1.0,
            finished_at=utcnow(),
            duration_ms=_ms(started),
        )
        logger.info("job complete", extra={"job": spec.name, "job_key": job.key, "summary": summary})
        await _announce(ctx, spec, job.key, "complete", kwargs)
        return summary

    run.__qualname__ = run.__name__ = spec.name
    return run


async def _announce(ctx: dict[str, Any], spec: JobSpec, key: str, status: str, kwargs: dict[str, Any]) -> None:
    """Publish :class:`JobFinished` on the change bus (the API's hub, or a standalone worker's sender)."""
    changes = ctx.get("changes")
    if changes is None:
        return
    project = kwargs.get("project_id")
    try:
        project_id = UUID(str(project)) if project else None
        await changes.deliver([JobFinished(job=spec.name, key=key, status=status, project_id=project_id)])
    except Exception:
        logger.exception("job end not published", extra={"job": spec.name, "job_key": key})


async def _on_cancel(app: AppContext, job: Any, spec: JobSpec, elapsed: float) -> None:
    """A timeout fails the attempt; a stopping worker hands the run back (SAQ re-queues it)."""
    if spec.timeout and elapsed >= spec.timeout - 0.5:
        final = not job.retryable
        await settle(
            app,
            job.key,
            status="failed" if final else "retrying",
            error=f"timed out after {spec.timeout} s",
            finished_at=utcnow() if final else None,
            duration_ms=elapsed * 1000,
        )
        return
    await settle(app, job.key, status="queued", error="interrupted: the worker stopped; the job was re-queued")
    logger.info("job interrupted, re-queued", extra={"job": spec.name, "job_key": job.key})


def _error_text(exc: BaseException) -> str:
    """The exception line first (what admins read), then the end of the traceback."""
    head = f"{type(exc).__name__}: {exc}"
    trace = "".join(traceback.format_exception(exc))
    return (head + "\n\n" + trace[-ERROR_TAIL:])[: ERROR_TAIL + 512]


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


async def find_run(app: AppContext, key: str) -> m.JobRun | None:
    """A run by job id (its SAQ key)."""
    async with app.alchemy.get_session() as session:
        return (await session.execute(select(m.JobRun).where(m.JobRun.key == key))).scalar_one_or_none()


async def submit(queue: Queue, spec: JobSpec, key: str, kwargs: dict[str, Any]) -> None:
    """Put a run on the SAQ queue (a key already queued there is left alone)."""
    await queue.connect()
    job = Job(function=spec.name, kwargs=kwargs, key=key, timeout=spec.timeout, retries=spec.retries, ttl=spec.ttl)
    await queue.enqueue(job)


async def enqueue(
    app: AppContext,
    queue: Queue,
    spec: JobSpec,
    *,
    kwargs: dict[str, Any],
    trigger: str,
    project_id: UUID | None = None,
    enqueued_by_id: UUID | None = None,
) -> m.JobRun:
    """Record a ``queued`` run, then put it on the queue; returns the run (its ``key`` is the job id).

    The row is committed first so the worker always finds it. If the queue is unreachable the run
    is marked failed and the error propagates.
    """
    key = str(uuid7())
    values = new_run(spec, key, kwargs=kwargs, trigger=trigger, project_id=project_id, enqueued_by_id=enqueued_by_id)
    async with app.alchemy.get_session() as session:
        run = m.JobRun(**values)
        session.add(run)
        await session.commit()
    try:
        await submit(queue, spec, key, kwargs)
    except Exception as exc:
        await settle(app, key, status="failed", error=f"could not enqueue: {type(exc).__name__}", finished_at=utcnow())
        raise
    logger.info("job enqueued", extra={"job": spec.name, "job_key": key, "trigger": trigger})
    return run

"""The scheduler with real SAQ workers: slots, runtime interval changes, pause, several workers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import select

from backend.db import models as m
from backend.domain.system.job_runs import JobSpec, enqueue, new_run, submit, utcnow
from backend.domain.system.scheduler import _abandon_stale
from backend.lib.context import AppContext
from backend.lib.worker import JOBS
from tests.integration.worker._support import (
    finished,
    move_last_slot,
    run_by_key,
    runs,
    set_worker_settings,
    wait_for,
)
from tests.integration.worker.conftest import StartWorker

HEALTH = "check_server_health"
PURGE = "purge_old_records"


async def _scheduled_health(ctx: AppContext) -> list[m.JobRun]:
    return await runs(ctx, HEALTH, trigger="schedule")


async def test_first_tick_runs_the_health_check_once_and_the_daily_purge_waits(
    ctx: AppContext, start_worker: StartWorker
) -> None:
    await start_worker()
    first = (await wait_for(lambda: _scheduled_health(ctx)))[0]
    done = await finished(ctx, first.key)
    assert done.status == "complete"
    assert done.summary == {"checked": 0, "healthy": 0, "running": 0, "error": 0, "changed": 0, "servers": 0}
    await anyio.sleep(1.0)
    assert len(await _scheduled_health(ctx)) == 1, "not due again before the interval"
    assert await runs(ctx, PURGE) == [], "the daily purge waits for its time of day"


async def test_interval_change_takes_effect_without_restart(ctx: AppContext, start_worker: StartWorker) -> None:
    await start_worker()
    await finished(ctx, (await wait_for(lambda: _scheduled_health(ctx)))[0].key)
    await move_last_slot(ctx, HEALTH, seconds_ago=200)  # default interval 300 s: not due yet
    await anyio.sleep(1.0)
    assert len(await _scheduled_health(ctx)) == 1
    await set_worker_settings(ctx, health_check_interval_seconds=120)  # now 200 s > 120 s: due

    async def second_run() -> list[m.JobRun]:
        found = await _scheduled_health(ctx)
        return found if len(found) == 2 else []

    second = (await wait_for(second_run, timeout=10))[1]
    assert (await finished(ctx, second.key)).status == "complete"


async def test_two_workers_do_not_double_run_a_scheduled_job(ctx: AppContext, start_worker: StartWorker) -> None:
    first_worker = await start_worker(tick_seconds=0.05)
    second_worker = await start_worker(tick_seconds=0.05)
    assert first_worker.id != second_worker.id
    await finished(ctx, (await wait_for(lambda: _scheduled_health(ctx)))[0].key)
    for _ in range(3):
        count = len(await _scheduled_health(ctx))
        await move_last_slot(ctx, HEALTH, seconds_ago=10_000)

        async def next_run(expected: int = count + 1) -> list[m.JobRun]:
            found = await _scheduled_health(ctx)
            return found if len(found) >= expected else []

        await finished(ctx, (await wait_for(next_run))[-1].key)
        await anyio.sleep(0.5)  # both workers ticked ~10 times since
    scheduled = await _scheduled_health(ctx)
    assert len(scheduled) == 4, [r.key for r in scheduled]
    assert {r.status for r in scheduled} == {"complete"}
    assert all(r.attempts == 1 for r in scheduled), "each slot executed exactly once"
    assert len({r.key for r in scheduled}) == 4


async def test_a_job_delivered_twice_runs_once(ctx: AppContext, start_worker: StartWorker) -> None:
    calls: list[int] = []

    async def count_calls(_: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        return {"calls": len(calls)}

    spec = JobSpec("count_calls", count_calls, timeout=30)
    worker = await start_worker(extra_tasks=(spec,))
    run = await enqueue(ctx, worker.queue, spec, kwargs={}, trigger="manual")
    assert (await finished(ctx, run.key)).summary == {"calls": 1}
    # The queue delivers the same job again (a re-enqueued slot, a sweep after a lost worker).
    await submit(worker.queue, spec, run.key, {})
    await anyio.sleep(1.5)
    assert calls == [1]
    row = await run_by_key(ctx, run.key)
    assert row is not None
    assert row.status == "complete"
    assert row.attempts == 1


async def test_pause_stops_scheduled_runs_but_not_run_now(ctx: AppContext, start_worker: StartWorker) -> None:
    worker = await start_worker()
    await finished(ctx, (await wait_for(lambda: _scheduled_health(ctx)))[0].key)
    await set_worker_settings(ctx, paused=True)
    await move_last_slot(ctx, HEALTH, seconds_ago=10_000)
    await anyio.sleep(1.0)
    assert len(await _scheduled_health(ctx)) == 1, "paused: no scheduled run"
    manual = await enqueue(ctx, worker.queue, JOBS[PURGE], kwargs={}, trigger="manual")
    assert (await finished(ctx, manual.key)).status == "complete", "run-now works while paused"
    await set_worker_settings(ctx, paused=False)

    async def resumed() -> list[m.JobRun]:
        found = await _scheduled_health(ctx)
        return found if len(found) == 2 else []

    await wait_for(resumed, timeout=10)


async def test_daily_purge_runs_when_its_time_of_day_has_passed(ctx: AppContext, start_worker: StartWorker) -> None:
    await start_worker()
    await wait_for(lambda: _scheduled_health(ctx))
    await move_last_slot(ctx, PURGE, seconds_ago=2 * 86_400)  # last purge two days ago: today's slot is due
    purge = (await wait_for(lambda: runs(ctx, PURGE, trigger="schedule")))[0]
    done = await finished(ctx, purge.key)
    assert done.status == "complete"
    assert set(done.summary["deleted"]) == {
        "toolCalls",
        "serverLogs",
        "clientSessions",
        "activity",
        "oauthCodes",
        "oauthTokens",
        "oauthClients",
    }
    assert done.key.startswith("purge_old_records@")
    assert done.key.endswith("00.000Z")


async def test_crashing_job_is_retried_then_recorded_as_failed_with_its_error(
    ctx: AppContext, start_worker: StartWorker
) -> None:
    async def explode(_: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("boom: upstream registry unreadable")

    spec = JobSpec("explode", explode, timeout=30, retries=2)
    worker = await start_worker(extra_tasks=(spec,))
    run = await enqueue(ctx, worker.queue, spec, kwargs={}, trigger="manual")
    done = await finished(ctx, run.key)
    assert done.status == "failed"
    assert done.attempts == 2, "retried once per the SAQ policy (2 attempts)"
    assert done.error is not None
    assert done.error.startswith("RuntimeError: boom: upstream registry unreadable")
    assert done.finished_at is not None
    assert done.duration_ms is not None


async def test_a_run_lost_by_the_queue_is_resubmitted(ctx: AppContext, start_worker: StartWorker) -> None:
    calls: list[int] = []

    async def remember(_: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        return {}

    spec = JobSpec("remember", remember, timeout=30)
    worker = await start_worker(extra_tasks=(spec,))
    # Recorded as queued 60 s ago but never put on the queue (a crash between commit and enqueue).
    values = new_run(spec, "lost-run-1", kwargs={}, trigger="manual")
    values["queued_at"] = utcnow() - timedelta(seconds=60)
    async with ctx.alchemy.get_session() as session:
        session.add(m.JobRun(**values))
        await session.commit()
    done = await finished(ctx, "lost-run-1")
    assert done.status == "complete"
    assert calls == [1]
    assert worker.queue is not None


async def test_job_history_rows_are_never_left_running_by_a_dead_worker(ctx: AppContext) -> None:
    async with ctx.alchemy.get_session() as session:
        values = {
            "key": "dead-1",
            "job": HEALTH,
            "status": "running",
            "timeout_seconds": 10,
            "queued_at": datetime(2026, 1, 1, tzinfo=UTC),
            "heartbeat_at": datetime(2026, 1, 1, tzinfo=UTC),
        }
        session.add(m.JobRun(**values))
        await session.commit()
    async with ctx.alchemy.get_session() as session:
        await _abandon_stale(session, utcnow())
        await session.commit()
        row = (await session.execute(select(m.JobRun).where(m.JobRun.key == "dead-1"))).scalar_one()
    assert row.status == "failed"
    assert "abandoned" in (row.error or "")


async def test_a_stopping_worker_lets_a_running_job_finish_within_the_grace_period(
    ctx: AppContext, start_worker: StartWorker
) -> None:
    started = anyio.Event()

    async def short_job(_: dict[str, Any]) -> dict[str, Any]:
        started.set()
        await anyio.sleep(1.0)
        return {"slept": 1}

    spec = JobSpec("short_job", short_job, timeout=30)
    worker = await start_worker(extra_tasks=(spec,), shutdown_grace_seconds=10)
    run = await enqueue(ctx, worker.queue, spec, kwargs={}, trigger="manual")
    await started.wait()
    await worker.stop()
    done = await run_by_key(ctx, run.key)
    assert done is not None
    assert done.status == "complete"
    assert done.summary == {"slept": 1}

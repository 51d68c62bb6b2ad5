"""Retention: only rows past their retention go, in batches, through the real job and worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from uuid_utils.compat import uuid7

from backend.db import models as m
from backend.domain.system.job_runs import enqueue
from backend.domain.system.retention import Target, purge_table, uuid7_floor
from backend.lib.context import AppContext
from backend.lib.worker import JOBS
from tests.factories import Api
from tests.integration.worker._support import finished, set_worker_settings
from tests.integration.worker.conftest import StartWorker


def _at(days_ago: float) -> tuple[UUID, datetime]:
    """An id and a timestamp of ``days_ago`` days ago (ids are UUIDv7: they carry their time)."""
    when = datetime.now(tz=UTC) - timedelta(days=days_ago)
    return UUID(str(uuid7(nanoseconds=int(when.timestamp() * 1e9)))), when


async def _seed(ctx: AppContext, project_id: UUID) -> dict[str, Any]:
    async with ctx.alchemy.get_session() as session:
        server = m.Server(project_id=project_id, name="old-logs", command="python")
        session.add(server)
        await session.flush()
        for days in (31, 29):  # tool calls: 30 days by default
            row_id, when = _at(days)
            session.add(
                m.ToolCall(
                    id=row_id,
                    project_id=project_id,
                    server_id=server.id,
                    tool=f"t{days}",
                    status="success",
                    started_at=when,
                    finished_at=when,
                )
            )
        for days in (15, 13):  # server logs: 14 days
            row_id, when = _at(days)
            session.add(
                m.ServerLog(id=row_id, project_id=project_id, server_id=server.id, message=f"l{days}", created_at=when)
            )
        for days in (366, 364):  # activity: 365 days
            row_id, when = _at(days)
            session.add(m.Activity(id=row_id, type=f"test.a{days}", project_id=project_id, created_at=when))
        await session.commit()
    return {"server_id": server.id}


async def _names(ctx: AppContext) -> dict[str, set[str]]:
    async with ctx.alchemy.get_session() as session:
        tools = set((await session.execute(select(m.ToolCall.tool))).scalars())
        logs = set((await session.execute(select(m.ServerLog.message))).scalars())
        activity = set((await session.execute(select(m.Activity.type).where(m.Activity.type.like("test.%")))).scalars())
    return {"tools": tools, "logs": logs, "activity": activity}


async def test_retention_deletes_only_rows_past_their_retention(
    api: Api, ctx: AppContext, start_worker: StartWorker
) -> None:
    owner = await api.user()
    project = await api.project(owner)
    await _seed(ctx, UUID(project["id"]))
    worker = await start_worker()
    run = await enqueue(ctx, worker.queue, JOBS["purge_old_records"], kwargs={}, trigger="manual")
    done = await finished(ctx, run.key)
    assert done.status == "complete", done.error
    deleted = done.summary["deleted"]
    assert deleted["toolCalls"] == 1
    assert deleted["serverLogs"] == 1
    assert deleted["activity"] == 1
    assert "clientSessions" in deleted  # None while the client-session table does not exist
    assert await _names(ctx) == {"tools": {"t29"}, "logs": {"l13"}, "activity": {"test.a364"}}


async def test_retention_follows_the_configured_days(api: Api, ctx: AppContext, start_worker: StartWorker) -> None:
    owner = await api.user()
    project = await api.project(owner)
    await _seed(ctx, UUID(project["id"]))
    await set_worker_settings(ctx, retention_tool_calls_days=3650, retention_server_logs_days=10)
    worker = await start_worker()
    run = await enqueue(ctx, worker.queue, JOBS["purge_old_records"], kwargs={}, trigger="manual")
    done = await finished(ctx, run.key)
    assert done.summary["deleted"]["toolCalls"] == 0
    assert done.summary["deleted"]["serverLogs"] == 2
    names = await _names(ctx)
    assert names["tools"] == {"t29", "t31"}
    assert names["logs"] == set()


async def test_purge_works_in_small_batches_and_skips_missing_tables(api: Api, ctx: AppContext) -> None:
    owner = await api.user()
    project = await api.project(owner)
    async with ctx.alchemy.get_session() as session:
        for _ in range(7):
            row_id, when = _at(40)
            session.add(m.Activity(id=row_id, type="test.batch", project_id=UUID(project["id"]), created_at=when))
        await session.commit()
    cutoff = datetime.now(tz=UTC) - timedelta(days=30)
    target = Target("activity", "activity", "created_at", "retention_activity_days")
    assert await purge_table(ctx, target, cutoff, batch=3) == 7
    async with ctx.alchemy.get_session() as session:
        left = (await session.execute(select(func.count()).where(m.Activity.type == "test.batch"))).scalar_one()
    assert left == 0
    assert await purge_table(ctx, Target("x", "no_such_table", "created_at", "x"), cutoff) is None


def test_uuid7_floor_orders_ids_by_time() -> None:
    old_id, old = _at(2)
    new_id, _ = _at(0)
    bound = uuid7_floor(old + timedelta(milliseconds=1))
    assert old_id < bound < new_id

"""Aggregates of the tool-call log: totals, a per-bucket series, per-tool statistics, top errors.

Every query takes the same WHERE clauses as the list (:func:`call_clauses`), so the numbers
always describe the rows a filter shows.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.logs import schemas as s

MAX_SERIES_POINTS = 1440
MAX_TOOL_STATS = 500


def bucket_seconds(window: timedelta) -> int:
    """Per-minute buckets, widened (whole minutes) so a long window stays under ``MAX_SERIES_POINTS``."""
    # A little slack so "the last 3 days" (a few ms over) stays 3-minute buckets, not 4.
    minutes = max(1, math.ceil(window.total_seconds() / 60 / MAX_SERIES_POINTS - 0.001))
    return minutes * 60


def _ms(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def _p(fraction: float) -> Any:
    return func.percentile_cont(fraction).within_group(m.ToolCall.duration_ms)


async def totals(session: AsyncSession, where: list[ColumnElement[bool]]) -> dict[str, Any]:
    """Counts by status, success rate, average and p50/p95/p99 duration."""
    t = m.ToolCall
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(t.status == "success"),
                func.count().filter(t.status == "error"),
                func.count().filter(t.status == "timeout"),
                func.count().filter(t.status == "cancelled"),
                func.avg(t.duration_ms),
                _p(0.5),
                _p(0.95),
                _p(0.99),
            ).where(*where)
        )
    ).one()
    total, success, error, timeout, cancelled, avg, p50, p95, p99 = row
    return {
        "total": int(total),
        "success": int(success),
        "error": int(error),
        "timeout": int(timeout),
        "cancelled": int(cancelled),
        "success_rate": round(success / total, 4) if total else None,
        "avg_ms": _ms(avg),
        "p50_ms": _ms(p50),
        "p95_ms": _ms(p95),
        "p99_ms": _ms(p99),
    }


async def series(
    session: AsyncSession, where: list[ColumnElement[bool]], since: datetime, until: datetime, bucket: int
) -> list[s.SeriesPoint]:
    """One point per bucket from ``since`` to ``until``; buckets without calls are zero, not skipped."""
    t = m.ToolCall
    stride = timedelta(seconds=bucket)
    slot = func.date_bin(stride, t.started_at, since).label("slot")
    rows = await session.execute(
        select(slot, func.count(), func.count().filter(t.status != "success"), _p(0.5), _p(0.95))
        .where(*where)
        .group_by(slot)
    )
    found = {start.astimezone(UTC): (int(n), int(errs), p50, p95) for start, n, errs, p50, p95 in rows.all()}
    points: list[s.SeriesPoint] = []
    at = since.astimezone(UTC)
    while at < until:
        calls, errors, p50, p95 = found.get(at, (0, 0, None, None))
        points.append(
            s.SeriesPoint(
                t=at,
                calls=calls,
                errors=errors,
                calls_per_minute=calls * 60 / bucket,
                error_rate=round(errors / calls, 4) if calls else None,
                p50_ms=_ms(p50),
                p95_ms=_ms(p95),
            )
        )
        at += stride
    return points


async def top_tools(session: AsyncSession, where: list[ColumnElement[bool]]) -> list[s.TopTool]:
    """The ten most-called tools."""
    t = m.ToolCall
    calls = func.count().label("calls")
    rows = await session.execute(
        select(t.server_name, t.tool, calls, func.count().filter(t.status != "success"), func.avg(t.duration_ms))
        .where(*where)
        .group_by(t.server_name, t.tool)
        .order_by(calls.desc(), t.tool)
        .limit(10)
    )
    return [
        s.TopTool(server_name=server, tool=tool, calls=int(n), errors=int(errs), avg_ms=round(float(avg or 0), 3))
        for server, tool, n, errs, avg in rows.all()
    ]


async def tool_stats(session: AsyncSession, where: list[ColumnElement[bool]]) -> list[s.ToolStat]:
    """Every tool called (up to ``MAX_TOOL_STATS``, most-called first) with errors, p50/p95 and last call."""
    t = m.ToolCall
    calls = func.count().label("calls")
    rows = await session.execute(
        select(
            t.server_name,
            t.tool,
            calls,
            func.count().filter(t.status != "success"),
            _p(0.5),
            _p(0.95),
            func.max(t.started_at),
        )
        .where(*where)
        .group_by(t.server_name, t.tool)
        .order_by(calls.desc(), t.server_name, t.tool)
        .limit(MAX_TOOL_STATS)
    )
    return [
        s.ToolStat(
            server_name=server,
            tool=tool,
            calls=int(n),
            errors=int(errs),
            p50_ms=_ms(p50) or 0.0,
            p95_ms=_ms(p95) or 0.0,
            last_at=last,
        )
        for server, tool, n, errs, p50, p95, last in rows.all()
    ]


async def top_errors(session: AsyncSession, where: list[ColumnElement[bool]]) -> list[s.TopError]:
    """The ten most frequent error messages (the status when there is none)."""
    t = m.ToolCall
    message = func.coalesce(t.error_message, t.status).label("message")
    count = func.count().label("count")
    rows = await session.execute(
        select(message, count, func.max(t.started_at))
        .where(*where, t.status != "success")
        .group_by(message)
        .order_by(count.desc(), message)
        .limit(10)
    )
    return [s.TopError(message=str(msg), count=int(n), last_at=last) for msg, n, last in rows.all()]

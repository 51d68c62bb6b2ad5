"""Reading the tool-call log (search, detail, metrics) and the server logs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import ColumnElement, Select, Text, cast, func, or_, select

from backend.db import models as m
from backend.domain.logs import schemas as s
from backend.lib.exceptions import NotFoundError

LEVELS = ("debug", "info", "warning", "error")
MAX_SERIES_POINTS = 1440


@dataclass(frozen=True)
class CallFilter:
    """Filters of the tool-call list (all optional)."""

    server: str | None = None
    tool: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    min_ms: float | None = None
    max_ms: float | None = None


def _server_clause(server: str) -> ColumnElement[bool]:
    """A server filter: its id, or its name (which also finds calls of deleted servers)."""
    try:
        return m.ToolCall.server_id == UUID(server)
    except ValueError:
        return m.ToolCall.server_name == server


def _filtered(project_id: UUID, f: CallFilter) -> Select[tuple[m.ToolCall]]:
    stmt = select(m.ToolCall).where(m.ToolCall.project_id == project_id)
    if f.server:
        stmt = stmt.where(_server_clause(f.server))
    if f.tool:
        stmt = stmt.where(m.ToolCall.tool == f.tool)
    if f.status:
        stmt = stmt.where(m.ToolCall.status == f.status)
    if f.since is not None:
        stmt = stmt.where(m.ToolCall.started_at >= f.since)
    if f.until is not None:
        stmt = stmt.where(m.ToolCall.started_at < f.until)
    if f.min_ms is not None:
        stmt = stmt.where(m.ToolCall.duration_ms >= f.min_ms)
    if f.max_ms is not None:
        stmt = stmt.where(m.ToolCall.duration_ms <= f.max_ms)
    if f.search:
        pattern = f"%{f.search}%"
        stmt = stmt.where(
            or_(
                m.ToolCall.tool.ilike(pattern),
                m.ToolCall.tool_alias.ilike(pattern),
                m.ToolCall.server_name.ilike(pattern),
                m.ToolCall.error_message.ilike(pattern),
                m.ToolCall.client_name.ilike(pattern),
                cast(m.ToolCall.arguments, Text).ilike(pattern),
            )
        )
    return stmt


def _bucket_seconds(window: timedelta) -> int:
    """Per-minute buckets, widened (whole minutes) so a long window stays under ``MAX_SERIES_POINTS``."""
    # A little slack so "the last 3 days" (a few ms over) stays 3-minute buckets, not 4.
    minutes = max(1, math.ceil(window.total_seconds() / 60 / MAX_SERIES_POINTS - 0.001))
    return minutes * 60


class ToolCallService(SQLAlchemyAsyncRepositoryService[m.ToolCall]):
    """The tool-call log of a project."""

    class Repo(SQLAlchemyAsyncRepository[m.ToolCall]):
        """Tool-call repository."""

        model_type = m.ToolCall

    repository_type = Repo

    async def search(
        self, project_id: UUID, f: CallFilter, *, page: int, page_size: int
    ) -> tuple[list[m.ToolCall], int]:
        """A newest-first page of calls matching ``f``."""
        stmt = _filtered(project_id, f)
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
        rows = await session.execute(
            stmt.order_by(m.ToolCall.started_at.desc(), m.ToolCall.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        return list(rows.scalars()), int(total)

    async def get_call(self, project_id: UUID, call_id: UUID) -> m.ToolCall:
        """One call of the project, or 404."""
        row = await self.get_one_or_none(m.ToolCall.id == call_id, m.ToolCall.project_id == project_id)
        if row is None:
            raise NotFoundError("Tool call not found")
        return row

    async def metrics(
        self, project_id: UUID, *, since: datetime | None, until: datetime | None, server: str | None
    ) -> s.ToolCallMetrics:
        """Totals, percentiles (``percentile_cont``), a calls-per-minute series, top tools and errors."""
        until = until or datetime.now(tz=UTC)
        since = since or until - timedelta(hours=1)
        where: list[ColumnElement[bool]] = [
            m.ToolCall.project_id == project_id,
            m.ToolCall.started_at >= since,
            m.ToolCall.started_at < until,
        ]
        if server:
            where.append(_server_clause(server))
        totals = await self._totals(where)
        bucket = _bucket_seconds(until - since)
        return s.ToolCallMetrics(
            since=since,
            until=until,
            bucket_seconds=bucket,
            series=await self._series(where, since, until, bucket),
            top_tools=await self._top_tools(where),
            top_errors=await self._top_errors(where),
            **totals,
        )

    async def _totals(self, where: list[ColumnElement[bool]]) -> dict[str, Any]:
        t = m.ToolCall
        row = (
            await self.repository.session.execute(
                select(
                    func.count(),
                    func.count().filter(t.status == "success"),
                    func.count().filter(t.status == "error"),
                    func.count().filter(t.status == "timeout"),
                    func.count().filter(t.status == "cancelled"),
                    func.avg(t.duration_ms),
                    func.percentile_cont(0.5).within_group(t.duration_ms),
                    func.percentile_cont(0.95).within_group(t.duration_ms),
                    func.percentile_cont(0.99).within_group(t.duration_ms),
                ).where(*where)
            )
        ).one()
        total, success, error, timeout, cancelled, avg, p50, p95, p99 = row

        def _ms(value: Any) -> float | None:
            return None if value is None else round(float(value), 3)

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

    async def _series(
        self, where: list[ColumnElement[bool]], since: datetime, until: datetime, bucket: int
    ) -> list[s.SeriesPoint]:
        stride = timedelta(seconds=bucket)
        slot = func.date_bin(stride, m.ToolCall.started_at, since).label("slot")
        rows = await self.repository.session.execute(
            select(slot, func.count(), func.count().filter(m.ToolCall.status != "success")).where(*where).group_by(slot)
        )
        counts = {start.astimezone(UTC): (int(calls), int(errors)) for start, calls, errors in rows.all()}
        points: list[s.SeriesPoint] = []
        at = since.astimezone(UTC)
        while at < until:
            calls, errors = counts.get(at, (0, 0))
            points.append(s.SeriesPoint(t=at, calls=calls, errors=errors, calls_per_minute=calls * 60 / bucket))
            at += stride
        return points

    async def _top_tools(self, where: list[ColumnElement[bool]]) -> list[s.TopTool]:
        t = m.ToolCall
        calls = func.count().label("calls")
        rows = await self.repository.session.execute(
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

    async def _top_errors(self, where: list[ColumnElement[bool]]) -> list[s.TopError]:
        t = m.ToolCall
        message = func.coalesce(t.error_message, t.status).label("message")
        count = func.count().label("count")
        rows = await self.repository.session.execute(
            select(message, count, func.max(t.started_at))
            .where(*where, t.status != "success")
            .group_by(message)
            .order_by(count.desc(), message)
            .limit(10)
        )
        return [s.TopError(message=str(msg), count=int(n), last_at=last) for msg, n, last in rows.all()]


class ServerLogService(SQLAlchemyAsyncRepositoryService[m.ServerLog]):
    """Server log lines of a project."""

    class Repo(SQLAlchemyAsyncRepository[m.ServerLog]):
        """Server-log repository."""

        model_type = m.ServerLog

    repository_type = Repo

    async def search(
        self,
        project_id: UUID,
        *,
        server_id: UUID | None = None,
        level: str | None = None,
        category: str | None = None,
        since: datetime | None = None,
        search: str | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> tuple[list[tuple[m.ServerLog, str]], int]:
        """Newest-first lines with their server name; ``level`` is a minimum (``warning`` → warning + error)."""
        stmt = (
            select(m.ServerLog, m.Server.name)
            .join(m.Server, m.Server.id == m.ServerLog.server_id)
            .where(m.ServerLog.project_id == project_id)
        )
        if server_id is not None:
            stmt = stmt.where(m.ServerLog.server_id == server_id)
        if level:
            stmt = stmt.where(m.ServerLog.level.in_(LEVELS[LEVELS.index(level) :]))
        if category:
            stmt = stmt.where(m.ServerLog.category == category)
        if since is not None:
            stmt = stmt.where(m.ServerLog.created_at >= since)
        if search:
            stmt = stmt.where(m.ServerLog.message.ilike(f"%{search}%"))
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
        rows = await session.execute(
            stmt.order_by(m.ServerLog.created_at.desc(), m.ServerLog.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        return [(log, name) for log, name in rows.tuples()], int(total)

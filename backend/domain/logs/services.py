"""Reading the tool-call log (search, detail, metrics) and the server logs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import cast
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import func, select

from backend.db import models as m
from backend.domain.logs import call_metrics as cm
from backend.domain.logs import schemas as s
from backend.domain.logs.call_query import CallFilter, call_clauses, named_calls, newest_first
from backend.lib.exceptions import NotFoundError

LEVELS = ("debug", "info", "warning", "error")

# A named call: the row, its API key's name, its user's name and email (each ``None`` when absent).
NamedCall = tuple[m.ToolCall, str | None, str | None, str | None]


class ToolCallService(SQLAlchemyAsyncRepositoryService[m.ToolCall]):
    """The tool-call log of a project."""

    class Repo(SQLAlchemyAsyncRepository[m.ToolCall]):
        """Tool-call repository."""

        model_type = m.ToolCall

    repository_type = Repo

    async def search(
        self, project_id: UUID, f: CallFilter, *, page: int, page_size: int
    ) -> tuple[list[NamedCall], int]:
        """A newest-first page of calls matching ``f``, with the names of their keys and users."""
        where = call_clauses(project_id, f)
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(m.ToolCall).where(*where))).scalar_one()
        rows = await session.execute(newest_first(named_calls(*where)).offset((page - 1) * page_size).limit(page_size))
        return [(call, key, name, email) for call, key, name, email in rows.tuples()], int(total)

    async def get_call(self, project_id: UUID, call_id: UUID) -> NamedCall:
        """One call of the project with its key's and user's names, or 404."""
        stmt = named_calls(m.ToolCall.id == call_id, m.ToolCall.project_id == project_id)
        row = (await self.repository.session.execute(stmt)).tuples().one_or_none()
        if row is None:
            raise NotFoundError("Tool call not found")
        return cast("NamedCall", tuple(row))

    async def metrics(self, project_id: UUID, f: CallFilter) -> s.ToolCallMetrics:
        """Totals, percentiles (``percentile_cont``), a zero-filled series, per-tool statistics and top errors
        of the calls matching ``f``; without ``since`` the window is the hour before ``until`` (default: now)."""
        until = f.until or datetime.now(tz=UTC)
        since = f.since or until - timedelta(hours=1)
        where = call_clauses(project_id, replace(f, since=since, until=until))
        session = self.repository.session
        bucket = cm.bucket_seconds(until - since)
        return s.ToolCallMetrics(
            since=since,
            until=until,
            bucket_seconds=bucket,
            series=await cm.series(session, where, since, until, bucket),
            top_tools=await cm.top_tools(session, where),
            top_errors=await cm.top_errors(session, where),
            tools=await cm.tool_stats(session, where),
            **await cm.totals(session, where),
        )


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

"""Tool-call log, metrics, export and server logs of a project (reporters and above)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter, QueryParameter
from litestar.response import Stream

from backend.domain.logs import schemas as s
from backend.domain.logs.call_query import CallFilter
from backend.domain.logs.deps import (
    Search,
    ServerFilter,
    Since,
    provide_call_filter,
    provide_server_logs_service,
    provide_tool_calls_service,
    utc,
)
from backend.domain.logs.export import MEDIA_TYPES, ExportFormat, export_calls, export_filename
from backend.domain.logs.services import ServerLogService, ToolCallService
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_reader
from backend.domain.servers.deps import provide_servers_service
from backend.domain.servers.services import ServerService
from backend.lib.context import AppContext
from backend.lib.params import Page

Level = Literal["debug", "info", "warning", "error"]
# The export's own filter: ``format``; every other filter is the list's (``provide_call_filter``).
Format = Annotated[ExportFormat, QueryParameter(name="format", description="csv or json")]


class ToolCallController(Controller):
    """The tool-call log: search, detail, metrics and export, all under one filter."""

    path = "/api/projects/{project:str}/tool-calls"
    tags = ["Tool calls"]
    dependencies = {
        "tool_calls_service": Provide(provide_tool_calls_service),
        "call_filter": Provide(provide_call_filter),
    }

    @get("", operation_id="listToolCalls", summary="Search tool calls", guards=[project_reader])
    async def list_tool_calls(
        self,
        *,
        tool_calls_service: NamedDependency[ToolCallService],
        project_ctx: NamedDependency[ProjectContext],
        call_filter: NamedDependency[CallFilter],
        page: Page = 1,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=500)] = 50,
    ) -> s.ToolCallPage:
        """Newest-first calls, each with its API key's name and its user's name and email.

        ``search`` matches tool, server, client, error message and arguments; ``tool`` is a name or alias.
        """
        rows, total = await tool_calls_service.search(
            project_ctx.project_id, call_filter, page=page, page_size=page_size
        )
        items = [s.ToolCallSummary.of(*row) for row in rows]
        return s.ToolCallPage(items=items, total=total, page=page, page_size=page_size)

    @get("/metrics", operation_id="getToolCallMetrics", summary="Tool-call metrics", guards=[project_reader])
    async def get_metrics(
        self,
        *,
        tool_calls_service: NamedDependency[ToolCallService],
        project_ctx: NamedDependency[ProjectContext],
        call_filter: NamedDependency[CallFilter],
    ) -> s.ToolCallMetrics:
        """Totals by status, success rate, p50/p95/p99 duration, a series, per-tool statistics and top errors.

        Takes the same filters as the list, so the numbers describe the rows the list shows. The window
        defaults to the last hour; buckets are one minute (wider for windows over a day). Every bucket of
        the window is in the series: one without calls has zero calls and ``null`` error rate and latency.
        """
        return await tool_calls_service.metrics(project_ctx.project_id, call_filter)

    @get("/export", operation_id="exportToolCalls", summary="Export tool calls as CSV or JSON",
         guards=[project_reader])  # fmt: skip
    async def export_tool_calls(
        self,
        *,
        request: Request[Any, Any, Any],
        project_ctx: NamedDependency[ProjectContext],
        call_filter: NamedDependency[CallFilter],
        fmt: Format = "csv",
    ) -> Stream:
        """Every call matching the list's filters, newest first, streamed as a download (no paging).

        CSV has a header row; JSON is one array of objects. Arguments and results are left out (see a
        call's detail); the key's and user's names are in.
        """
        ctx: AppContext = request.app.state.ctx
        name = export_filename(project_ctx.slug, fmt, datetime.now(tz=UTC))
        return Stream(
            export_calls(ctx.alchemy, project_ctx.project_id, call_filter, fmt),
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/{call_id:uuid}", operation_id="getToolCall", summary="Get a tool call", guards=[project_reader])
    async def get_tool_call(
        self,
        *,
        call_id: Annotated[UUID, PathParameter()],
        tool_calls_service: NamedDependency[ToolCallService],
        project_ctx: NamedDependency[ProjectContext],
    ) -> s.ToolCallDetail:
        """One call with its arguments and result (secret-looking keys redacted, large values truncated)."""
        return s.ToolCallDetail.of(*await tool_calls_service.get_call(project_ctx.project_id, call_id))


class ServerLogController(Controller):
    """Server logs: lifecycle events and stderr lines."""

    path = "/api/projects/{project:str}"
    tags = ["Server logs"]
    dependencies = {
        "server_logs_service": Provide(provide_server_logs_service),
        "servers_service": Provide(provide_servers_service),
    }

    @get("/logs", operation_id="listProjectLogs", summary="Server logs of a project", guards=[project_reader])
    async def list_project_logs(
        self,
        *,
        server_logs_service: NamedDependency[ServerLogService],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        server: ServerFilter = None,
        level: Annotated[Level | None, QueryParameter(description="Minimum level")] = None,
        category: Annotated[str | None, QueryParameter(max_length=32)] = None,
        since: Since = None,
        search: Search = None,
        page: Page = 1,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=1000)] = 100,
    ) -> s.ServerLogPage:
        """Newest-first log lines of every server (``level`` is a minimum: ``warning`` → warning + error)."""
        server_id = (await servers_service.resolve(project_ctx.project_id, server)).id if server else None
        return await _page(
            server_logs_service,
            project_id=project_ctx.project_id,
            server_id=server_id,
            level=level,
            category=category,
            since=utc(since),
            search=search,
            page=page,
            page_size=page_size,
        )

    @get("/servers/{server:str}/logs", operation_id="listServerLogs", summary="Logs of a server",
         guards=[project_reader])  # fmt: skip
    async def list_server_logs(
        self,
        *,
        server: Annotated[str, PathParameter(max_length=64, description="Server id or name")],
        server_logs_service: NamedDependency[ServerLogService],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        level: Annotated[Level | None, QueryParameter(description="Minimum level")] = None,
        category: Annotated[str | None, QueryParameter(max_length=32)] = None,
        since: Since = None,
        search: Search = None,
        page: Page = 1,
        page_size: Annotated[int, QueryParameter(name="pageSize", ge=1, le=1000)] = 100,
    ) -> s.ServerLogPage:
        """Newest-first lifecycle events (category ``lifecycle``/``config``) and stderr lines (``stderr``)."""
        server_id = (await servers_service.resolve(project_ctx.project_id, server)).id
        return await _page(
            server_logs_service,
            project_id=project_ctx.project_id,
            server_id=server_id,
            level=level,
            category=category,
            since=utc(since),
            search=search,
            page=page,
            page_size=page_size,
        )


async def _page(
    service: ServerLogService,
    *,
    project_id: UUID,
    server_id: UUID | None,
    level: str | None,
    category: str | None,
    since: datetime | None,
    search: str | None,
    page: int,
    page_size: int,
) -> s.ServerLogPage:
    rows, total = await service.search(
        project_id,
        server_id=server_id,
        level=level,
        category=category,
        since=since,
        search=search,
        page=page,
        page_size=page_size,
    )
    items = [
        s.ServerLogItem(
            id=log.id,
            server_id=log.server_id,
            server_name=name,
            level=log.level,
            category=log.category,
            message=log.message,
            created_at=log.created_at,
        )
        for log, name in rows
    ]
    return s.ServerLogPage(items=items, total=total, page=page, page_size=page_size)

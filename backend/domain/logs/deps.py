"""Dependency providers for the logs domain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar.params import QueryParameter

from backend.domain.logs.call_query import CallFilter
from backend.domain.logs.services import ServerLogService, ToolCallService

provide_tool_calls_service = create_service_provider(ToolCallService)
provide_server_logs_service = create_service_provider(ServerLogService)

Status = Literal["success", "error", "timeout", "cancelled"]
Since = Annotated[datetime | None, QueryParameter(description="ISO 8601; without a zone, UTC")]
Until = Annotated[datetime | None, QueryParameter(description="ISO 8601, exclusive; without a zone, UTC")]
ServerFilter = Annotated[str | None, QueryParameter(max_length=64, description="Server id or name")]
Search = Annotated[str | None, QueryParameter(max_length=200)]


def utc(value: datetime | None) -> datetime | None:
    """Naive times are taken as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


async def provide_call_filter(
    *,
    server: ServerFilter = None,
    tool: Annotated[str | None, QueryParameter(max_length=256, description="Tool name or alias")] = None,
    status: Annotated[Status | None, QueryParameter()] = None,
    since: Since = None,
    until: Until = None,
    search: Annotated[
        str | None, QueryParameter(max_length=200, description="Tool, server, client, error message or arguments")
    ] = None,
    min_ms: Annotated[float | None, QueryParameter(name="minMs", ge=0)] = None,
    max_ms: Annotated[float | None, QueryParameter(name="maxMs", ge=0)] = None,
) -> CallFilter:
    """The tool-call filter from the query: the list, the metrics and the export take the same one."""
    return CallFilter(
        server=server,
        tool=tool,
        status=status,
        since=utc(since),
        until=utc(until),
        search=search,
        min_ms=min_ms,
        max_ms=max_ms,
    )

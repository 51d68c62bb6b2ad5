"""Tool-call log and server log API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from backend.db import models as m
from backend.lib.schema import CamelizedBaseStruct


class ToolCallSummary(CamelizedBaseStruct):
    """One tool call in a list (arguments and result only in the detail view)."""

    id: UUID
    project_id: UUID
    server_id: UUID | None
    server_name: str
    tool: str
    tool_alias: str | None
    status: str
    error_code: int | None
    error_message: str | None
    duration_ms: float
    started_at: datetime
    finished_at: datetime
    user_id: UUID | None
    api_key_id: UUID | None
    session_id: str | None
    transport: str | None
    client_name: str | None
    client_version: str | None
    api_key_name: str | None = None
    user_name: str | None = None
    user_email: str | None = None

    @classmethod
    def of(
        cls, row: m.ToolCall, key_name: str | None = None, user_name: str | None = None, user_email: str | None = None
    ) -> ToolCallSummary:
        """Build from a model row and the names of its key and user."""
        fields = {name: getattr(row, name) for name in cls.__struct_fields__ if hasattr(row, name)}
        return cls(**fields, api_key_name=key_name, user_name=user_name, user_email=user_email)


class ToolCallDetail(ToolCallSummary):
    """One tool call with its (redacted, size-capped) arguments and result."""

    arguments: Any = None
    result: Any = None

    @classmethod
    def of(
        cls, row: m.ToolCall, key_name: str | None = None, user_name: str | None = None, user_email: str | None = None
    ) -> ToolCallDetail:
        """Build from a model row and the names of its key and user."""
        fields = {name: getattr(row, name) for name in cls.__struct_fields__ if hasattr(row, name)}
        return cls(**fields, api_key_name=key_name, user_name=user_name, user_email=user_email)


class ToolCallPage(CamelizedBaseStruct):
    """A page of tool calls, newest first."""

    items: list[ToolCallSummary]
    total: int
    page: int
    page_size: int


class SeriesPoint(CamelizedBaseStruct):
    """Calls in one time bucket: an empty bucket has zero calls and no rate or latency (``null``)."""

    t: datetime
    calls: int
    errors: int
    calls_per_minute: float
    error_rate: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None


class TopTool(CamelizedBaseStruct):
    """A much-called tool."""

    server_name: str
    tool: str
    calls: int
    errors: int
    avg_ms: float


class ToolStat(CamelizedBaseStruct):
    """One tool's calls, errors, latency percentiles and last call (durations in milliseconds)."""

    server_name: str
    tool: str
    calls: int
    errors: int
    p50_ms: float
    p95_ms: float
    last_at: datetime


class TopError(CamelizedBaseStruct):
    """A frequent error message."""

    message: str
    count: int
    last_at: datetime


class ToolCallMetrics(CamelizedBaseStruct):
    """Aggregates over a time window (durations in milliseconds)."""

    since: datetime
    until: datetime
    total: int
    success: int
    error: int
    timeout: int
    cancelled: int
    success_rate: float | None
    avg_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    bucket_seconds: int
    series: list[SeriesPoint]
    top_tools: list[TopTool]
    top_errors: list[TopError]
    tools: list[ToolStat]


class ServerLogItem(CamelizedBaseStruct):
    """A server log line."""

    id: UUID
    server_id: UUID
    server_name: str
    level: str
    category: str
    message: str
    created_at: datetime


class ServerLogPage(CamelizedBaseStruct):
    """A page of server log lines, newest first."""

    items: list[ServerLogItem]
    total: int
    page: int
    page_size: int

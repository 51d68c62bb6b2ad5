"""The UI's view of the tool-call log: rows, pages and metrics (see ``ui.api.types``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ToolCall:
    """A recorded tool call (``arguments``/``result`` only in the detail answer) with its key's and user's names."""

    id: str = ""
    server_id: str | None = None
    server_name: str = ""
    tool: str = ""
    tool_alias: str | None = None
    status: str = ""
    error_code: int | None = None
    error_message: str | None = None
    duration_ms: float = 0.0
    started_at: str = ""
    finished_at: str = ""
    user_id: str | None = None
    api_key_id: str | None = None
    session_id: str | None = None
    transport: str | None = None
    client_name: str | None = None
    client_version: str | None = None
    api_key_name: str | None = None
    user_name: str | None = None
    user_email: str | None = None
    arguments: Any = None
    result: Any = None


@dataclass
class ToolCallPage:
    """One page of tool calls."""

    items: list[ToolCall] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class SeriesPoint:
    """One time bucket of the tool-call metrics (an empty bucket: zero calls, no rate or latency)."""

    t: str = ""
    calls: int = 0
    errors: int = 0
    calls_per_minute: float = 0.0
    error_rate: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None


@dataclass
class TopTool:
    """A most-called tool."""

    server_name: str = ""
    tool: str = ""
    calls: int = 0
    errors: int = 0
    avg_ms: float = 0.0


@dataclass
class ToolStat:
    """One tool's calls, errors, p50/p95 latency and last call."""

    server_name: str = ""
    tool: str = ""
    calls: int = 0
    errors: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    last_at: str = ""


@dataclass
class ToolCallMetrics:
    """Aggregates over the filtered calls."""

    since: str = ""
    until: str = ""
    total: int = 0
    success: int = 0
    error: int = 0
    timeout: int = 0
    cancelled: int = 0
    success_rate: float | None = None
    avg_ms: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    bucket_seconds: int = 60
    series: list[SeriesPoint] = field(default_factory=list)
    top_tools: list[TopTool] = field(default_factory=list)
    tools: list[ToolStat] = field(default_factory=list)

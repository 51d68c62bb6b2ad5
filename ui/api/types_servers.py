"""The UI's view of servers, tools, tool calls, server logs, jobs and the worker (see ``ui.api.types``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Server:
    """A registered MCP server with its live state. Secret env/header values come back as ``{"set": true}``."""

    id: str = ""
    project_id: str = ""
    name: str = ""
    description: str = ""
    transport: str = "stdio"
    command: str | None = None
    args: list[str] = field(default_factory=list)
    env: dict[str, Any] = field(default_factory=dict)
    cwd: str | None = None
    url: str | None = None
    headers: dict[str, Any] = field(default_factory=dict)
    timeout_seconds: float = 60.0
    enabled: bool = True
    isolation: str = "shared"
    status: str = ""
    pid: int | None = None
    last_checked_at: str | None = None
    last_error: str | None = None
    response_ms: float | None = None
    tools_count: int = 0
    restarts: int = 0
    started_at: str | None = None
    stderr_tail: list[str] = field(default_factory=list)
    server_info: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""


@dataclass
class Tool:
    """A cached tool of a server."""

    name: str = ""
    title: str | None = None
    description: str = ""
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    annotations: dict[str, Any] | None = None
    enabled: bool = True
    server_id: str = ""
    server_name: str = ""
    server_status: str = ""
    server_enabled: bool = True


@dataclass
class CatalogueEntry:
    """A prompt, resource or resource template."""

    name: str = ""
    title: str | None = None
    description: str = ""


@dataclass
class Catalogue:
    """A server's cached catalogue."""

    server_id: str = ""
    server_name: str = ""
    tools: list[Tool] = field(default_factory=list)
    prompts: list[CatalogueEntry] = field(default_factory=list)
    resources: list[CatalogueEntry] = field(default_factory=list)
    resource_templates: list[CatalogueEntry] = field(default_factory=list)
    last_checked_at: str | None = None


@dataclass
class ImportEntryResult:
    """The outcome of one entry of an ``mcpServers`` import."""

    key: str = ""
    name: str = ""
    outcome: str = ""
    detail: str | None = None
    server_id: str | None = None
    needs_values: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """Answer of ``POST .../servers/import``."""

    created: int = 0
    skipped: int = 0
    invalid: int = 0
    results: list[ImportEntryResult] = field(default_factory=list)


@dataclass
class ToolCall:
    """A recorded tool call (``arguments``/``result`` only in the detail answer)."""

    id: str = ""
    server_id: str | None = None
    server_name: str = ""
    tool: str = ""
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
    """One time bucket of the tool-call metrics."""

    t: str = ""
    calls: int = 0
    errors: int = 0
    calls_per_minute: float = 0.0


@dataclass
class TopTool:
    """A most-called tool."""

    server_name: str = ""
    tool: str = ""
    calls: int = 0
    errors: int = 0
    avg_ms: float = 0.0


@dataclass
class ToolCallMetrics:
    """Aggregates over a time range."""

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


@dataclass
class ServerLog:
    """One server log line."""

    id: str = ""
    server_id: str = ""
    server_name: str = ""
    level: str = ""
    category: str = ""
    message: str = ""
    created_at: str = ""


@dataclass
class ServerLogPage:
    """One page of server logs."""

    items: list[ServerLog] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 50


@dataclass
class JobEnqueued:
    """A job put on the queue."""

    id: str = ""
    job: str = ""
    status: str = ""


@dataclass
class JobRun:
    """A job's progress and result."""

    id: str = ""
    job: str = ""
    trigger: str = ""
    status: str = ""
    progress: float = 0.0
    queued_at: str = ""
    started_at: str | None = None
    finished_at: str | None = None
    duration_ms: float | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class JobRunPage:
    """One page of job history."""

    items: list[JobRun] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class WorkerSettings:
    """Worker intervals and retention."""

    health_check_interval_seconds: int = 300
    probe_concurrency: int = 4
    retention_tool_calls_days: int = 30
    retention_server_logs_days: int = 14
    retention_client_sessions_days: int = 30
    retention_activity_days: int = 365
    retention_time: str = "03:30"
    paused: bool = False


@dataclass
class ScheduledJob:
    """A periodic job with its next and last run."""

    job: str = ""
    interval_seconds: int | None = None
    daily_at: str | None = None
    next_run_at: str = ""
    last_run: JobRun | None = None
    paused: bool = False


@dataclass
class QueueState:
    """Queue depth."""

    name: str = ""
    broker: str = ""
    queued: int = 0
    active: int = 0
    scheduled: int = 0


@dataclass
class WorkerProcess:
    """A running worker."""

    id: str = ""
    mode: str = ""
    host: str = ""
    pid: int | None = None


@dataclass
class WorkerOverview:
    """Answer of ``GET /api/admin/worker``."""

    paused: bool = False
    settings: WorkerSettings = field(default_factory=WorkerSettings)
    workers: list[WorkerProcess] = field(default_factory=list)
    queue: QueueState = field(default_factory=QueueState)
    jobs: list[ScheduledJob] = field(default_factory=list)

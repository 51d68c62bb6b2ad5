"""The UI's view of servers, tools, tool calls, server logs, jobs and the worker (see ``ui.api.types``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The tool-call types live in their own module; importers of this one keep working.
from ui.api.types_calls import SeriesPoint, ToolCall, ToolCallMetrics, ToolCallPage, ToolStat, TopTool

__all__ = ["SeriesPoint", "ToolCall", "ToolCallMetrics", "ToolCallPage", "ToolStat", "TopTool"]


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
class TemplateValue:
    """An env key or header a server template asks for, with help on where to get its value."""

    key: str = ""
    help: str = ""
    required: bool = True


@dataclass
class ServerTemplate:
    """A curated server from ``GET /api/server-templates`` (create it with ``templateId``)."""

    id: str = ""
    name: str = ""
    description: str = ""
    transport: str = "stdio"
    command: str | None = None
    args: list[str] = field(default_factory=list)
    url: str | None = None
    env: list[TemplateValue] = field(default_factory=list)
    headers: list[TemplateValue] = field(default_factory=list)
    args_help: str | None = None


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
    alias: str | None = None
    exposed_name: str = ""  # what the server's endpoint offers it as: the alias, else the name
    unified_name: str = ""  # what the unified endpoint offers it as
    server_id: str = ""
    server_name: str = ""
    server_status: str = ""
    server_enabled: bool = True
    context_bytes: int = 0
    context_tokens: int = 0


@dataclass
class BudgetEntry:
    """The size of one endpoint's ``tools/list`` answer."""

    bytes: int = 0
    tokens: int = 0
    tools: int = 0


@dataclass
class ContextBudget:
    """What each endpoint's tool list costs a client's context (``servers`` keyed by server name)."""

    unified: BudgetEntry = field(default_factory=BudgetEntry)
    servers: dict[str, BudgetEntry] = field(default_factory=dict)


@dataclass
class ToolList:
    """``GET /tools``: the tools and the context budget of every endpoint."""

    items: list[Tool] = field(default_factory=list)
    context_budget: ContextBudget = field(default_factory=ContextBudget)


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
class ProjectServerSummary:
    """A project's servers at a glance (``states``: servers per state)."""

    project_id: str = ""
    servers: int = 0
    enabled: int = 0
    tools: int = 0
    states: dict[str, int] = field(default_factory=dict)

"""Servers, tools, tool calls, server logs and jobs of a project."""

from __future__ import annotations

from typing import Any

from ui.api._base import LONG_TIMEOUT, BaseClient, clean
from ui.api.types_jobs import JobEnqueued, JobRun
from ui.api.types_servers import (
    Catalogue,
    ImportReport,
    ProjectServerSummary,
    Server,
    ServerLogPage,
    ServerTemplate,
    Tool,
    ToolCall,
    ToolCallMetrics,
    ToolCallPage,
    ToolList,
)


class ServersApi(BaseClient):
    """``/api/projects/{p}/servers``, ``/tools``, ``/tool-calls``, ``/logs`` and ``/api/jobs``."""

    def _p(self, project: str) -> str:
        return f"/api/projects/{project}"

    async def list_servers(self, project: str) -> list[Server]:
        """The project's servers with live status."""
        return await self.call_list(Server, "GET", f"{self._p(project)}/servers")

    async def get_server(self, project: str, server: str) -> Server:
        """One server by name or id."""
        return await self.call(Server, "GET", f"{self._p(project)}/servers/{server}")

    async def create_server(self, project: str, spec: dict[str, Any]) -> Server:
        """Register a server (``ServerCreate`` JSON, or ``templateId`` plus values and overrides)."""
        return await self.call(Server, "POST", f"{self._p(project)}/servers", json=spec)

    async def server_templates(self) -> list[ServerTemplate]:
        """The curated server templates (create one with ``templateId`` in :meth:`create_server`)."""
        return await self.call_list(ServerTemplate, "GET", "/api/server-templates")

    async def update_server(self, project: str, server: str, spec: dict[str, Any]) -> Server:
        """Change a server (``ServerUpdate`` JSON; omitted fields stay)."""
        return await self.call(Server, "PATCH", f"{self._p(project)}/servers/{server}", json=spec)

    async def delete_server(self, project: str, server: str) -> None:
        """Remove a server."""
        await self.raw("DELETE", f"{self._p(project)}/servers/{server}")

    async def toggle_server(self, project: str, server: str) -> Server:
        """Enable or disable a server."""
        return await self.call(Server, "POST", f"{self._p(project)}/servers/{server}/toggle")

    async def restart_server(self, project: str, server: str) -> Server:
        """Restart a server's upstream process or connection."""
        return await self.call(Server, "POST", f"{self._p(project)}/servers/{server}/restart", timeout=LONG_TIMEOUT)

    async def refresh_server(self, project: str, server: str) -> Catalogue:
        """Reconnect and re-read a server's catalogue."""
        path = f"{self._p(project)}/servers/{server}/refresh"
        return await self.call(Catalogue, "POST", path, timeout=LONG_TIMEOUT)

    async def refresh_all(self, project: str) -> JobEnqueued:
        """Health-check every server of the project in the background."""
        return await self.call(JobEnqueued, "POST", f"{self._p(project)}/servers/refresh")

    async def job(self, job_id: str) -> JobRun:
        """A job's progress."""
        return await self.call(JobRun, "GET", f"/api/jobs/{job_id}")

    async def import_servers(self, project: str, mcp_servers: dict[str, Any]) -> ImportReport:
        """Import an ``mcpServers`` object; a report per entry."""
        path = f"{self._p(project)}/servers/import"
        return await self.call(ImportReport, "POST", path, json={"mcpServers": mcp_servers})

    async def export_servers(self, project: str) -> dict[str, Any]:
        """The project's servers as ``mcpServers`` JSON (secrets left out)."""
        return dict(await self.raw("GET", f"{self._p(project)}/servers/export"))

    async def catalogue(self, project: str, server: str) -> Catalogue:
        """A server's cached tools, prompts and resources."""
        return await self.call(Catalogue, "GET", f"{self._p(project)}/servers/{server}/catalogue")

    async def list_tools(self, project: str, server: str = "", search: str = "") -> ToolList:
        """Tools of every server (optionally filtered) and the context budget of every endpoint."""
        params = clean({"server": server, "search": search})
        return await self.call(ToolList, "GET", f"{self._p(project)}/tools", params=params)

    async def set_tool_enabled(self, project: str, server: str, tool: str, enabled: bool) -> Tool:
        """Enable or disable one tool."""
        path = f"{self._p(project)}/servers/{server}/tools/{tool}"
        return await self.call(Tool, "PATCH", path, json={"enabled": enabled})

    async def set_tool_alias(self, project: str, server: str, tool: str, alias: str | None) -> Tool:
        """Set a tool's alias (``None`` clears it): clients see the alias instead of the tool's name."""
        path = f"{self._p(project)}/servers/{server}/tools/{tool}"
        return await self.call(Tool, "PATCH", path, json={"alias": alias})

    async def call_tool(self, project: str, server: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Call a tool; the MCP ``CallToolResult`` JSON as the server sent it."""
        path = f"{self._p(project)}/servers/{server}/tools/{tool}/call"
        return dict(await self.raw("POST", path, json={"arguments": arguments}, timeout=LONG_TIMEOUT))

    async def tool_calls(self, project: str, **filters: Any) -> ToolCallPage:
        """Recorded tool calls (filters: server, tool, status, since, until, search, page, pageSize)."""
        return await self.call(ToolCallPage, "GET", f"{self._p(project)}/tool-calls", params=clean(filters))

    async def tool_call(self, project: str, call_id: str) -> ToolCall:
        """One tool call with arguments and result."""
        return await self.call(ToolCall, "GET", f"{self._p(project)}/tool-calls/{call_id}")

    async def tool_call_metrics(self, project: str, **filters: Any) -> ToolCallMetrics:
        """Counts, latency percentiles, a time series and per-tool statistics of the calls the list's
        filters select (server, tool, status, since, until, search, minMs, maxMs)."""
        path = f"{self._p(project)}/tool-calls/metrics"
        return await self.call(ToolCallMetrics, "GET", path, params=clean(filters))

    async def export_tool_calls(self, project: str, fmt: str, **filters: Any) -> str:
        """Every call the list's filters select, as CSV or JSON text (``fmt``: ``csv`` or ``json``)."""
        params = clean(filters) | {"format": fmt}
        return await self.text("GET", f"{self._p(project)}/tool-calls/export", params=params, timeout=LONG_TIMEOUT)

    async def server_logs(
        self, project: str, server: str, *, level: str = "", since: str = "", page: int = 1, page_size: int = 100
    ) -> ServerLogPage:
        """A server's log lines, newest first."""
        params = clean({"level": level, "since": since, "page": page, "pageSize": page_size})
        return await self.call(ServerLogPage, "GET", f"{self._p(project)}/servers/{server}/logs", params=params)

    async def server_summaries(self) -> list[ProjectServerSummary]:
        """Servers, tools and states per visible project (projects without servers are left out)."""
        return await self.call_list(ProjectServerSummary, "GET", "/api/server-summary")

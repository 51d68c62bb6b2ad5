"""The server page ``/projects/[project_slug]/servers/[server_ref]``: overview, tools, logs, calls, settings.

It derives from the server form state so the Settings tab reuses the add/edit dialog; the
server shown is looked up in the loaded server list, so a save (which reloads the list)
refreshes the page too.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from ui.api import ApiError
from ui.api.types_servers import Server, ServerLog, Tool, ToolCall, ToolCallMetrics
from ui.components.activity_facts import ActivityRow, activity_rows
from ui.state.server_form import ServerFormState
from ui.state.server_spec import json_of
from ui.state.timerange import since
from ui.state.url_query import QueryField, read_query, url_event

TAIL_SECONDS = 2.0
TAIL_MAX_SECONDS = 1800.0
LOG_LINES = 200
SERVER_TABS = ("overview", "tools", "logs", "calls", "settings")
# The tab and the log level are in the URL (``?tab=logs&level=error``): a reload or a shared link shows them.
URL_FIELDS = (
    QueryField("tab", "server_tab", "overview", SERVER_TABS),
    QueryField("level", "log_level", "all", ("all", "debug", "info", "warning", "error")),
)


class ServerDetailState(ServerFormState):
    """State of the server page."""

    server_tab: str = "overview"
    server_tools: list[Tool] = []
    logs: list[ServerLog] = []
    log_level: str = "all"
    tail: bool = True
    server_calls: list[ToolCall] = []
    server_metrics: ToolCallMetrics = ToolCallMetrics()
    history: list[ActivityRow] = []
    detail_loading: bool = True
    _tail_id: int = 0

    @rx.var
    def server(self) -> Server:
        """The server named in the URL (by name or id)."""
        ref = str(self.server_ref)  # type: ignore[attr-defined]  # dynamic route argument
        return next((s for s in self.servers if ref in (s.name, s.id)), Server())

    @rx.var
    def server_missing(self) -> bool:
        """Loaded, and no such server."""
        return not self.detail_loading and not self.server.id

    @rx.var
    def env_keys(self) -> list[str]:
        """Names of the env variables (values are never shown)."""
        return sorted(self.server.env)

    @rx.var
    def server_json(self) -> str:
        """The server's configuration as JSON (secret values left out)."""
        return json_of(self.server) if self.server.id else ""

    @rx.var
    def log_text(self) -> str:
        """Log lines oldest first, as one text."""
        return "\n".join(
            f"{line.created_at[:19].replace('T', ' ')} {line.level.upper():7} {line.message}"
            for line in reversed(self.logs)
        )

    @rx.event
    def set_server_tab(self, value: str):
        """Switch tabs (kept in the URL); the logs tab starts the live tail."""
        self.server_tab = value
        return [url_event(self, URL_FIELDS), ServerDetailState.load_tab]

    @rx.event
    def set_log_level(self, value: str):
        """Only lines at this level (kept in the URL)."""
        self.log_level = value
        return [url_event(self, URL_FIELDS), ServerDetailState.load_logs]

    @rx.event
    def set_tail(self, value: bool):
        """Follow new log lines."""
        self.tail = value
        return ServerDetailState.tail_logs if value else None

    @rx.event
    def open_page(self):
        """Entering the page: the tab named by ``?tab=`` (tab clicks, the palette's tool items), else the overview."""
        read_query(self, self.router.url.query_parameters, URL_FIELDS)
        self.detail_loading = True
        if self.server_tab == "overview":
            return ServerDetailState.load
        return [ServerDetailState.load, ServerDetailState.load_tab]

    @rx.event
    def load_tab(self):
        """Load what the current tab shows."""
        return {
            "tools": ServerDetailState.load_tools,
            "logs": [ServerDetailState.load_logs, ServerDetailState.tail_logs],
            "calls": ServerDetailState.load_calls,
        }.get(self.server_tab, ServerDetailState.load)

    @rx.event(background=True)
    async def load(self):
        """The servers (for the lookup) and this server's restart/status history."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            servers, activity = await asyncio.gather(
                api.list_servers(slug), api.activity(slug, type_="server", page_size=100)
            )
        except ApiError as exc:
            async with self:
                self.detail_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.servers, self.detail_loading = servers, False
            server_id = self.server.id
            self.history = activity_rows([a for a in activity.items if a.target_id == server_id][:20], {})

    @rx.event(background=True)
    async def load_tools(self):
        """This server's cached tools."""
        async with self:
            api, slug, ref = self._api(), self._slug(), str(self.server_ref)  # type: ignore[attr-defined]
        try:
            catalogue = await api.catalogue(slug, ref)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.server_tools = catalogue.tools

    @rx.event(background=True)
    async def load_logs(self):
        """The newest log lines at the chosen level."""
        async with self:
            api, slug, ref = self._api(), self._slug(), str(self.server_ref)  # type: ignore[attr-defined]
            level = "" if self.log_level == "all" else self.log_level
        try:
            page = await api.server_logs(slug, ref, level=level, page_size=LOG_LINES)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.logs = page.items

    @rx.event(background=True)
    async def tail_logs(self):
        """Poll for new log lines while the logs tab is open (ends by itself when the user leaves)."""
        async with self:
            self._tail_id += 1
            tail_id, path = self._tail_id, self.router.url.path
        deadline = time.monotonic() + TAIL_MAX_SECONDS
        while time.monotonic() < deadline:
            await asyncio.sleep(TAIL_SECONDS)
            async with self:
                alive = (
                    self._tail_id == tail_id
                    and self.tail
                    and self.server_tab == "logs"
                    and self.router.url.path == path
                    and self.token != ""
                )
            if not alive:
                return
            yield ServerDetailState.load_logs

    @rx.event(background=True)
    async def load_calls(self):
        """This server's recent tool calls and their metrics (last 24 hours)."""
        async with self:
            api, slug, name = self._api(), self._slug(), self.server.name
        start = since("24h")
        try:
            page, metrics = await asyncio.gather(
                api.tool_calls(slug, server=name, since=start, pageSize=50),
                api.tool_call_metrics(slug, since=start, server=name),
            )
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.server_calls, self.server_metrics = page.items, metrics

    @rx.event(background=True)
    async def delete_and_leave(self, name: str):
        """Delete the server and go back to the list."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            await api.delete_server(slug, name)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"Server {name} deleted")
        yield rx.redirect(f"/projects/{slug}/servers")

"""The project Overview tab: counts, server status summary, recent activity, connected clients, the Connect card."""

from __future__ import annotations

import asyncio

import reflex as rx

from ui.api import ApiError
from ui.api.types import ActivityItem, ClientConfig
from ui.api.types_endpoints import ClientSession
from ui.api.types_oauth import ClientSignIn
from ui.api.types_servers import Server
from ui.state.project import ProjectState
from ui.state.url_query import QueryField, read_query, url_event

CLIENTS = {
    "claude-code": "Claude Code",
    "cursor": "Cursor",
    "cline": "Cline",
    "vscode": "VS Code",
    "claude-desktop": "Claude Desktop",
    "inspector": "MCP Inspector",
}
TRANSPORTS = {"streamable-http": "Streamable HTTP", "sse": "SSE (legacy)"}
SCOPES = {"unified": "Unified endpoint", "servers": "One entry per server"}
# The Connect card's choices are in the overview's URL (``?client=cursor&transport=sse&scope=servers``).
CONNECT_FIELDS = (
    QueryField("client", "client", "claude-code", tuple(CLIENTS)),
    QueryField("transport", "transport", "streamable-http", tuple(TRANSPORTS)),
    QueryField("scope", "scope", "unified", tuple(SCOPES)),
)
# Live sessions shown on the card (the API pages; a busy project shows "and N more").
SESSIONS_SHOWN = 10


class OverviewState(ProjectState):
    """State of the Overview tab."""

    servers: list[Server] = []
    recent: list[ActivityItem] = []
    sessions: list[ClientSession] = []
    sessions_total: int = 0
    sessions_loading: bool = False
    overview_loading: bool = True
    client: str = "claude-code"
    transport: str = "streamable-http"
    scope: str = "unified"
    config: ClientConfig = ClientConfig()
    config_error: str = ""
    key_only: bool = False
    sign_in: ClientSignIn = ClientSignIn()

    @rx.var
    def tools_total(self) -> int:
        """Tools across all servers."""
        return sum(s.tools_count for s in self.servers)

    @rx.var
    def status_counts(self) -> dict[str, int]:
        """How many servers are in each status."""
        counts: dict[str, int] = {}
        for server in self.servers:
            key = server.status if server.enabled else "disabled"
            counts[key] = counts.get(key, 0) + 1
        return counts

    @rx.event
    def set_client(self, value: str):
        """Pick the MCP client for the snippet."""
        self.client = value
        return [url_event(self, CONNECT_FIELDS), OverviewState.load_config]

    @rx.event
    def set_transport(self, value: str):
        """Pick the transport for the snippet."""
        self.transport = value
        return [url_event(self, CONNECT_FIELDS), OverviewState.load_config]

    @rx.event
    def set_scope(self, value: str):
        """Unified endpoint or one entry per server."""
        self.scope = value
        return [url_event(self, CONNECT_FIELDS), OverviewState.load_config]

    @rx.event
    def set_key_only(self, value: bool):
        """Key-only URLs (never advertising OAuth) for the key configuration."""
        self.key_only = value
        return OverviewState.load_config

    @rx.event
    def open(self):
        """Entering the overview: the Connect card's choices named in the URL, then its data."""
        read_query(self, self.router.url.query_parameters, CONNECT_FIELDS)
        return OverviewState.load

    @rx.event(background=True)
    async def load(self):
        """Servers, the latest activity, live client sessions and the client snippet."""
        async with self:
            self.overview_loading = not self.servers
            api, slug = self._api(), self._slug()
        try:
            servers, activity, sessions = await asyncio.gather(
                api.list_servers(slug),
                api.activity(slug, page_size=8),
                api.client_sessions(slug, state="live", page_size=SESSIONS_SHOWN),
            )
        except ApiError as exc:
            async with self:
                self.overview_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.servers = servers
            self.recent = activity.items
            self.sessions, self.sessions_total = sessions.items, sessions.total
            self.overview_loading = False
        yield OverviewState.load_config

    @rx.var
    def more_sessions(self) -> int:
        """Live sessions beyond the ones listed."""
        return max(self.sessions_total - len(self.sessions), 0)

    @rx.event(background=True)
    async def load_sessions(self):
        """Reload the live client sessions (the Connected clients card's refresh button)."""
        async with self:
            self.sessions_loading = True
            api, slug = self._api(), self._slug()
        try:
            page = await api.client_sessions(slug, state="live", page_size=SESSIONS_SHOWN)
        except ApiError as exc:
            async with self:
                self.sessions_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.sessions, self.sessions_total = page.items, page.total
            self.sessions_loading = False

    @rx.event(background=True)
    async def load_config(self):
        """The ready-to-paste snippet for the chosen client."""
        async with self:
            api, slug = self._api(), self._slug()
            client, transport, scope, key_only = self.client, self.transport, self.scope, self.key_only
        try:
            config = await api.client_config(slug, client, transport, scope, key_only)
            error = ""
        except ApiError as exc:
            if exc.status_code == 401:
                yield await self._on_error(exc)
                return
            config, error = ClientConfig(), exc.detail
        async with self:
            self.config = config
            self.sign_in = config.sign_in or ClientSignIn()
            self.config_error = error

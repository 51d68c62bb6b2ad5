"""The live parts of the servers list, the server page, the overview, the Tools tab and the explorer (``live.py``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ui.api import ApiError
from ui.api._live import LiveEvent
from ui.state.live import LiveMixin
from ui.state.overview import OverviewState
from ui.state.server_detail import ServerDetailState
from ui.state.servers import ServersState
from ui.state.tool_calls import ToolCallsState
from ui.state.tools import ToolsState

# Messages about one server (the server page ignores other servers').
SERVER_KINDS = {"server.changed", "server.deleted", "server.state", "tools.changed"}


class ServersLiveState(LiveMixin, ServersState):
    """The servers list: re-read on any server change or finished job."""

    def _live_reloads(self, event: LiveEvent | None) -> list[Any]:
        if event is None or event.kind in {*SERVER_KINDS, "job.finished", "project.changed"}:
            return [ServersState.load]
        return []


class ServerLiveState(LiveMixin, ServerDetailState):
    """The server page: its status and history, and the open tab's tools or calls."""

    def _live_reloads(self, event: LiveEvent | None) -> list[Any]:
        tab = self.server_tab
        if event is None:
            return [ServerDetailState.load, *self._tab_loaders(tab, tools=True, calls=True)]
        if event.kind in SERVER_KINDS:
            if event.server_id and event.server_id != self.server.id:
                return []
            return [ServerDetailState.load, *self._tab_loaders(tab, tools=True, calls=False)]
        if event.kind == "job.finished":
            return [ServerDetailState.load, *self._tab_loaders(tab, tools=True, calls=False)]
        if event.kind == "calls.changed":
            return self._tab_loaders(tab, tools=False, calls=True)
        return []

    @staticmethod
    def _tab_loaders(tab: str, *, tools: bool, calls: bool) -> list[Any]:
        if tools and tab == "tools":
            return [ServerDetailState.load_tools]
        if calls and tab == "calls":
            return [ServerDetailState.load_calls]
        return []


class OverviewLiveState(LiveMixin, OverviewState):
    """The overview: server numbers and activity on server changes, the sessions card on session changes."""

    def _live_reloads(self, event: LiveEvent | None) -> list[Any]:
        if event is None or event.kind in {*SERVER_KINDS, "job.finished", "project.changed"}:
            return [OverviewState.load, OverviewLiveState.reload_project]
        if event.kind == "sessions.changed":
            return [OverviewState.load_sessions]
        return []

    @rx.event(background=True)
    async def reload_project(self):
        """The project's own numbers (servers, members) without reloading the whole page."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            project = await api.get_project(slug)
        except ApiError:
            return
        async with self:
            if project.id == self.project.id:
                self.project = project


class ExplorerLiveState(LiveMixin, ToolCallsState):
    """The tool-call explorer: the table, the numbers and the charts re-read when calls are recorded."""

    def _live_reloads(self, event: LiveEvent | None) -> list[Any]:
        if event is None or event.kind == "calls.changed":
            return [ToolCallsState.load_calls]
        return []


class ToolsLiveState(LiveMixin, ToolsState):
    """The Tools tab: re-read when a server or a tool changes (enabled, renamed, its list refreshed)."""

    def _live_reloads(self, event: LiveEvent | None) -> list[Any]:
        if event is None or event.kind in {*SERVER_KINDS, "job.finished", "project.changed"}:
            return [ToolsState.load]
        return []

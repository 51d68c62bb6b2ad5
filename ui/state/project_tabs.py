"""Loads the data of the project tab named in the URL (``/projects/[project_slug]/[tab]``)."""

from __future__ import annotations

import reflex as rx

from ui.state.members import MembersState
from ui.state.overview import OverviewState
from ui.state.servers import ServersState
from ui.state.tools import ToolsState
from ui.state.project import ProjectState

TAB_LOADERS = {
    "overview": OverviewState.load,
    "members": MembersState.load,
    "servers": ServersState.load,
    "tools": ToolsState.load,
}


class ProjectTabsState(ProjectState):
    """Dispatches to the current tab's loader."""

    @rx.event
    def load_tab(self):
        """Load the current tab (unknown tabs fall back to the overview)."""
        tab = str(self.tab)  # type: ignore[attr-defined]  # the dynamic route argument
        if tab not in TAB_LOADERS:
            return rx.redirect(f"/projects/{self._slug()}/overview")
        return TAB_LOADERS[tab]

    @rx.event
    def open_project(self):
        """``/projects/[project_slug]`` opens the overview."""
        return rx.redirect(f"/projects/{self._slug()}/overview")

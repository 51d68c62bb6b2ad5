"""Loads the data of the project tab named in the URL (``/projects/[project_slug]/[tab]``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ui.state.activity import ActivityState
from ui.state.invitations import InvitationsState
from ui.state.members import MembersState
from ui.state.overview import OverviewState
from ui.state.project import ProjectState
from ui.state.project_settings import SettingsState
from ui.state.server_form import ServerFormState
from ui.state.servers import ServersState
from ui.state.tool_calls import ToolCallsState
from ui.state.tools import ToolsState

TAB_LOADERS: dict[str, Any] = {
    "overview": OverviewState.open,
    "members": [MembersState.load, InvitationsState.load],
    "servers": ServerFormState.open_tab,
    "tools": ToolsState.open,
    "activity": ToolCallsState.open,
    "settings": SettingsState.open_tab,
}

# What each tab shows, emptied when another project is opened (no flash of the previous one).
EMPTY: dict[type[ProjectState], dict[str, Any]] = {
    OverviewState: {"servers": [], "recent": [], "sessions": [], "sessions_total": 0, "overview_loading": True},
    MembersState: {"members": [], "teams": [], "members_loading": True},
    InvitationsState: {"invitations": [], "invitations_loading": True, "new_link": "", "new_link_message": ""},
    ServersState: {"servers": [], "servers_loading": True},
    ToolsState: {"tools": [], "tools_loading": True, "tool_search": "", "server_filter": "all"},
    ActivityState: {"items": [], "total": 0, "page": 1, "activity_loading": True},
    ToolCallsState: {"calls": [], "calls_total": 0, "calls_page": 1, "calls_loading": True},
    SettingsState: {"keys": [], "key_servers": [], "settings_loading": True},
}


class ProjectTabsState(ProjectState):
    """Dispatches to the current tab's loader."""

    @rx.event
    def load_tab(self):
        """Load the current tab (unknown tabs fall back to the overview)."""
        tab = str(self.tab)  # type: ignore[attr-defined]  # the dynamic route argument
        # Only ``/projects/<slug>/<tab>``: the server page loads its own data, and its ``?tab=`` query
        # (which Reflex merges into the same route arguments) names one of its own tabs.
        if not tab or self.router.url.path.strip("/").count("/") != 2:
            return None
        if tab not in TAB_LOADERS:
            return rx.redirect(f"/projects/{self._slug()}/overview")
        return TAB_LOADERS[tab]

    @rx.event
    async def enter_tab(self):
        """The tab's first on-load step: entering the Tools tab closes its Try dialog.

        Done here, before anything awaits, rather than in the tab's loader (which runs once the project is
        fetched): a click on the rows already shown is processed after this step, so a runner opened meanwhile
        stays open. A re-hydrate of the same page (its websocket reconnected) keeps an open runner too.
        """
        if self._entered_page() and str(self.tab) == "tools":  # type: ignore[attr-defined]  # the dynamic route argument
            (await self.get_state(ToolsState))._forget_try()

    @rx.event
    async def forget_previous_project(self):
        """Empty every tab's data: another project is being opened."""
        for state_cls, fields in EMPTY.items():
            state = await self.get_state(state_cls)
            for name, value in fields.items():
                setattr(state, name, value)

    @rx.event
    def open_project(self):
        """``/projects/[project_slug]`` opens the overview (in place: Back does not come back to the redirect)."""
        return rx.redirect(f"/projects/{self._slug()}/overview", replace=True)

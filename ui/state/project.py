"""The project being viewed: its data, the caller's role, and what the UI may offer them.

Every project tab's state derives from :class:`ProjectState`; the tabs read ``can_write``
(developer or owner, project not archived) and ``is_owner`` to hide write actions from
reporters. The server still enforces every rule; a 403 still shows as a toast.
"""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.types import Project
from ui.state.shell import ShellState

TABS = ("overview", "members", "servers", "tools", "activity", "settings")
RANK = {"reporter": 1, "developer": 2, "owner": 3}


class ProjectState(ShellState):
    """The current project of ``/projects/[project_slug]/...``."""

    project: Project = Project()
    project_loading: bool = True
    project_missing: bool = False

    @rx.var
    def role(self) -> str:
        """The caller's effective role (administrators act as owners)."""
        return "owner" if self.user.is_admin else (self.project.my_role or "reporter")

    @rx.var
    def archived(self) -> bool:
        """Archived projects are read-only."""
        return bool(self.project.archived_at)

    @rx.var
    def can_write(self) -> bool:
        """Developers and owners manage servers and tools (not in archived projects)."""
        return RANK.get(self.role, 0) >= RANK["developer"] and not self.project.archived_at

    @rx.var
    def is_owner(self) -> bool:
        """Owners manage members, settings and every key."""
        return self.role == "owner"

    @rx.var
    def can_manage(self) -> bool:
        """Owner of a project that is not archived."""
        return self.role == "owner" and not self.project.archived_at

    def _slug(self) -> str:
        # ``project_slug`` is the dynamic route argument, a var of the root state.
        return str(self.project_slug)  # type: ignore[attr-defined]

    @rx.event(background=True)
    async def load_project(self):
        """Load the project named in the URL, then the data of the current tab."""
        from ui.state.project_tabs import ProjectTabsState  # noqa: PLC0415 - the tab states derive from this one

        async with self:
            slug = self._slug()
            switched = self.project.slug != slug
            if switched:
                self.project = Project()
                self.project_loading = True
            self.project_missing = False
            api = self._api()
        if switched:
            yield ProjectTabsState.forget_previous_project
        try:
            project = await api.get_project(slug)
        except ApiError as exc:
            async with self:
                self.project_loading = False
                self.project_missing = exc.status_code == 404
            if exc.status_code != 404:
                yield await self._on_error(exc)
            return
        async with self:
            self.project = project
            self.project_loading = False
        yield ProjectTabsState.load_tab

    @rx.event
    def go_tab(self, tab: str):
        """Switch tabs by URL, so every tab can be linked and reloaded."""
        return rx.redirect(f"/projects/{self._slug()}/{tab}")

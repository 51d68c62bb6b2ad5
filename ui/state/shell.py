"""The top bar's project switcher: the user's projects, favorites first, and their shortcuts."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.types import Project
from ui.state.auth import AuthState

MAX_SHORTCUTS = 9


class ShellState(AuthState):
    """Projects for the switcher (Ctrl/⌘+K) and favorites for Ctrl/⌘+1…9."""

    switcher_open: bool = False
    switcher_query: str = ""
    switcher_projects: list[Project] = []
    switcher_loaded: bool = False
    # Administrators only: the sandbox is off or cannot start (``GET /api/admin/sandbox``).
    sandbox_warning: str = ""

    @rx.var
    def switcher_matches(self) -> list[Project]:
        """Projects matching the search (the API orders favorites first)."""
        q = self.switcher_query.strip().lower()
        if not q:
            return self.switcher_projects
        return [p for p in self.switcher_projects if q in p.name.lower() or q in p.slug]

    @rx.var
    def favorite_projects(self) -> list[Project]:
        """The first nine favorites, the targets of Ctrl/⌘+1…9."""
        return [p for p in self.switcher_projects if p.is_favorite][:MAX_SHORTCUTS]

    @rx.event
    def set_switcher_query(self, value: str):
        """Filter the switcher list."""
        self.switcher_query = value

    @rx.event
    def set_switcher_open(self, value: bool):
        """Open or close the switcher; opening refreshes the list."""
        self.switcher_open = value
        self.switcher_query = ""
        if value:
            return ShellState.load_switcher
        return None

    @rx.event
    def close_switcher(self):
        """Close after a project was picked."""
        self.switcher_open = False

    @rx.event(background=True)
    async def load_switcher(self):
        """Load the user's projects (favorites first)."""
        async with self:
            if not self.token:
                return
            api, is_admin = self._api(), self.user.is_admin
        try:
            page = await api.list_projects(page_size=100)
            warning = await api.admin_sandbox_warning() if is_admin else ""
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.switcher_projects = page.items
            self.switcher_loaded = True
            self.sandbox_warning = warning

    @rx.event
    def ensure_switcher(self):
        """Load the favorites once per session so the shortcuts work from the first page."""
        if not self.switcher_loaded and self.token:
            return ShellState.load_switcher
        return None

"""The signed-in shell's data: the user's projects (favorites first) for the palette and the Ctrl/⌘+1…9 shortcuts."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.types import Project
from ui.state.auth import AuthState

MAX_SHORTCUTS = 9


class ShellState(AuthState):
    """Projects for the command palette (Ctrl/⌘+K) and favorites for Ctrl/⌘+1…9."""

    switcher_projects: list[Project] = []
    switcher_loaded: bool = False
    # Administrators only: the sandbox is off or cannot start (``GET /api/admin/sandbox``).
    sandbox_warning: str = ""

    @rx.var
    def favorite_projects(self) -> list[Project]:
        """The first nine favorites, the targets of Ctrl/⌘+1…9."""
        return [p for p in self.switcher_projects if p.is_favorite][:MAX_SHORTCUTS]

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

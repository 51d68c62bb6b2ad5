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
    # The path whose on-load ran last, and whether the latest on-load was for that same path again: a
    # websocket reconnect re-hydrates the page and re-runs its on-load handlers without any navigation.
    _loaded_path: str = ""
    _same_page: bool = False

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
    def enter_page(self):
        """Every page's first on-load: note its path, and whether the page was loaded again in place (a
        re-hydrate, or a reload) rather than entered from another page. Handlers that close a page's
        dialogs on entry ask :meth:`_entered_page` first, so a re-hydrate under load does not close them."""
        path = self.router.url.path
        self._same_page = path == self._loaded_path
        self._loaded_path = path

    def _entered_page(self) -> bool:
        """The current on-load enters the page (from another page, or the first load), not a re-load of it."""
        return not self._same_page

    @rx.event
    def ensure_switcher(self):
        """Load the favorites once per session so the shortcuts work from the first page."""
        if not self.switcher_loaded and self.token:
            return ShellState.load_switcher
        return None

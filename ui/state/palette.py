"""The command palette (Ctrl/⌘+K): filter as you type, Up/Down to move, Enter to run, Esc to close.

The highlight is an index into the visible items, kept here, so the keys and the mouse run the
same :meth:`PaletteState.run_target`. The search box is uncontrolled (no debounce): its changes
and its key presses reach the server in the order they were typed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from ui.api import ApiError
from ui.api.types_servers import Server, Tool
from ui.state.auth import AuthState
from ui.state.palette_items import ACTION_PREFIX, PaletteItem, catalogue, matches, project_of_path
from ui.state.project_settings import SettingsState
from ui.state.projects import ProjectsState
from ui.state.server_form import ServerFormState
from ui.state.shell import ShellState

SCROLL_JS = "document.getElementById('palette-item-{index}')?.scrollIntoView({{block: 'nearest'}})"


class PaletteState(ShellState):
    """The palette's query, visible items and highlighted item."""

    palette_open: bool = False
    palette_query: str = ""
    palette_index: int = 0
    palette_items: list[PaletteItem] = []
    _palette_slug: str = ""
    _palette_servers: list[Server] = []
    _palette_tools: list[Tool] = []

    def _refilter(self) -> None:
        items = catalogue(
            self.switcher_projects,
            slug=self._palette_slug,
            servers=self._palette_servers,
            tools=self._palette_tools,
            is_admin=self.user.is_admin,
        )
        self.palette_items = matches(items, self.palette_query)
        self.palette_index = min(self.palette_index, max(len(self.palette_items) - 1, 0))

    @rx.event
    def set_palette_open(self, value: bool):
        """Open (empty search, the current project's servers and tools reloaded) or close the palette."""
        self.palette_open = value
        if not value:
            return None
        slug = project_of_path(self.router.url.path)
        if slug != self._palette_slug:
            self._palette_slug, self._palette_servers, self._palette_tools = slug, [], []
        self.palette_query, self.palette_index = "", 0
        self._refilter()
        return PaletteState.load_palette

    @rx.event
    def set_palette_query(self, value: str):
        """Filter; the highlight goes back to the best match."""
        self.palette_query, self.palette_index = value, 0
        self._refilter()

    @rx.event
    def palette_key(self, key: str):
        """Arrow keys move the highlight (wrapping around), Enter runs the highlighted item."""
        count = len(self.palette_items)
        if key == "Enter":
            return PaletteState.run_item(self.palette_index)
        if key not in ("ArrowDown", "ArrowUp") or count == 0:
            return None
        step = 1 if key == "ArrowDown" else -1
        self.palette_index = (self.palette_index + step) % count
        return rx.call_script(SCROLL_JS.format(index=self.palette_index))

    @rx.event
    def run_item(self, index: int):
        """Run the visible item at ``index`` (the highlighted one, for Enter)."""
        if not 0 <= index < len(self.palette_items):
            return None
        return self._run(self.palette_items[index].target)

    @rx.event
    def run_target(self, target: str):
        """Run the clicked item.

        A click names its target, not its position: the list may have been filtered again
        between the render the mouse saw and the click reaching the server.
        """
        return self._run(target)

    def _run(self, target: str) -> Any:
        """Open the item's page or run its action, and close the palette."""
        self.palette_open = False
        if target.startswith(ACTION_PREFIX):
            return self._action(target.removeprefix(ACTION_PREFIX))
        return self._go(target) if target.startswith("/") else None

    def _go(self, path: str, then: Any = None) -> list[Any]:
        # Opening a form on the page already shown needs no navigation (which would reload the page).
        events = [] if self.router.url.path.rstrip("/") == path else [rx.redirect(path)]
        return [*events, then] if then is not None else events

    def _action(self, name: str) -> Any:
        base = f"/projects/{self._palette_slug}"
        if name == "add-server":
            return self._go(f"{base}/servers", ServerFormState.open_create)
        if name == "create-key":
            return self._go(f"{base}/settings", SettingsState.set_key_open(True))
        if name == "new-project":
            return self._go("/projects", ProjectsState.set_create_open(True))
        if name == "sign-out":
            return AuthState.logout
        return None

    @rx.event(background=True)
    async def load_palette(self):
        """The user's projects and, inside a project, its servers and tools."""
        async with self:
            if not self.token:
                return
            api, slug = self._api(), self._palette_slug
        try:
            page = await api.list_projects(page_size=100)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        servers: list[Server] = []
        tools: list[Tool] = []
        if slug:
            try:
                servers, tool_list = await asyncio.gather(api.list_servers(slug), api.list_tools(slug))
                tools = tool_list.items
            except ApiError:
                pass  # an unknown or forbidden project: the page itself says so; offer the rest
        async with self:
            self.switcher_projects, self.switcher_loaded = page.items, True
            if slug == self._palette_slug:
                self._palette_servers, self._palette_tools = servers, tools
            self._refilter()

"""The API-keys screen: every project's keys, filtered by project and paged; revoke after a confirmation."""

from __future__ import annotations

import asyncio

import reflex as rx

from ui.api import ApiError
from ui.api.types_admin import AdminApiKey
from ui.state.admin import AdminState

KEYS_PAGE_SIZE = 25
ALL_PROJECTS = "all"


class AdminKeysState(AdminState):
    """Keys across projects; the one waiting for confirmation of its revocation."""

    admin_keys: list[AdminApiKey] = []
    keys_total: int = 0
    keys_page: int = 1
    keys_project: str = ALL_PROJECTS
    project_options: list[list[str]] = []  # [slug, name]
    keys_loading: bool = False
    revoke_open: bool = False
    revoke_id: str = ""
    revoke_name: str = ""
    revoke_project: str = ""

    @rx.var
    def keys_pages(self) -> int:
        """How many pages of keys the filter finds (at least one)."""
        return max(1, -(-self.keys_total // KEYS_PAGE_SIZE))

    @rx.event
    def open_keys(self):
        """The screen opens: every project, first page."""
        self.keys_page, self.keys_project = 1, ALL_PROJECTS
        return AdminKeysState.load_keys(True)

    @rx.event
    def set_keys_project(self, value: str):
        """Only one project's keys (or all)."""
        self.keys_project, self.keys_page = value, 1
        return AdminKeysState.load_keys(False)

    @rx.event
    def go_keys_page(self, page: int):
        """Another page of keys."""
        self.keys_page = max(1, min(page, self.keys_pages))
        return AdminKeysState.load_keys(False)

    @rx.event(background=True)
    async def load_keys(self, with_projects: bool):
        """Read a page of keys (and, on opening, the projects for the filter)."""
        async with self:
            self.keys_loading = True
            api, page = self._api(), self.keys_page
            project = "" if self.keys_project == ALL_PROJECTS else self.keys_project
        try:
            keys, projects = await asyncio.gather(
                api.admin_api_keys(project, page=page, page_size=KEYS_PAGE_SIZE),
                api.admin_projects(page_size=200) if with_projects else asyncio.sleep(0, None),
            )
        except ApiError as exc:
            async with self:
                self.keys_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.admin_keys, self.keys_total, self.keys_loading = keys.items, keys.total, False
            if projects is not None:
                self.project_options = [[p.slug, p.name] for p in projects.items]

    @rx.event
    def ask_revoke(self, key_id: str, name: str, project: str):
        """Revoke was clicked: ask first."""
        self.revoke_id, self.revoke_name, self.revoke_project, self.revoke_open = key_id, name, project, True

    @rx.event
    def set_revoke_open(self, value: bool):
        """Close the confirmation (Cancel revokes nothing)."""
        self.revoke_open = value

    @rx.event(background=True)
    async def confirm_revoke(self):
        """Revoke the confirmed key."""
        async with self:
            self.revoke_open = False
            api, key_id, name = self._api(), self.revoke_id, self.revoke_name
        try:
            await api.admin_revoke_key(key_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"Key {name} revoked; its open sessions end now")
        yield AdminKeysState.load_keys(False)

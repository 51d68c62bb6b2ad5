"""The API-keys screen: every project's keys, filtered by project and paged; revoke after a confirmation."""

from __future__ import annotations

import asyncio

import reflex as rx

from ui.api import ApiClient, ApiError
from ui.api.types_admin import AdminApiKey
from ui.state.admin import AdminState
from ui.state.paged_list import ListQuery, ListRead, PagedListMixin


class AdminKeysState(PagedListMixin, AdminState):
    """Keys across projects, filtered by project; the one waiting for confirmation of its revocation."""

    admin_keys: list[AdminApiKey] = []
    project_options: list[list[str]] = []  # [slug, name]
    revoke_open: bool = False
    revoke_id: str = ""
    revoke_name: str = ""
    revoke_project: str = ""

    async def _read_list(self, api: ApiClient, query: ListQuery) -> ListRead:
        """A page of keys, and on opening the projects the filter offers."""
        keys, projects = await asyncio.gather(
            api.admin_api_keys(query.filter, page=query.page, page_size=query.page_size),
            api.admin_projects(page_size=200) if query.opening else asyncio.sleep(0, None),
        )
        read = ListRead(keys.total, {"admin_keys": keys.items})
        if projects is not None:
            read.fields["project_options"] = [[p.slug, p.name] for p in projects.items]
        return read

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
        yield AdminKeysState.load_list(False)

"""Reassigning an API key (owners): a suspended key comes back once a developer or owner holds it."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.types import Member
from ui.state.project_settings import SettingsState

KEY_HOLDER_ROLES = ("developer", "owner")


def key_holders(members: list[Member]) -> list[Member]:
    """Members who may hold a key: active developers and owners."""
    return [m for m in members if m.is_active and m.role in KEY_HOLDER_ROLES]


class KeyReassignState(SettingsState):
    """The reassign dialog: which key, and the members who may take it over."""

    reassign_open: bool = False
    reassign_key_id: str = ""
    reassign_key_name: str = ""
    reassign_candidates: list[Member] = []
    reassigning: bool = False

    @rx.event
    def set_reassign_open(self, value: bool):
        """Open or close the dialog."""
        self.reassign_open = value

    @rx.event(background=True)
    async def start(self, key_id: str, name: str):
        """Open the dialog for a key and load the developers and owners of the project."""
        async with self:
            self.reassign_key_id, self.reassign_key_name = key_id, name
            self.reassign_candidates, self.reassign_open = [], True
            api, slug = self._api(), self._slug()
        try:
            members = await api.members(slug, page_size=100)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.reassign_candidates = key_holders(members.items)

    @rx.event(background=True)
    async def reassign(self, form: dict[str, str]):
        """Make the chosen member the key's creator."""
        user_id = form.get("user_id", "")
        if not user_id:
            yield rx.toast.error("Choose who takes over the key")
            return
        async with self:
            self.reassigning = True
            api, slug, key_id, name = self._api(), self._slug(), self.reassign_key_id, self.reassign_key_name
        try:
            key = await api.reassign_api_key(slug, key_id, user_id)
        except ApiError as exc:
            async with self:
                self.reassigning = False
            yield await self._on_error(exc)
            return
        async with self:
            self.reassigning, self.reassign_open = False, False
        holder = key.created_by.name if key.created_by else "the new holder"
        yield rx.toast.success(f"Key {name} now belongs to {holder}")
        yield SettingsState.load

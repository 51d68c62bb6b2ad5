"""The profile page's OAuth grants: MCP clients the user let open an endpoint, and withdrawing them."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.types_oauth import OAuthGrant
from ui.state.auth import AuthState


class OAuthGrantsState(AuthState):
    """The user's remembered OAuth consents."""

    grants: list[OAuthGrant] = []
    grants_loading: bool = True

    @rx.event(background=True)
    async def load(self):
        """Load the grants, newest first."""
        async with self:
            if not self.token:
                return
            api = self._api()
        try:
            grants = await api.oauth_grants()
        except ApiError as exc:
            async with self:
                self.grants_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.grants, self.grants_loading = grants, False

    @rx.event(background=True)
    async def withdraw(self, grant_id: str):
        """Withdraw one: the client's tokens stop working and its open MCP sessions close at once."""
        async with self:
            api = self._api()
        try:
            await api.withdraw_oauth_grant(grant_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success("Access withdrawn")
        yield OAuthGrantsState.load

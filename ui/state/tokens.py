"""The profile page's personal access tokens: create (shown once), list, revoke."""

from __future__ import annotations

import asyncio

import reflex as rx

from ui.api import ApiError
from ui.api.types import Project
from ui.api.types_credentials import PersonalAccessToken
from ui.state.auth import AuthState

TOKEN_EXPIRY = {"30 days": 30, "90 days": 90, "1 year": 365, "never": None}
DEFAULT_EXPIRY = "90 days"
SCOPES = ("read", "write", "admin")
ALL_PROJECTS = "all"  # a select item's value cannot be empty


def token_request(form: dict[str, str], scopes: list[str]) -> tuple[str, list[str], str | None, int | None]:
    """Name, scopes (in a stable order), project (``None``: every project) and expiry in days from the form."""
    project = form.get("project", ALL_PROJECTS).strip()
    return (
        form.get("name", "").strip(),
        [scope for scope in SCOPES if scope in scopes],
        None if project in ("", ALL_PROJECTS) else project,
        TOKEN_EXPIRY.get(form.get("expiry", DEFAULT_EXPIRY), TOKEN_EXPIRY[DEFAULT_EXPIRY]),
    )


class TokensState(AuthState):
    """The user's personal access tokens and the create form."""

    tokens: list[PersonalAccessToken] = []
    token_projects: list[Project] = []
    tokens_loading: bool = True
    token_scopes: list[str] = ["read"]
    creating_token: bool = False
    new_token: str = ""
    new_token_name: str = ""

    @rx.event
    def toggle_scope(self, scope: str, checked: bool):
        """Tick or untick a scope of the token to create."""
        rest = [s for s in self.token_scopes if s != scope]
        self.token_scopes = [*rest, scope] if checked else rest

    @rx.event
    def forget_new_token(self):
        """The shown-once token was copied (or the page left): it is never shown again."""
        self.new_token, self.new_token_name = "", ""

    @rx.event
    def open(self):
        """Entering the profile page: no token from an earlier visit is shown; load the list."""
        self.new_token, self.new_token_name = "", ""
        return TokensState.load

    @rx.event(background=True)
    async def load(self):
        """The tokens, and the user's projects for the project restriction."""
        async with self:
            if not self.token:
                return
            api = self._api()
        try:
            tokens, projects = await asyncio.gather(api.personal_access_tokens(), api.list_projects(page_size=100))
        except ApiError as exc:
            async with self:
                self.tokens_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.tokens, self.token_projects, self.tokens_loading = tokens, projects.items, False

    @rx.event(background=True)
    async def create(self, form: dict[str, str]):
        """Create a token and show it this once."""
        async with self:
            name, scopes, project, days = token_request(form, self.token_scopes)
            self.creating_token = bool(scopes)
            api = self._api()
        if not scopes:
            yield rx.toast.error("Choose at least one scope")
            return
        try:
            created = await api.create_personal_access_token(name, scopes, project, days)
        except ApiError as exc:
            async with self:
                self.creating_token = False
            yield await self._on_error(exc)
            return
        async with self:
            self.creating_token = False
            self.new_token, self.new_token_name = created.token, created.name
        yield rx.set_value("token-name", "")
        yield TokensState.load

    @rx.event(background=True)
    async def revoke(self, token_id: str, name: str):
        """Revoke a token: refused from its next request on."""
        async with self:
            api = self._api()
        try:
            await api.revoke_personal_access_token(token_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"Token {name} revoked")
        yield TokensState.load

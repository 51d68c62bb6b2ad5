"""The signed-in user's credentials: sign-in sessions and personal access tokens."""

from __future__ import annotations

from typing import Any

from ui.api._base import BaseClient
from ui.api.types_credentials import PersonalAccessToken, SignIn


class CredentialsApi(BaseClient):
    """``/api/auth/logout``, ``/api/auth/sessions`` and ``/api/auth/tokens``."""

    async def logout(self) -> None:
        """End this access token's sign-in session (in every API process)."""
        await self.raw("POST", "/api/auth/logout")

    async def logout_everywhere(self) -> None:
        """End every sign-in session of the user, this one included, and their OAuth grants."""
        await self.raw("POST", "/api/auth/logout-everywhere")

    async def sign_ins(self) -> list[SignIn]:
        """The user's live sign-in sessions, newest first."""
        return await self.call_list(SignIn, "GET", "/api/auth/sessions")

    async def end_sign_in(self, sign_in_id: str) -> None:
        """End one of the user's sign-in sessions."""
        await self.raw("DELETE", f"/api/auth/sessions/{sign_in_id}")

    async def personal_access_tokens(self) -> list[PersonalAccessToken]:
        """The user's personal access tokens, newest first (revoked and expired ones included)."""
        return await self.call_list(PersonalAccessToken, "GET", "/api/auth/tokens")

    async def create_personal_access_token(
        self, name: str, scopes: list[str], project: str | None = None, expires_in_days: int | None = 90
    ) -> PersonalAccessToken:
        """Create a token (``expires_in_days`` ``None``: never); the answer carries the token, shown once."""
        body: dict[str, Any] = {"name": name, "scopes": scopes, "expiresInDays": expires_in_days}
        if project:
            body["project"] = project
        return await self.call(PersonalAccessToken, "POST", "/api/auth/tokens", json=body)

    async def revoke_personal_access_token(self, token_id: str) -> None:
        """Revoke one of the user's tokens."""
        await self.raw("DELETE", f"/api/auth/tokens/{token_id}")

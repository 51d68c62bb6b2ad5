"""What Authlib's grants and endpoints read: the resource owner, a live code, a live token (plain values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, TokenMixin

from backend.domain.oauth.clients import Client


@dataclass(frozen=True)
class OAuthUser:
    """The resource owner of a code or token."""

    id: UUID
    is_admin: bool


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):  # type: ignore[misc]
    """A live code, as Authlib's grant reads it."""

    id: UUID
    consent_id: UUID
    user_id: UUID
    client_id: str
    redirect_uri: str
    scope: str
    resource: str
    code_challenge: str
    code_challenge_method: str

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass
class IssuedToken(TokenMixin):  # type: ignore[misc]
    """A live token row (for refresh and revocation)."""

    id: UUID
    grant_id: UUID
    consent_id: UUID
    user_id: UUID
    client_id: str
    scope: str
    resource: str
    expires_at: datetime

    def check_client(self, client: Client) -> bool:
        return bool(client.client_id == self.client_id)

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return max(0, int((self.expires_at - datetime.now(tz=UTC)).total_seconds()))

    def is_expired(self) -> bool:
        return self.expires_at <= datetime.now(tz=UTC)

    def is_revoked(self) -> bool:
        return False

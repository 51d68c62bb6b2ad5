from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column


class OAuthClient(UUIDv7AuditBase):
    """An OAuth client of the MCP endpoints: registered dynamically (RFC 7591) or known by the URL of
    its Client ID Metadata Document (``kind`` = ``metadata_document``, re-fetched once stale).

    ``client_metadata`` holds the RFC 7591 fields (redirect URIs, grant types, name...); a secret,
    when the client has one, is stored as its SHA-256 only.
    """

    __tablename__ = "oauth_client"

    client_id: Mapped[str] = mapped_column(String(2048), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    client_secret_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    client_metadata: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class OAuthConsent(UUIDv7AuditBase):
    """A user's remembered approval of one client for one MCP endpoint (the resource).

    Withdrawing it (``revoked_at``) ends every grant issued under it.
    """

    __tablename__ = "oauth_consent"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    client_pk: Mapped[UUID] = mapped_column(ForeignKey("oauth_client.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    resource: Mapped[str] = mapped_column(String(2048))
    scope: Mapped[str] = mapped_column(String(255), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class OAuthAuthorizationCode(UUIDv7AuditBase):
    """A one-time authorization code (stored hashed), bound to client, redirect URI, resource and PKCE challenge."""

    __tablename__ = "oauth_authorization_code"

    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    consent_id: Mapped[UUID] = mapped_column(ForeignKey("oauth_consent.id", ondelete="CASCADE"), index=True)
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    scope: Mapped[str] = mapped_column(String(255), default="")
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # The grant its exchange opened: a second use of the code ends it (RFC 6749 §4.1.2).
    grant_id: Mapped[UUID | None] = mapped_column(ForeignKey("oauth_grant.id", ondelete="SET NULL"), default=None)


class OAuthGrant(UUIDv7AuditBase):
    """The tokens of one authorization (an access + refresh token family, rotated on every refresh).

    Open MCP sessions name it (``Access.grant_id``); revoking any of its tokens ends it all.
    """

    __tablename__ = "oauth_grant"

    consent_id: Mapped[UUID] = mapped_column(ForeignKey("oauth_consent.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class OAuthToken(UUIDv7AuditBase):
    """One access token and its refresh token (SHA-256 of each); replaced, not reused, on refresh."""

    __tablename__ = "oauth_token"

    grant_id: Mapped[UUID] = mapped_column(ForeignKey("oauth_grant.id", ondelete="CASCADE"), index=True)
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    scope: Mapped[str] = mapped_column(String(255), default="")
    access_expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    refresh_expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

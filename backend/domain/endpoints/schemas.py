"""Schemas of the endpoint-related REST API: client sessions and client configurations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from backend.lib.schema import CamelizedBaseStruct

ClientKind = Literal["claude-code", "cursor", "cline", "vscode", "claude-desktop", "inspector"]
TransportKind = Literal["streamable-http", "sse"]
ScopeKind = Literal["unified", "servers"]
SessionState = Literal["live", "ended", "all"]


class SessionKey(CamelizedBaseStruct):
    """The API key a session was opened with (never the key itself)."""

    id: UUID
    name: str
    prefix: str


class SessionUser(CamelizedBaseStruct):
    """The member whose access token opened a session."""

    id: UUID
    email: str


class ClientSessionItem(CamelizedBaseStruct):
    """One MCP client session on a project endpoint."""

    id: UUID
    session_id: str
    live: bool
    transport: str
    endpoint: str
    server_id: UUID | None
    client_name: str | None
    client_version: str | None
    protocol_version: str | None
    user_agent: str | None
    remote_addr: str | None
    api_key: SessionKey | None
    user: SessionUser | None
    started_at: datetime
    last_activity_at: datetime
    ended_at: datetime | None
    calls: int
    errors: int


class ClientSessionPage(CamelizedBaseStruct):
    """Sessions, most recently active first."""

    items: list[ClientSessionItem]
    total: int
    page: int
    page_size: int


class ClientSignIn(CamelizedBaseStruct):
    """The same endpoints without a key, for clients that sign in with the browser (OAuth)."""

    config: dict[str, Any]
    text: str
    commands: list[str]
    notes: list[str]


class ClientConfig(CamelizedBaseStruct):
    """A ready-to-paste client configuration (the key itself is never included).

    ``sign_in``: the "Sign in with the browser" variant (no key), ``None`` for clients without
    OAuth support. ``key_only``: the key configuration uses the key-only URLs, whose 401 never
    advertises OAuth (for clients that would otherwise ignore the configured header).
    """

    client: ClientKind
    transport: TransportKind
    scope: ScopeKind
    file: str
    format: str
    config: dict[str, Any]
    text: str
    commands: list[str]
    placeholder: str
    notes: list[str]
    sign_in: ClientSignIn | None = None
    key_only: bool = False

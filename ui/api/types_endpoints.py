"""The UI's view of the project's MCP endpoints: client sessions (see ``ui.api.types``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SessionKey:
    """The API key a session was opened with (never the key itself)."""

    id: str = ""
    name: str = ""
    prefix: str = ""


@dataclass
class SessionUser:
    """The member whose access token opened a session."""

    id: str = ""
    email: str = ""


@dataclass
class ClientSession:
    """One MCP client session on a project endpoint (``endpoint``: ``unified`` or a server name)."""

    id: str = ""
    session_id: str = ""
    live: bool = False
    transport: str = ""
    endpoint: str = ""
    server_id: str | None = None
    client_name: str | None = None
    client_version: str | None = None
    protocol_version: str | None = None
    user_agent: str | None = None
    remote_addr: str | None = None
    api_key: SessionKey | None = None
    user: SessionUser | None = None
    started_at: str = ""
    last_activity_at: str = ""
    ended_at: str | None = None
    calls: int = 0
    errors: int = 0


@dataclass
class ClientSessionPage:
    """One page of client sessions, most recently active first."""

    items: list[ClientSession] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 50

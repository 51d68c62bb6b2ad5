"""What the transports need from the domain: who is calling, rate limits, the session journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from backend.mcp.proxy.ports import SessionStats


@dataclass(frozen=True)
class Access:
    """A credential resolved for one project: an API key or a member's access token.

    ``grant_id``: for a member's token, what it was issued under (the sign-in session), which the
    change handler checks to close open sessions when it ends.
    """

    project_id: UUID
    project_slug: str
    unified_enabled: bool
    api_key_id: UUID | None = None
    user_id: UUID | None = None
    scope: frozenset[UUID] | None = None
    rate_limit_per_minute: int | None = None
    expires_at: datetime | None = None
    grant_id: UUID | None = None


class AccessDenied(Exception):  # noqa: N818 - an outcome, not a program error
    """Authentication or authorisation failed; ``status`` is the HTTP answer (401, 403, 404)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Authenticator(Protocol):
    """Resolves ``Authorization: Bearer`` credentials for the MCP endpoints."""

    async def authenticate(self, token: str | None, project_ref: str, remote: str | None, resource: str) -> Access:
        """The caller's access to ``project_ref``, or :class:`AccessDenied`.

        ``resource``: the endpoint's canonical URL (RFC 8707), which an OAuth token must have been issued for.
        """

    async def admit_call(self, access: Access) -> int | None:
        """Count one tool call against the key's rate limit; seconds to wait when over it, else ``None``."""

    def forget(self) -> None:
        """Drop cached answers (a change event said keys, members or projects changed)."""


@dataclass
class SessionRecord:
    """A live client session as the journal persists it."""

    session_id: str
    project_id: UUID
    transport: str
    endpoint: str
    server_id: UUID | None
    api_key_id: UUID | None
    user_id: UUID | None
    user_agent: str | None
    remote_addr: str | None
    started_at: datetime
    stats: SessionStats
    last_activity_at: datetime
    ended_at: datetime | None = None
    # Counters (calls, errors) this replica has already written (the journal adds the difference).
    written: tuple[int, int] = (0, 0)


class SessionJournal(Protocol):
    """Persists client sessions (buffered; must not block). Counters are read from ``record.stats``
    whenever its ``dirty`` flag is set; several replicas may serve one session, each adding its own."""

    def opened(self, record: SessionRecord) -> None:
        """A session started."""

    def adopted(self, record: SessionRecord) -> None:
        """A session opened on another replica is served here too (its record exists: update only)."""

    def closed(self, record: SessionRecord) -> None:
        """The session ended (``record.ended_at`` set), or this replica let go of it (left empty)."""

    def ended(self, session_id: str) -> None:
        """A client ended a session this replica holds no record of."""

    async def has_ended(self, session_id: str, idle_seconds: float) -> bool:
        """The session was ended, or has seen no activity on any replica for ``idle_seconds``."""

    async def open_counts(self, access: Access, idle_seconds: float) -> tuple[int, int]:
        """Open sessions instance-wide (every replica) of the credential's project and of the credential."""

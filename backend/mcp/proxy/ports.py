"""What the proxy core needs from the outside, as small protocols.

``Upstreams`` is the slice of :class:`backend.mcp.gateway.Gateway` the proxy uses; ``Directory``
is implemented by the domain (it reads the servers tables). The core itself holds no SQL and no
transport code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

import mcp_types as types

from backend.mcp.types import Catalogue, ClientProfile, Isolation, UpstreamStatus

ProgressCallback = Callable[[float, float | None, str | None], Awaitable[None]]
NotificationCallback = Callable[[str, dict[str, Any]], Awaitable[None]]
SessionHandler = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ServerEntry:
    """One enabled server of a project, as the proxy sees it."""

    server_id: UUID
    name: str
    isolation: Isolation = "shared"
    disabled_tools: frozenset[str] = frozenset()
    tool_aliases: tuple[tuple[str, str], ...] = ()  # (upstream name, alias), sorted: offered as the alias


class Directory(Protocol):
    """The project's servers (enabled ones only), read by the domain."""

    async def servers(self, project_id: UUID) -> tuple[ServerEntry, ...]:
        """Enabled servers of the project with their disabled tools, ordered by name."""


class Upstreams(Protocol):
    """The gateway surface the proxy forwards to."""

    async def request(
        self,
        server_id: UUID,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the gateway's contract name
        session_key: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> dict[str, Any]:
        """Forward one MCP request and return its raw result."""

    async def call_tool(
        self,
        server_id: UUID,
        name: str,
        arguments: dict[str, Any] | None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the gateway's contract name
        session_key: str | None = None,
        on_progress: ProgressCallback | None = None,
        meta: dict[str, Any] | None = None,
        task: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``tools/call`` (refusing disabled tools); ``meta``: the client's ``_meta``, passed on; ``task``:
        the client's task augmentation (the upstream answers a ``CreateTaskResult``)."""

    async def catalogue(self, server_id: UUID) -> Catalogue:
        """The cached catalogue (starts the upstream lazily)."""

    async def session_catalogue(self, server_id: UUID, session_key: str) -> Catalogue:
        """The catalogue of the upstream kept under ``session_key`` (a session's own ``per_session``
        upstream, or a credential's ``per_user`` one), started lazily."""

    def status(self, server_id: UUID) -> UpstreamStatus:
        """Current state of the upstream."""

    async def roots_changed(self, server_id: UUID, session_key: str | None) -> bool:
        """Tell the running upstream of a session that its client's roots changed (nothing is started)."""

    def subscribe(
        self, server_id: UUID, callback: NotificationCallback, *, session_key: str | None = None
    ) -> Callable[[], None]:
        """Upstream notifications for ``server_id`` (of the upstream kept under ``session_key``, if given)."""

    def tap_logs(
        self, server_id: UUID, tap: Callable[[dict[str, Any]], None], *, session_key: str | None = None
    ) -> Callable[[], None]:
        """Log messages of one upstream, synchronously and in its order (see ``Gateway.tap_logs``)."""

    async def release_session(self, session_key: str) -> None:
        """Stop the upstreams opened for one downstream session (``per_session`` isolation)."""

    def set_session_handler(
        self, session_key: str, handler: SessionHandler, client: ClientProfile | None = None
    ) -> Any:
        """Route server→client requests of ``session_key``'s upstreams to ``handler`` (``client``: their client)."""


@dataclass
class SessionStats:
    """Live counters of one downstream session, shared by the transport and the proxy."""

    session_id: str
    client_name: str | None = None
    client_version: str | None = None
    protocol_version: str | None = None
    calls: int = 0
    errors: int = 0
    dirty: bool = True


@dataclass(frozen=True)
class Caller:
    """Who is calling through an endpoint (set by the transport for every HTTP request)."""

    project_id: UUID
    transport: str
    api_key_id: UUID | None = None
    user_id: UUID | None = None
    session_id: str | None = None
    user_agent: str | None = None
    # 2026-07-28 stateless callers: which client capabilities (sampling, elicitation, roots) its requests
    # declare. Its ``per_session`` upstreams are one per credential, endpoint and this profile, so each
    # upstream is told capabilities its clients really have.
    profile: str = ""
    stats: SessionStats | None = field(default=None, compare=False)

    @property
    def credential(self) -> str:
        """A stable name of the credential for session binding and ``per_user`` upstreams: the API key
        when one is used (a key is its own principal), else the user (member token, OAuth token, UI)."""
        return credential_of(self.api_key_id, self.user_id)


CLIENT_KINDS = ("sampling", "elicitation", "roots")


def client_profile(params: Any) -> str:
    """The client capabilities a 2026-07-28 request declares in its ``_meta``, as ``sampling+roots``
    (``bare`` when none): what decides which ``per_session`` upstream serves a stateless caller."""
    meta = params.get("_meta") if isinstance(params, dict) else None
    caps = meta.get(types.CLIENT_CAPABILITIES_META_KEY) if isinstance(meta, dict) else None
    kinds = [kind for kind in CLIENT_KINDS if isinstance(caps, dict) and caps.get(kind) is not None]
    return "+".join(kinds) or "bare"


def credential_of(api_key_id: UUID | None, user_id: UUID | None) -> str:
    """The credential's name: ``key:<id>`` for an API key, else ``user:<id>`` (see :attr:`Caller.credential`)."""
    return f"key:{api_key_id}" if api_key_id else f"user:{user_id}"


def parse_credential(credential: str) -> tuple[UUID | None, UUID | None]:
    """``(api_key_id, user_id)`` of a :attr:`Caller.credential` (both None when it names neither)."""
    kind, _, raw = credential.partition(":")
    try:
        ident = UUID(raw)
    except ValueError:
        return None, None
    if kind == "key":
        return ident, None
    return (None, ident) if kind == "user" else (None, None)

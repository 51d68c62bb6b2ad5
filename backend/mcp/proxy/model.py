"""Small value types of the proxy core: which view, its knobs, a downstream session, the client."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from backend.mcp.proxy.ports import Caller


class Notifier(Protocol):
    """Where a session's notifications not tied to a request go: the SDK's ``Connection``, or the
    stream of a session served without the SDK (``backend/mcp/transport/standalone.py``)."""

    async def notify(self, method: str, params: Mapping[str, Any] | None, /) -> None:
        """Send a best-effort notification on the session's standalone stream."""
        ...


@dataclass(frozen=True)
class ViewKey:
    """Which view: one server (by name) or the unified view, narrowed to a key's scope."""

    project_id: UUID
    server: str | None = None
    scope: frozenset[UUID] | None = None

    @property
    def unified(self) -> bool:
        """True for the project's unified view."""
        return self.server is None

    @property
    def label(self) -> str:
        """The endpoint name used in logs and session lists."""
        return self.server or "unified"


@dataclass
class ProxySettings:
    """Knobs of the proxy core."""

    catalogue_timeout: float = 35.0
    recheck_seconds: float = 5.0
    # Longest unified tool/prompt name (see backend/mcp/proxy/naming.py).
    name_budget: int = 64


# MCP (syslog) log levels, least severe first.
LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")


@dataclass(eq=False)
class Downstream:
    """One handshake-era downstream session attached to a view."""

    connection: Notifier
    caller: Caller
    subscriptions: set[str] = field(default_factory=set)
    # Unsubscribe functions for the notifications of this session's own (per_session) upstreams.
    followed: list[Callable[[], None]] = field(default_factory=list)
    # The least severe MCP log level the client asked for (``logging/setLevel``); None: everything.
    log_level: str | None = None

    def wants_log(self, params: dict[str, Any] | None) -> bool:
        """A ``notifications/message`` at its level reaches this session."""
        level = (params or {}).get("level")
        if self.log_level is None or level not in LOG_LEVELS:
            return True
        return LOG_LEVELS.index(level) >= LOG_LEVELS.index(self.log_level)

    async def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        """Send a notification on the session's standalone stream (best effort, never raises)."""
        await self.connection.notify(method, params)


@dataclass(frozen=True)
class ClientInfo:
    """The client as it named itself (``initialize`` or the request envelope)."""

    name: str | None = None
    version: str | None = None

    @classmethod
    def of(cls, name: str | None, version: str | None, user_agent: str | None) -> ClientInfo:
        """The named client, else the first product of the User-Agent (``claude-code/1.2 (...)``)."""
        if name:
            return cls(name[:256], (version or "")[:64] or None)
        product = (user_agent or "").split(" ", 1)[0]
        agent, _, agent_version = product.partition("/")
        return cls(agent[:256] or None, agent_version[:64] or None)

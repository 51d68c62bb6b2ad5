"""The gateway's vocabulary: what the domain hands in, what comes back, what can go wrong.

This module is the contract between ``backend/mcp`` (no SQL) and the domains that persist
servers, catalogues, logs and tool calls. Everything here is plain data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol
from uuid import UUID

Transport = Literal["stdio", "sse", "streamable-http"]
# shared: one upstream per server (per replica); per_session: one per downstream MCP session;
# per_user: one per credential (an API key, or a user however signed in), shared by its sessions.
Isolation = Literal["shared", "per_session", "per_user"]
UpstreamState = Literal["stopped", "starting", "running", "backoff", "error"]
LogLevel = Literal["debug", "info", "warning", "error"]
CallStatus = Literal["success", "error", "timeout", "cancelled"]

# JSON-RPC error codes the gateway itself produces (documented in README, "Error codes").
ERROR_UPSTREAM_UNAVAILABLE = -32003
ERROR_TIMEOUT = -32001
ERROR_TOOL_DISABLED = -32004
ERROR_CAPACITY = -32005

# The upstream key of a ``per_user`` server is this prefix and the caller's credential.
PER_USER_PREFIX = "per_user:"


def per_user_key(credential: str) -> str:
    """The upstream key under which a credential (``key:<id>`` or ``user:<id>``) finds its ``per_user`` upstreams."""
    return PER_USER_PREFIX + credential


@dataclass(frozen=True)
class ClientProfile:
    """The downstream client a ``per_session`` upstream speaks for, as it declared itself at ``initialize``.

    The upstream is initialised with the same client capabilities (``sampling`` is the client's
    sampling capability object, ``None`` when it has none) and the client's name marked as coming
    through the gateway, so it offers only what the client can really do.
    """

    name: str | None = None
    version: str | None = None
    sampling: dict[str, Any] | None = None
    elicitation: bool = False
    roots: bool = False


@dataclass(frozen=True)
class UpstreamSpec:
    """Everything needed to run one registered server (decrypted secrets included; never log it)."""

    server_id: UUID
    project_id: UUID
    name: str
    transport: Transport
    command: str | None = None
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    cwd: str | None = None
    url: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    timeout_seconds: float = 60.0
    isolation: Isolation = "shared"
    enabled: bool = True
    # Sandbox (stdio only): network access and limits; None = the instance default.
    network: Literal["outbound", "none"] = "outbound"
    memory_mb: int | None = None
    max_processes: int | None = None
    max_open_files: int | None = None
    # Not part of the fingerprint: toggling a tool must not restart the upstream.
    disabled_tools: frozenset[str] = frozenset()

    @property
    def fingerprint(self) -> str:
        """Hash of what requires a restart when it changes (command, env, URL, headers, ...)."""
        material = json.dumps(
            [
                self.transport,
                self.command,
                self.args,
                self.env,
                self.cwd,
                self.url,
                self.headers,
                self.isolation,
                self.network,
                self.memory_mb,
                self.max_processes,
                self.max_open_files,
            ],
            sort_keys=True,
        )
        return hashlib.sha256(material.encode()).hexdigest()


# Looks up a server's current spec in the registry (None: no such server); see ``Gateway``.
SpecSource = Callable[[UUID], Awaitable["UpstreamSpec | None"]]


@dataclass(frozen=True)
class Catalogue:
    """What an upstream offers, as raw MCP JSON objects (``Tool``, ``Prompt``, ... as dicts)."""

    tools: tuple[dict[str, Any], ...] = ()
    prompts: tuple[dict[str, Any], ...] = ()
    resources: tuple[dict[str, Any], ...] = ()
    resource_templates: tuple[dict[str, Any], ...] = ()
    # The upstream's advertised capabilities (the ``capabilities`` object of its initialize result).
    capabilities: dict[str, Any] = field(default_factory=dict)
    server_info: dict[str, Any] = field(default_factory=dict)
    # The upstream's ``instructions`` from its initialize result, if any.
    instructions: str | None = None
    # The upstream's page size per list (``tools``, ``prompts``, ``resources``, ``resourceTemplates``):
    # the length of its first page when it paged; a list it answered whole is absent.
    page_sizes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class UpstreamStatus:
    """A point-in-time view of one upstream."""

    state: UpstreamState
    pid: int | None = None
    started_at: datetime | None = None
    restarts: int = 0
    last_error: str | None = None
    stderr_tail: tuple[str, ...] = ()
    # A shared server's requests to its client (``sampling/createMessage``, ``elicitation/create``,
    # ``roots/list``) refused since the gateway started: its tools need a client-owned upstream.
    asked_client: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProbeResult:
    """Outcome of start → handshake → list → stop, for ``servers/test`` and health checks."""

    ok: bool
    catalogue: Catalogue | None
    error: str | None
    stderr_tail: tuple[str, ...]
    response_ms: float


@dataclass(frozen=True)
class CallRecord:
    """One finished tool call, handed to the recorder (which redacts, caps and persists it)."""

    project_id: UUID
    server_id: UUID
    server_name: str
    tool: str
    arguments: dict[str, Any] | None
    result: dict[str, Any] | None
    status: CallStatus
    error_code: int | None
    error_message: str | None
    duration_ms: float
    started_at: datetime
    finished_at: datetime
    user_id: UUID | None = None
    api_key_id: UUID | None = None
    session_id: str | None = None
    transport: str | None = None  # "rest", "sse", "streamable-http"
    client_name: str | None = None
    client_version: str | None = None
    tool_alias: str | None = None  # the alias the tool was called by (``tool`` is the upstream's name)


# Internal notification to gateway subscribers (never sent to clients): an upstream that ran before is
# ready again (params: {"serverId": UUID}), so views re-announce what it offers now, not at their next recheck.
UPSTREAM_RESTARTED = "orch/upstream_restarted"


class GatewayEvents(Protocol):
    """Callbacks from the gateway. They must not block: implementations buffer and return."""

    def on_log(self, server_id: UUID, project_id: UUID, level: LogLevel, category: str, message: str) -> None:
        """A lifecycle event (category ``lifecycle``) or a stderr line (category ``stderr``)."""

    def on_status(self, server_id: UUID, project_id: UUID, status: UpstreamStatus) -> None:
        """The upstream changed state."""

    def on_catalogue(self, server_id: UUID, project_id: UUID, catalogue: Catalogue) -> None:
        """A fresh catalogue was fetched (start, restart, list_changed, refresh)."""


class CallRecorder(Protocol):
    """Receives finished calls. Must not block the call (buffer, flush in the background)."""

    def record(self, call: CallRecord) -> None:
        """Queue one call record."""


class GatewayError(Exception):
    """Base of gateway failures; ``code`` is the JSON-RPC error code to answer with."""

    code = ERROR_UPSTREAM_UNAVAILABLE

    def __init__(self, message: str, *, data: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data


class UpstreamUnavailableError(GatewayError):
    """The upstream could not be started, crashed, is in crash-loop cut-off, or is disabled."""

    code = ERROR_UPSTREAM_UNAVAILABLE


class UpstreamTimeoutError(GatewayError):
    """The upstream did not answer within the server's timeout."""

    code = ERROR_TIMEOUT


class CapacityError(GatewayError):
    """The global or per-project cap on running upstreams is reached."""

    code = ERROR_CAPACITY


class ToolDisabledError(GatewayError):
    """The tool is disabled for this server."""

    code = ERROR_TOOL_DISABLED


class UpstreamRPCError(GatewayError):
    """The upstream answered with a JSON-RPC error; its code, message and data pass through."""

    def __init__(self, code: int, message: str, *, data: Any = None) -> None:
        super().__init__(message, data=data)
        self.code = code

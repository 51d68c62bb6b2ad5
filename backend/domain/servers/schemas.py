"""Server registry API schemas: a server's configuration, as written and as shown.

Tools and catalogues are in ``tool_schemas.py``, imports and templates in ``import_schemas.py``.
``env`` and ``headers`` are write-only: inputs carry values, outputs only say which keys are set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

from backend.lib.schema import CamelizedBaseStruct, InputStruct

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,47}$"

ServerName = Annotated[
    str, msgspec.Meta(pattern=NAME_PATTERN, max_length=48, description="Lowercase letters, digits, '-' and '_'")
]
Transport = Literal["stdio", "sse", "streamable-http"]
Isolation = Annotated[
    Literal["shared", "per_session", "per_user"],
    msgspec.Meta(
        description=(
            "shared: one upstream for every client of the project; per_session: one per MCP session; "
            "per_user: one per credential (an API key, or a user), shared by its sessions"
        )
    ),
]
Description = Annotated[str, msgspec.Meta(max_length=2000)]
Command = Annotated[str, msgspec.Meta(max_length=1024)]
Arg = Annotated[str, msgspec.Meta(max_length=4096)]
Args = Annotated[list[Arg], msgspec.Meta(max_length=100)]
Cwd = Annotated[str, msgspec.Meta(max_length=1024)]
Url = Annotated[str, msgspec.Meta(max_length=2048)]
EnvKey = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
SecretValue = Annotated[str, msgspec.Meta(max_length=16384)]
HeaderName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$")]
HeaderValue = Annotated[str, msgspec.Meta(max_length=8192, pattern=r"^[^\r\n\x00]*$")]
Env = Annotated[dict[EnvKey, SecretValue], msgspec.Meta(max_length=100)]
Headers = Annotated[dict[HeaderName, HeaderValue], msgspec.Meta(max_length=50)]
EnvPatch = Annotated[dict[EnvKey, SecretValue | None], msgspec.Meta(max_length=100)]
HeadersPatch = Annotated[dict[HeaderName, HeaderValue | None], msgspec.Meta(max_length=50)]
Timeout = Annotated[float, msgspec.Meta(gt=0, le=3600)]
ToolName = Annotated[str, msgspec.Meta(max_length=256)]
TemplateId = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,47}$", max_length=48)]
Network = Annotated[
    Literal["outbound", "none"],
    msgspec.Meta(description="Sandbox network: 'outbound' (the host's network) or 'none' (no network at all)"),
]
# Sandbox limits: administrators only; null = the instance default (MCP_ORCH_SANDBOX_*).
MemoryMb = Annotated[int, msgspec.Meta(ge=64, le=65536, description="Memory limit in MiB (administrators only)")]
MaxProcesses = Annotated[int, msgspec.Meta(ge=8, le=4096, description="Process limit (administrators only)")]
MaxOpenFiles = Annotated[int, msgspec.Meta(ge=64, le=65536, description="Open-file limit (administrators only)")]
LIMIT_FIELDS = ("memory_mb", "max_processes", "max_open_files")


class ServerCreate(InputStruct):
    """A server to register: a stdio command, or a remote URL (``sse`` / ``streamable-http``)."""

    name: ServerName
    description: Description = ""
    transport: Transport = "stdio"
    command: Command | None = None
    args: Args = []
    env: Env = {}
    cwd: Cwd | None = None
    url: Url | None = None
    headers: Headers = {}
    timeout_seconds: Timeout = 60.0
    enabled: bool = True
    isolation: Isolation = "shared"
    network: Network = "outbound"
    memory_mb: MemoryMb | None = None
    max_processes: MaxProcesses | None = None
    max_open_files: MaxOpenFiles | None = None


class ServerCreateRequest(InputStruct):
    """The ``createServer`` body: a full server, or ``templateId`` plus overrides.

    With ``templateId`` the template supplies transport, command, args and URL; the body may set
    ``name`` (default: the template id), ``description``, ``env``/``headers`` values, ``args``
    (replacing the template's), a ``url`` for remote templates, and the remaining options.
    """

    name: ServerName | None = None
    template_id: TemplateId | None = None
    description: Description | None = None
    transport: Transport | None = None
    command: Command | None = None
    args: Args | None = None
    env: Env = {}
    cwd: Cwd | None = None
    url: Url | None = None
    headers: Headers = {}
    timeout_seconds: Timeout = 60.0
    enabled: bool = True
    isolation: Isolation = "shared"
    network: Network = "outbound"
    memory_mb: MemoryMb | None = None
    max_processes: MaxProcesses | None = None
    max_open_files: MaxOpenFiles | None = None


class ServerUpdate(InputStruct):
    """Changes to a server. ``env``/``headers`` are merged per key; a ``null`` value removes the key."""

    name: ServerName | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    transport: Transport | msgspec.UnsetType = msgspec.UNSET
    command: Command | msgspec.UnsetType | None = msgspec.UNSET
    args: Args | msgspec.UnsetType = msgspec.UNSET
    env: EnvPatch | msgspec.UnsetType = msgspec.UNSET
    cwd: Cwd | msgspec.UnsetType | None = msgspec.UNSET
    url: Url | msgspec.UnsetType | None = msgspec.UNSET
    headers: HeadersPatch | msgspec.UnsetType = msgspec.UNSET
    timeout_seconds: Timeout | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    isolation: Isolation | msgspec.UnsetType = msgspec.UNSET
    network: Network | msgspec.UnsetType = msgspec.UNSET
    memory_mb: MemoryMb | msgspec.UnsetType | None = msgspec.UNSET
    max_processes: MaxProcesses | msgspec.UnsetType | None = msgspec.UNSET
    max_open_files: MaxOpenFiles | msgspec.UnsetType | None = msgspec.UNSET


class SecretFlag(CamelizedBaseStruct):
    """A write-only value: only whether it is set is ever shown."""

    is_set: bool = msgspec.field(default=True, name="set")


class EffectiveLimit(CamelizedBaseStruct):
    """A sandbox limit in force: the server's own value, or the instance default."""

    value: int
    source: Literal["server", "default"]


class SandboxLimits(CamelizedBaseStruct):
    """The limits a server's sandbox runs with."""

    memory_mb: EffectiveLimit
    max_processes: EffectiveLimit
    max_open_files: EffectiveLimit


class Server(CamelizedBaseStruct):
    """A registered server as the API shows it (no secret values)."""

    id: UUID
    project_id: UUID
    name: str
    description: str
    transport: str
    command: str | None
    args: list[str]
    env: dict[str, SecretFlag]
    cwd: str | None
    url: str | None
    headers: dict[str, SecretFlag]
    timeout_seconds: float
    enabled: bool
    isolation: Annotated[str, msgspec.Meta(description="shared, per_session or per_user (see ServerCreate)")]
    network: str
    memory_mb: Annotated[int | None, msgspec.Meta(description="The server's own limit; null: instance default")]
    max_processes: int | None
    max_open_files: int | None
    limits: Annotated[SandboxLimits, msgspec.Meta(description="Effective limits and where each comes from")]
    status: str
    pid: int | None
    last_checked_at: datetime | None
    last_error: str | None
    response_ms: float | None
    tools_count: int
    restarts: int
    started_at: datetime | None
    stderr_tail: list[str]
    server_info: dict[str, Any]
    created_by_id: UUID | None
    created_at: datetime
    updated_at: datetime
    asked_client: Annotated[
        list[str],
        msgspec.Meta(
            description="What this shared server asked its client for (sampling/createMessage, elicitation/create, "
            "roots/list) and was refused since the gateway started: a shared upstream has no client to ask. "
            "Its tools need per_session or per_user isolation. Empty for other modes."
        ),
    ] = msgspec.field(default_factory=list)


class ToolCallRequest(InputStruct):
    """Arguments of a REST tool call."""

    arguments: dict[str, Any] = {}


class AllowedCommands(CamelizedBaseStruct):
    """The command allowlist: built in (environment) and added by administrators."""

    built_in: list[str]
    added: list[str]
    effective: list[str]


class AllowedCommandsUpdate(InputStruct):
    """Replace the administrators' additions to the allowlist."""

    added: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]], msgspec.Meta(max_length=200)]


class ProjectServerSummary(CamelizedBaseStruct):
    """A project's servers at a glance."""

    project_id: UUID
    servers: int
    enabled: int
    tools: int
    states: Annotated[dict[str, int], msgspec.Meta(description="Servers per state, e.g. {'running': 2, 'error': 1}")]

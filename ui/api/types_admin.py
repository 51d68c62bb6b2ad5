"""The UI's view of the REST API's administration payloads (allowed commands, system, every key)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ui.api.types import ApiKey


@dataclass
class AllowedCommands:
    """The stdio command allowlist: ``built_in`` from ``MCP_ORCH_ALLOWED_COMMANDS``, ``added`` by administrators."""

    built_in: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    effective: list[str] = field(default_factory=list)


@dataclass
class DatabaseStatus:
    """The database: ``embedded`` (in the data folder) or ``external`` (``DATABASE_URL``), and whether it answers."""

    mode: str = ""
    reachable: bool = False
    server_version: str | None = None
    error: str | None = None


@dataclass
class QueueStatus:
    """The job queue: its broker, whether it answers, and its depth."""

    backend: str = ""
    name: str = ""
    reachable: bool = False
    queued: int = 0
    running: int = 0
    scheduled: int = 0
    workers: int = 0
    error: str | None = None


@dataclass
class UpstreamCounts:
    """Servers by state and the upstreams running in the API process."""

    servers: int = 0
    disabled: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    running_here: int = 0


@dataclass
class Cap:
    """A limit in force and the environment variable that sets it."""

    name: str = ""
    value: float = 0
    variable: str = ""
    description: str = ""


@dataclass
class SystemStatus:
    """``GET /api/admin/system``."""

    version: str = ""
    database: DatabaseStatus = field(default_factory=DatabaseStatus)
    queue: QueueStatus = field(default_factory=QueueStatus)
    upstreams: UpstreamCounts = field(default_factory=UpstreamCounts)
    caps: list[Cap] = field(default_factory=list)


@dataclass
class ProjectRef:
    """A project named in another payload."""

    id: str = ""
    slug: str = ""
    name: str = ""


@dataclass
class AdminApiKey(ApiKey):
    """A key of any project, with its project."""

    project: ProjectRef | None = None


@dataclass
class AdminApiKeyPage:
    """One page of keys, newest first."""

    items: list[AdminApiKey] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 50

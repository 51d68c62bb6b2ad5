"""Settings, one object per concern, read from the environment.

Every variable is documented in README.md ("Configuration"). Values are read once per process
through :func:`get_settings`; tests build their own :class:`Settings` explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    return default if not raw else raw.lower() in _TRUE


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


@dataclass(frozen=True)
class AppSettings:
    """Process-wide facts: where data lives, how we are reached."""

    data_dir: Path = field(default_factory=lambda: Path(_env("MCP_ORCH_DATA_DIR", ".mcp-orch")).resolve())
    host: str = field(default_factory=lambda: _env("MCP_ORCH_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: _env_int("MCP_ORCH_PORT", 8000))
    public_url: str = field(default_factory=lambda: _env("MCP_ORCH_PUBLIC_URL", ""))
    debug: bool = field(default_factory=lambda: _env_bool("MCP_ORCH_DEBUG", False))
    log_level: str = field(default_factory=lambda: _env("MCP_ORCH_LOG_LEVEL", "INFO").upper())
    max_body_bytes: int = field(default_factory=lambda: _env_int("MCP_ORCH_MAX_BODY_BYTES", 2 * 1024 * 1024))

    @property
    def base_url(self) -> str:
        """Public base URL without a trailing slash (falls back to the bind address)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class DatabaseSettings:
    """Where PostgreSQL is. Empty ``url`` means: start the embedded server in the data folder."""

    url: str = field(default_factory=lambda: _env("DATABASE_URL"))
    pool_size: int = field(default_factory=lambda: _env_int("MCP_ORCH_DB_POOL_SIZE", 10))
    echo: bool = field(default_factory=lambda: _env_bool("MCP_ORCH_DB_ECHO", False))
    migrate_on_start: bool = field(default_factory=lambda: _env_bool("MCP_ORCH_MIGRATE_ON_START", True))


@dataclass(frozen=True)
class AuthSettings:
    """Accounts and tokens. Secrets come from the environment or from files in the data folder."""

    jwt_secret: str = field(default_factory=lambda: _env("MCP_ORCH_JWT_SECRET"))
    access_token_minutes: int = field(default_factory=lambda: _env_int("MCP_ORCH_ACCESS_TOKEN_MINUTES", 60 * 12))
    initial_admin_email: str = field(default_factory=lambda: _env("INITIAL_ADMIN_EMAIL"))
    initial_admin_password: str = field(default_factory=lambda: _env("INITIAL_ADMIN_PASSWORD"))
    signup_enabled: bool = field(default_factory=lambda: _env_bool("MCP_ORCH_SIGNUP_ENABLED", True))
    login_max_failures: int = field(default_factory=lambda: _env_int("MCP_ORCH_LOGIN_MAX_FAILURES", 5))
    login_window_seconds: int = field(default_factory=lambda: _env_int("MCP_ORCH_LOGIN_WINDOW_SECONDS", 900))


@dataclass(frozen=True)
class CryptoSettings:
    """Encryption at rest for secrets (server env values, remote headers)."""

    encryption_key: str = field(default_factory=lambda: _env("MCP_ORCH_ENCRYPTION_KEY"))


@dataclass(frozen=True)
class GatewaySettings:
    """Upstream MCP servers: what may run and for how long."""

    allowed_commands: list[str] = field(
        default_factory=lambda: _env_list("MCP_ORCH_ALLOWED_COMMANDS", "npx,uvx,node,python,python3,deno,docker")
    )
    idle_stop_seconds: int = field(default_factory=lambda: _env_int("MCP_ORCH_IDLE_STOP_SECONDS", 600))
    start_timeout_seconds: int = field(default_factory=lambda: _env_int("MCP_ORCH_START_TIMEOUT_SECONDS", 30))
    max_upstreams: int = field(default_factory=lambda: _env_int("MCP_ORCH_MAX_UPSTREAMS", 100))
    max_upstreams_per_project: int = field(default_factory=lambda: _env_int("MCP_ORCH_MAX_UPSTREAMS_PER_PROJECT", 25))
    call_log_buffer: int = field(default_factory=lambda: _env_int("MCP_ORCH_CALL_LOG_BUFFER", 10_000))


@dataclass(frozen=True)
class QueueSettings:
    """Background jobs (SAQ). Empty ``url`` means: queue on the application's PostgreSQL."""

    url: str = field(default_factory=lambda: _env("MCP_ORCH_QUEUE_URL"))
    run_in_api: bool = field(default_factory=lambda: _env_bool("MCP_ORCH_WORKER_IN_API", True))


@dataclass(frozen=True)
class UISettings:
    """The Reflex web UI."""

    host: str = field(default_factory=lambda: _env("MCP_ORCH_UI_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: _env_int("MCP_ORCH_UI_PORT", 3000))
    enabled: bool = field(default_factory=lambda: _env_bool("MCP_ORCH_UI_ENABLED", True))
    api_url: str = field(default_factory=lambda: _env("MCP_ORCH_API_URL", ""))


@dataclass(frozen=True)
class Settings:
    """All settings, grouped by concern."""

    app: AppSettings = field(default_factory=AppSettings)
    db: DatabaseSettings = field(default_factory=DatabaseSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    crypto: CryptoSettings = field(default_factory=CryptoSettings)
    gateway: GatewaySettings = field(default_factory=GatewaySettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    ui: UISettings = field(default_factory=UISettings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process settings, read from the environment on first use."""
    return Settings()

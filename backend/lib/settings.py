"""Settings, one object per concern, read from the environment (with :mod:`backend.lib.env`).

Every variable is documented in README.md ("Configuration"). Values are read once per process
through :func:`get_settings`; tests build their own :class:`Settings` explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from backend.lib.env import env, env_bool, env_cidrs, env_float, env_int, env_list


@dataclass(frozen=True)
class AppSettings:
    """Process-wide facts: where data lives, how we are reached."""

    data_dir: Path = field(default_factory=lambda: Path(env("MCP_ORCH_DATA_DIR", ".mcp-orch")).resolve())
    host: str = field(default_factory=lambda: env("MCP_ORCH_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: env_int("MCP_ORCH_PORT", 8000))
    public_url: str = field(default_factory=lambda: env("MCP_ORCH_PUBLIC_URL", ""))
    debug: bool = field(default_factory=lambda: env_bool("MCP_ORCH_DEBUG", False))
    log_level: str = field(default_factory=lambda: env("MCP_ORCH_LOG_LEVEL", "INFO").upper())
    max_body_bytes: int = field(default_factory=lambda: env_int("MCP_ORCH_MAX_BODY_BYTES", 2 * 1024 * 1024))
    # Projects a non-administrator may create (0: no limit).
    max_projects_per_user: int = field(default_factory=lambda: env_int("MCP_ORCH_MAX_PROJECTS_PER_USER", 20))
    # Bearer token for ``/metrics`` (generated into the data folder when empty).
    metrics_token: str = field(default_factory=lambda: env("MCP_ORCH_METRICS_TOKEN"))
    # Loopback clients may scrape ``/metrics`` without the token (off: sandboxed servers share loopback).
    metrics_allow_loopback: bool = field(default_factory=lambda: env_bool("MCP_ORCH_METRICS_ALLOW_LOOPBACK", False))

    @property
    def base_url(self) -> str:
        """Public base URL without a trailing slash (falls back to the bind address)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class DatabaseSettings:
    """Where PostgreSQL is. Empty ``url`` means: start the embedded server in the data folder."""

    url: str = field(default_factory=lambda: env("DATABASE_URL"))
    # Connections kept open (plus as many more under a burst, closed again after): at most twice this many
    # database backends per API process, however many MCP sessions are open (their requests read nothing).
    pool_size: int = field(default_factory=lambda: env_int("MCP_ORCH_DB_POOL_SIZE", 5))
    echo: bool = field(default_factory=lambda: env_bool("MCP_ORCH_DB_ECHO", False))
    migrate_on_start: bool = field(default_factory=lambda: env_bool("MCP_ORCH_MIGRATE_ON_START", True))


@dataclass(frozen=True)
class AuthSettings:
    """Accounts and tokens. Secrets come from the environment or from files in the data folder."""

    jwt_secret: str = field(default_factory=lambda: env("MCP_ORCH_JWT_SECRET"))
    access_token_minutes: int = field(default_factory=lambda: env_int("MCP_ORCH_ACCESS_TOKEN_MINUTES", 60 * 12))
    initial_admin_email: str = field(default_factory=lambda: env("INITIAL_ADMIN_EMAIL"))
    initial_admin_password: str = field(default_factory=lambda: env("INITIAL_ADMIN_PASSWORD"))
    signup_enabled: bool = field(default_factory=lambda: env_bool("MCP_ORCH_SIGNUP_ENABLED", True))
    # Failed logins within the window: per account and address (then 429 for that pair), per address
    # across accounts (then 429 for that address), and per account from anywhere (then a slow-down:
    # a growing pause between attempts, capped, never a lock-out of the real owner).
    login_max_failures: int = field(default_factory=lambda: env_int("MCP_ORCH_LOGIN_MAX_FAILURES", 5))
    login_address_max_failures: int = field(default_factory=lambda: env_int("MCP_ORCH_LOGIN_ADDRESS_MAX_FAILURES", 20))
    login_account_slowdown_after: int = field(
        default_factory=lambda: env_int("MCP_ORCH_LOGIN_ACCOUNT_SLOWDOWN_AFTER", 10)
    )
    login_window_seconds: int = field(default_factory=lambda: env_int("MCP_ORCH_LOGIN_WINDOW_SECONDS", 900))
    # Peers whose X-Forwarded-For is believed (CIDRs); empty: the TCP peer is the client, always.
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: env_cidrs("MCP_ORCH_TRUSTED_PROXIES"))
    # Shared by the API and the UI's server side, which forwards the browser's address with it.
    ui_token: str = field(default_factory=lambda: env("MCP_ORCH_UI_TOKEN"))
    key_create_max_per_hour: int = field(default_factory=lambda: env_int("MCP_ORCH_KEY_CREATE_MAX_PER_HOUR", 20))
    argon2_time_cost: int = field(default_factory=lambda: env_int("MCP_ORCH_ARGON2_TIME_COST", 3))
    argon2_memory_kib: int = field(default_factory=lambda: env_int("MCP_ORCH_ARGON2_MEMORY_KIB", 65536))


@dataclass(frozen=True)
class CryptoSettings:
    """Encryption at rest for secrets (server env values, remote headers)."""

    encryption_key: str = field(default_factory=lambda: env("MCP_ORCH_ENCRYPTION_KEY"))


def _data_dir() -> Path:
    return Path(env("MCP_ORCH_DATA_DIR", ".mcp-orch")).resolve()


def _sandbox_enabled() -> bool:
    return env("MCP_ORCH_SANDBOX", "on").lower() not in {"off", "0", "false", "no"}


@dataclass(frozen=True)
class SandboxSettings:
    """The bubblewrap sandbox every stdio upstream runs in (README, "Security: the sandbox")."""

    # ``MCP_ORCH_SANDBOX=off`` runs upstreams unsandboxed (logged at every start): the only way around.
    enabled: bool = field(default_factory=_sandbox_enabled)
    # Host paths every sandbox sees read-only (a shared tools folder), besides the system and the command.
    readonly_paths: tuple[str, ...] = field(
        default_factory=lambda: tuple(p for p in env("MCP_ORCH_SANDBOX_READONLY_PATHS").split(":") if p.strip())
    )
    # Instance defaults of the per-server limits.
    memory_mb: int = field(default_factory=lambda: env_int("MCP_ORCH_SANDBOX_MEMORY_MB", 1024))
    max_processes: int = field(default_factory=lambda: env_int("MCP_ORCH_SANDBOX_MAX_PROCESSES", 256))
    max_open_files: int = field(default_factory=lambda: env_int("MCP_ORCH_SANDBOX_MAX_OPEN_FILES", 1024))
    # Per-server state: ``root_dir/servers/<server_id>/{home,tmp}``.
    root_dir: Path = field(default_factory=lambda: _data_dir() / "sandbox")
    # Never visible to a sandbox, nor any folder containing it (the instance's secrets and database).
    data_dir: Path = field(default_factory=_data_dir)
    # The bubblewrap executable (a name looked up on PATH, or a path).
    bwrap: str = "bwrap"


@dataclass(frozen=True)
class GatewaySettings:
    """Upstream MCP servers: what may run and for how long."""

    allowed_commands: list[str] = field(
        default_factory=lambda: env_list("MCP_ORCH_ALLOWED_COMMANDS", "npx,uvx,node,python,python3,deno,docker")
    )
    # CIDRs of loopback/private/reserved networks remote servers may reach (link-local and metadata: never).
    allowed_private_networks: tuple[str, ...] = field(
        default_factory=lambda: env_cidrs("MCP_ORCH_ALLOWED_PRIVATE_NETWORKS")
    )
    idle_stop_seconds: float = field(default_factory=lambda: env_float("MCP_ORCH_IDLE_STOP_SECONDS", 600))
    start_timeout_seconds: float = field(default_factory=lambda: env_float("MCP_ORCH_START_TIMEOUT_SECONDS", 30))
    # A server created, edited or enabled is checked at once by the replica that took the change (its
    # status and tools show within seconds instead of at the next scheduled health check).
    check_on_change: bool = field(default_factory=lambda: env_bool("MCP_ORCH_CHECK_ON_CHANGE", True))
    max_upstreams: int = field(default_factory=lambda: env_int("MCP_ORCH_MAX_UPSTREAMS", 100))
    # Longest tool/prompt name on the unified endpoint (``<server>__<name>``, shortened with a hash).
    unified_name_max: int = field(default_factory=lambda: env_int("MCP_ORCH_UNIFIED_NAME_MAX", 64))
    max_upstreams_per_project: int = field(default_factory=lambda: env_int("MCP_ORCH_MAX_UPSTREAMS_PER_PROJECT", 25))
    # Test runs (``POST …/servers/test``) at once; each also holds an upstream slot while it runs.
    max_test_runs_per_user: int = field(default_factory=lambda: env_int("MCP_ORCH_MAX_TEST_RUNS_PER_USER", 2))
    max_test_runs_per_project: int = field(default_factory=lambda: env_int("MCP_ORCH_MAX_TEST_RUNS_PER_PROJECT", 2))
    # Open MCP client sessions (both transports) per project and per credential, counted in this process.
    max_sessions_per_project: int = field(default_factory=lambda: env_int("MCP_ORCH_MAX_SESSIONS_PER_PROJECT", 200))
    max_sessions_per_key: int = field(default_factory=lambda: env_int("MCP_ORCH_MAX_SESSIONS_PER_KEY", 50))
    call_log_buffer: int = field(default_factory=lambda: env_int("MCP_ORCH_CALL_LOG_BUFFER", 10_000))
    # Restart after a crash: base * 2**(crashes in the window - 1), capped.
    backoff_base_seconds: float = field(default_factory=lambda: env_float("MCP_ORCH_BACKOFF_BASE_SECONDS", 1.0))
    backoff_max_seconds: float = field(default_factory=lambda: env_float("MCP_ORCH_BACKOFF_MAX_SECONDS", 60.0))
    # This many crashes (or failed starts) within the window → state ``error`` until restarted or edited.
    crash_loop_limit: int = field(default_factory=lambda: env_int("MCP_ORCH_CRASH_LOOP_LIMIT", 5))
    crash_loop_window_seconds: float = field(
        default_factory=lambda: env_float("MCP_ORCH_CRASH_LOOP_WINDOW_SECONDS", 300.0)
    )
    # Liveness: a ping every interval; no answer within the timeout counts as a crash.
    ping_interval_seconds: float = field(default_factory=lambda: env_float("MCP_ORCH_PING_INTERVAL_SECONDS", 30.0))
    ping_timeout_seconds: float = field(default_factory=lambda: env_float("MCP_ORCH_PING_TIMEOUT_SECONDS", 10.0))
    # Stopping a stdio upstream: stdin closed, then SIGTERM to its process group, SIGKILL after this grace.
    stop_grace_seconds: float = field(default_factory=lambda: env_float("MCP_ORCH_STOP_GRACE_SECONDS", 3.0))
    # Last stderr lines kept per upstream (status, lastError).
    stderr_tail_lines: int = field(default_factory=lambda: env_int("MCP_ORCH_STDERR_TAIL_LINES", 50))
    # Fair sharing of the server log: lines per second (and burst) each server's upstreams may log; 0 = no limit.
    server_log_rate: float = field(default_factory=lambda: env_float("MCP_ORCH_SERVER_LOG_RATE", 50.0))
    server_log_burst: int = field(default_factory=lambda: env_int("MCP_ORCH_SERVER_LOG_BURST", 200))
    sandbox: SandboxSettings = field(default_factory=SandboxSettings)

    def __post_init__(self) -> None:
        if not 24 <= self.unified_name_max <= 128:
            raise ValueError(f"MCP_ORCH_UNIFIED_NAME_MAX must be between 24 and 128, got {self.unified_name_max}")


@dataclass(frozen=True)
class QueueSettings:
    """Background jobs (SAQ). Empty ``url`` means: queue on the application's PostgreSQL."""

    url: str = field(default_factory=lambda: env("MCP_ORCH_QUEUE_URL"))
    run_in_api: bool = field(default_factory=lambda: env_bool("MCP_ORCH_WORKER_IN_API", True))
    # Every API replica re-reads servers, keys and sessions from the database at least this often
    # (change events normally arrive within milliseconds; this bounds the damage of a lost one).
    resync_seconds: float = field(default_factory=lambda: float(env("MCP_ORCH_RESYNC_SECONDS", "30")))
    name: str = field(default_factory=lambda: env("MCP_ORCH_QUEUE_NAME", "mcp-orch"))
    concurrency: int = field(default_factory=lambda: env_int("MCP_ORCH_WORKER_CONCURRENCY", 4))
    # How often each worker checks whether a scheduled job is due (reads the settings row).
    tick_seconds: float = field(default_factory=lambda: float(env("MCP_ORCH_SCHEDULER_TICK_SECONDS", "5")))
    # Seconds a stopping worker lets running jobs finish before cancelling them.
    shutdown_grace_seconds: int = field(default_factory=lambda: env_int("MCP_ORCH_WORKER_SHUTDOWN_GRACE_SECONDS", 5))


@dataclass(frozen=True)
class MailSettings:
    """Outgoing email (invitations). Empty ``host``: no email is sent; links are copied from the UI."""

    host: str = field(default_factory=lambda: env("MCP_ORCH_SMTP_HOST"))
    port: int = field(default_factory=lambda: env_int("MCP_ORCH_SMTP_PORT", 587))
    username: str = field(default_factory=lambda: env("MCP_ORCH_SMTP_USERNAME"))
    password: str = field(default_factory=lambda: env("MCP_ORCH_SMTP_PASSWORD"), repr=False)
    sender: str = field(default_factory=lambda: env("MCP_ORCH_SMTP_FROM", "MCP Orchestrator <mcp-orch@localhost>"))
    # "starttls" (upgrade a plain connection; port 587), "tls" (TLS from the start; port 465) or "none".
    security: str = field(default_factory=lambda: env("MCP_ORCH_SMTP_SECURITY", "starttls"))
    timeout_seconds: float = field(default_factory=lambda: env_float("MCP_ORCH_SMTP_TIMEOUT_SECONDS", 15.0))

    def __post_init__(self) -> None:
        if self.security not in {"starttls", "tls", "none"}:
            raise ValueError(f"MCP_ORCH_SMTP_SECURITY must be starttls, tls or none, got {self.security!r}")

    @property
    def enabled(self) -> bool:
        """True when an SMTP server is configured."""
        return bool(self.host)


@dataclass(frozen=True)
class UISettings:
    """The Reflex web UI."""

    host: str = field(default_factory=lambda: env("MCP_ORCH_UI_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: env_int("MCP_ORCH_UI_PORT", 3000))
    enabled: bool = field(default_factory=lambda: env_bool("MCP_ORCH_UI_ENABLED", True))
    api_url: str = field(default_factory=lambda: env("MCP_ORCH_API_URL", ""))
    # Where browsers reach the UI (the OAuth consent page is sent there).
    public_url: str = field(default_factory=lambda: env("MCP_ORCH_UI_PUBLIC_URL", ""))

    @property
    def base_url(self) -> str:
        """The UI's public base URL without a trailing slash (falls back to its bind address)."""
        host = "127.0.0.1" if self.host in _ANY_ADDRESS else self.host
        return (self.public_url or f"http://{host}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class OAuthSettings:
    """OAuth 2.1 for the MCP endpoints (the API is authorization server and resource server)."""

    access_token_minutes: int = field(default_factory=lambda: env_int("MCP_ORCH_OAUTH_ACCESS_TOKEN_MINUTES", 60))
    refresh_token_days: int = field(default_factory=lambda: env_int("MCP_ORCH_OAUTH_REFRESH_TOKEN_DAYS", 30))
    # Client ID Metadata Documents: fetched with these bounds, re-fetched once older than the cache time.
    metadata_max_bytes: int = field(default_factory=lambda: env_int("MCP_ORCH_OAUTH_METADATA_MAX_BYTES", 5120))
    metadata_timeout_seconds: float = field(
        default_factory=lambda: env_float("MCP_ORCH_OAUTH_METADATA_TIMEOUT_SECONDS", 5.0)
    )
    metadata_cache_seconds: int = field(default_factory=lambda: env_int("MCP_ORCH_OAUTH_METADATA_CACHE_SECONDS", 3600))
    # Development and tests only: accept http:// client ID URLs on loopback (127.0.0.1, ::1, localhost).
    metadata_allow_loopback_http: bool = field(
        default_factory=lambda: env_bool("MCP_ORCH_OAUTH_METADATA_ALLOW_LOOPBACK_HTTP", False)
    )
    # Dynamic registrations (RFC 7591, unauthenticated) accepted per hour, all addresses together (0: no cap).
    registrations_per_hour: int = field(default_factory=lambda: env_int("MCP_ORCH_OAUTH_REGISTRATIONS_PER_HOUR", 500))


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
    mail: MailSettings = field(default_factory=MailSettings)
    oauth: OAuthSettings = field(default_factory=OAuthSettings)


_ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - compared against, never bound


def internal_api_url(settings: Settings) -> str:
    """Where other processes of the product (the UI) reach the API: ``MCP_ORCH_API_URL`` or the bind address."""
    if settings.ui.api_url:
        return settings.ui.api_url.rstrip("/")
    host = "127.0.0.1" if settings.app.host in _ANY_ADDRESS else settings.app.host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.app.port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process settings, read from the environment on first use."""
    return Settings()

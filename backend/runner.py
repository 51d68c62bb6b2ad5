"""Running the processes of the product: database resolution, migrations, the API server."""

from __future__ import annotations

import dataclasses
import logging
import signal
from types import FrameType

import uvicorn

from backend.db.migrate import upgrade
from backend.lib.database import resolve_database
from backend.lib.settings import Settings, get_settings
from backend.server.asgi import create_app

logger = logging.getLogger("mcp_orch.runner")


def _exit_on_sigterm(signum: int, _: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def install_sigterm_exit() -> None:
    """Make SIGTERM unwind the stack like Ctrl-C does.

    uvicorn re-raises the signal it caught once it has shut down; with the default handler that
    kills the process before ``finally`` blocks run, leaving the embedded PostgreSQL behind.
    """
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def run_api(host: str | None = None, port: int | None = None, settings: Settings | None = None) -> None:
    """Resolve the database, migrate, serve the API until interrupted, then stop what we started."""
    settings = settings or get_settings()
    app_settings = dataclasses.replace(settings.app, host=host or settings.app.host, port=port or settings.app.port)
    settings = dataclasses.replace(settings, app=app_settings)
    install_sigterm_exit()
    handle = resolve_database(settings.db.url, settings.app.data_dir)
    try:
        if settings.db.migrate_on_start:
            upgrade(handle.url)
        app = create_app(settings, handle.url)
        uvicorn.run(app, host=app_settings.host, port=app_settings.port, log_level="warning", lifespan="on")
    finally:
        handle.stop()

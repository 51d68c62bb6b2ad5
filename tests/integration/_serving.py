"""Shared pieces of the integration conftests: test servers allowed to run, the app on a real port."""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import httpx
import uvicorn
from litestar import Litestar

from backend.lib.settings import Settings
from backend.server.entry import ServedApp
from tests.integration.servers._support import PYTHON


def with_test_servers(settings: Settings, *, start_timeout: float = 20, **gateway: Any) -> Settings:
    """``settings`` where this interpreter may run as a server (the test MCP servers), plus ``gateway`` fields."""
    return dataclasses.replace(
        settings,
        gateway=dataclasses.replace(
            settings.gateway,
            allowed_commands=[*settings.gateway.allowed_commands, PYTHON],
            start_timeout_seconds=start_timeout,
            **gateway,
        ),
    )


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietServer(uvicorn.Server):
    """Uvicorn without signal handlers (the test runner owns them)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serve(app: Litestar, port: int | None = None, *, timeout: float = 60) -> AsyncIterator[httpx.AsyncClient]:
    """``app`` served by uvicorn on loopback (streams need a real HTTP server); a client on its base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        ServedApp(app), host="127.0.0.1", port=port, log_level="warning", lifespan="on", timeout_graceful_shutdown=5
    )
    server = _QuietServer(config)
    async with anyio.create_task_group() as tg:
        tg.start_soon(server.serve)
        with anyio.fail_after(60):
            while not server.started:
                await anyio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=timeout) as http:
            yield http
        server.should_exit = True

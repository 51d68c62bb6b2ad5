"""Live feed tests: the app served by uvicorn on a loopback port (streams need a real HTTP server)."""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections.abc import AsyncIterator, Iterator

import anyio
import httpx
import pytest
import uvicorn
from litestar import Litestar

from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration.servers._support import PYTHON


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """This interpreter may run as a server, and a changed server is checked at once (the product's default)."""
    gateway = dataclasses.replace(
        settings.gateway,
        allowed_commands=[*settings.gateway.allowed_commands, PYTHON],
        start_timeout_seconds=20,
        check_on_change=True,
    )
    return dataclasses.replace(settings, gateway=gateway)


class _QuietServer(uvicorn.Server):
    """Uvicorn without signal handlers (the test runner owns them)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def api(app: Litestar) -> AsyncIterator[Api]:
    """REST helpers against the app on a real port (``api.client`` is an ``httpx.AsyncClient``)."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=3)
    server = _QuietServer(config)
    async with anyio.create_task_group() as tg:
        tg.start_soon(server.serve)
        with anyio.fail_after(60):
            while not server.started:
                await anyio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            yield Api(http)  # type: ignore[arg-type]
        server.should_exit = True

"""MCP endpoint tests: the app served by uvicorn on a free loopback port, real clients, real servers."""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import httpx
import pytest
import uvicorn
from litestar import Litestar

from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration.endpoints._support import Live
from tests.integration.servers._support import PYTHON


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Shared test settings; this interpreter and node may run as servers; upstreams start fast."""
    gateway = dataclasses.replace(
        settings.gateway,
        allowed_commands=[*settings.gateway.allowed_commands, PYTHON],
        start_timeout_seconds=30,
    )
    return dataclasses.replace(settings, gateway=gateway)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietServer(uvicorn.Server):
    """Uvicorn without signal handlers (the test runner owns them)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest.fixture
async def live(app: Litestar) -> AsyncIterator[Live]:
    """The application on a real HTTP port, with a REST helper bound to it."""
    port = _free_port()
    server = _QuietServer(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", timeout_graceful_shutdown=5
        )
    )
    async with anyio.create_task_group() as tg:
        tg.start_soon(server.serve)
        with anyio.fail_after(60):
            while not server.started:
                await anyio.sleep(0.02)
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            yield Live(url=url, api=Api(http), app=app)  # type: ignore[arg-type]
        server.should_exit = True


@pytest.fixture
def api(live: Live) -> Any:
    """REST helpers against the live server (the in-process test client is not used here)."""
    return live.api

"""OAuth tests: the app on a real loopback port that is also its public URL (the issuer), real SDK clients."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest
import uvicorn
from litestar import Litestar

from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration.endpoints._support import Live
from tests.integration.endpoints.conftest import _free_port, _QuietServer
from tests.integration.servers._support import PYTHON


@pytest.fixture
def port() -> int:
    """The API's port, chosen before the app is built: the issuer and resources name it."""
    return _free_port()


@pytest.fixture
def settings(settings: Settings, port: int) -> Settings:
    """Public URL on the real port; this interpreter may run servers; metadata documents on loopback http."""
    gateway = dataclasses.replace(
        settings.gateway, allowed_commands=[*settings.gateway.allowed_commands, PYTHON], start_timeout_seconds=30
    )
    return dataclasses.replace(
        settings,
        app=dataclasses.replace(settings.app, port=port, public_url=f"http://127.0.0.1:{port}"),
        gateway=gateway,
        oauth=dataclasses.replace(settings.oauth, metadata_allow_loopback_http=True),
    )


@pytest.fixture
async def live(app: Litestar, port: int) -> AsyncIterator[Live]:
    """The application served on ``port``."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", timeout_graceful_shutdown=5
    )
    server = _QuietServer(config)
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
    """REST helpers against the live server."""
    return live.api

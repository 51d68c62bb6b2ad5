"""OAuth tests: the app on a real loopback port that is also its public URL (the issuer), real SDK clients."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar

from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration._serving import free_port, serve, with_test_servers
from tests.integration.endpoints._support import Live


@pytest.fixture
def port() -> int:
    """The API's port, chosen before the app is built: the issuer and resources name it."""
    return free_port()


@pytest.fixture
def settings(settings: Settings, port: int) -> Settings:
    """Public URL on the real port; this interpreter may run servers; metadata documents on loopback http."""
    settings = with_test_servers(settings, start_timeout=30)
    return dataclasses.replace(
        settings,
        app=dataclasses.replace(settings.app, port=port, public_url=f"http://127.0.0.1:{port}"),
        oauth=dataclasses.replace(settings.oauth, metadata_allow_loopback_http=True),
    )


@pytest.fixture
async def live(app: Litestar, port: int) -> AsyncIterator[Live]:
    """The application served on ``port``."""
    async with serve(app, port) as http:
        yield Live(url=f"http://127.0.0.1:{port}", api=Api(http), app=app)  # type: ignore[arg-type]


@pytest.fixture
def api(live: Live) -> Any:
    """REST helpers against the live server."""
    return live.api

"""MCP endpoint tests: the app served by uvicorn on a free loopback port, real clients, real servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar

from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration._serving import serve, with_test_servers
from tests.integration.endpoints._support import Live


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Shared test settings; this interpreter may run as a server; upstreams have 30 s to start."""
    return with_test_servers(settings, start_timeout=30)


@pytest.fixture
async def live(app: Litestar) -> AsyncIterator[Live]:
    """The application on a real HTTP port, with a REST helper bound to it."""
    async with serve(app) as http:
        yield Live(url=str(http.base_url).rstrip("/"), api=Api(http), app=app)  # type: ignore[arg-type]


@pytest.fixture
def api(live: Live) -> Any:
    """REST helpers against the live server (the in-process test client is not used here)."""
    return live.api

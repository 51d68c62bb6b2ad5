"""Live feed tests: the app served by uvicorn on a loopback port (streams need a real HTTP server)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar

from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration._serving import serve, with_test_servers


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """This interpreter may run as a server, and a changed server is checked at once (the product's default)."""
    return with_test_servers(settings, check_on_change=True)


@pytest.fixture
async def api(app: Litestar) -> AsyncIterator[Api]:
    """REST helpers against the app on a real port (``api.client`` is an ``httpx.AsyncClient``)."""
    async with serve(app, timeout=30) as http:
        yield Api(http)  # type: ignore[arg-type]

"""The app's runtime: one object, built with the app, filled by its lifespans, injected as is."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import get
from litestar.di import NamedDependency
from litestar.testing import AsyncTestClient

from backend.lib.database import DatabaseHandle
from backend.lib.runtime import Runtime, runtime_of
from backend.lib.settings import Settings
from backend.mcp.gateway import Gateway
from backend.server.asgi import make_context
from backend.server.core import build_app

pytestmark = pytest.mark.anyio


async def test_handlers_receive_the_runtime_the_lifespans_filled(settings: Settings, database: DatabaseHandle) -> None:
    seen: list[tuple[Runtime, Gateway | None]] = []

    @get("/runtime-probe", exclude_from_auth=True, sync_to_thread=False)
    def runtime_probe(runtime: NamedDependency[Runtime], gateway: NamedDependency[Gateway | None]) -> dict[str, Any]:
        seen.append((runtime, gateway))
        return {}

    ctx = make_context(settings, database.url)
    app = build_app(ctx, route_handlers=[runtime_probe])
    runtime = runtime_of(app)
    assert runtime.gateway is None, "nothing runs before the lifespans"
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/runtime-probe")).status_code == 200
        assert runtime.gateway is not None
        assert runtime.mcp_endpoints is not None
        assert runtime.queue is not None
        assert seen == [(runtime, runtime.gateway)]
        assert seen[0][0] is runtime, "the dependency is the app's instance, not a copy"
    assert runtime.gateway is None, "the gateway lifespan clears what it set"
    assert runtime.mcp_endpoints is None
    await ctx.alchemy.get_engine().dispose()

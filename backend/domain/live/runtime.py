"""The live feed in the API process: built by a lifespan after the change hub, wired to what writes in
the background (the gateway's event sink, the tool-call recorder, the session journal)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import anyio
from litestar import Litestar

from backend.domain.endpoints.journal import DbSessionJournal
from backend.domain.live.feed import LiveFeed
from backend.domain.live.publisher import ActivityTicker, announce_state
from backend.domain.live.refresh import ServerChecker
from backend.lib.context import AppContext
from backend.lib.runtime import Runtime, runtime_of

logger = logging.getLogger("mcp_orch.live")


def _wire(runtime: Runtime, ticker: ActivityTicker) -> None:
    """Hand the background writers their announcement callbacks."""
    hub = runtime.changes
    if runtime.gateway_events is not None:

        async def written(pairs: list[tuple[UUID, UUID]]) -> None:
            await announce_state(hub, pairs)

        runtime.gateway_events.on_written = written
    if runtime.call_recorder is not None:
        runtime.call_recorder.on_written = ticker.calls_written
    endpoints = runtime.mcp_endpoints
    journal = endpoints.table.journal if endpoints is not None else None
    if isinstance(journal, DbSessionJournal):
        journal.on_written = ticker.sessions_written


def _unwire(runtime: Runtime) -> None:
    if runtime.gateway_events is not None:
        runtime.gateway_events.on_written = None
    if runtime.call_recorder is not None:
        runtime.call_recorder.on_written = None
    endpoints = runtime.mcp_endpoints
    journal = endpoints.table.journal if endpoints is not None else None
    if isinstance(journal, DbSessionJournal):
        journal.on_written = None


@asynccontextmanager
async def live_runtime(ctx: AppContext, runtime: Runtime) -> AsyncIterator[None]:
    """Run the live feed (``runtime.live``) and the check of changed servers while the app runs."""
    runtime.live = LiveFeed()
    ticker = ActivityTicker(runtime.changes)
    _wire(runtime, ticker)
    async with anyio.create_task_group() as tg:
        tg.start_soon(ticker.run)
        if ctx.settings.gateway.check_on_change:
            checker = ServerChecker(ctx, runtime)
            tg.start_soon(checker.run)
            runtime.changes.on_local_commit(checker.on_local_commit)
        try:
            yield
        finally:
            _unwire(runtime)
            runtime.live = None
            tg.cancel_scope.cancel()


def live_lifespan(app: Litestar) -> Any:
    """Litestar lifespan hook."""
    return live_runtime(app.state.ctx, runtime_of(app))

"""The serving process's heap after start-up: collected once, then frozen out of the cyclic GC.

Start-up leaves a few hundred thousand long-lived objects (modules, the app, its routes, SQLAlchemy
metadata, the SDK's models). Python's full collections scan every one of them: about 0.2 s each on
the benchmark machine, the first ones landing in the first seconds of traffic (issue 15 measured
0.09 ms of extra CPU per tool call over a 2,000-call window). :func:`gc.freeze` moves what exists
now to the permanent generation, which collections skip; what is created afterwards is collected as
before. Only the serving entry points use it (``mcp-orch api``/``serve``, the benchmarks' API): a
test process builds many apps, and their frozen objects would never be freed.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

logger = logging.getLogger("mcp_orch.app")


@asynccontextmanager
async def frozen_heap(_: Litestar) -> AsyncIterator[None]:
    """Once every other lifespan has started: collect the start-up garbage, then freeze the rest."""
    gc.collect()
    gc.freeze()
    logger.debug("start-up heap frozen", extra={"objects": gc.get_freeze_count()})
    try:
        yield
    finally:
        gc.unfreeze()

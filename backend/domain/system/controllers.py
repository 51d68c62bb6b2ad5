"""``/health`` (liveness) and ``/ready`` (database reachable)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text

import backend
from backend.lib.context import AppContext
from backend.lib.runtime import Runtime
from backend.lib.schema import CamelizedBaseStruct
from backend.lib.worker import queue_ready


class Health(CamelizedBaseStruct):
    """Liveness and readiness answer."""

    status: str
    version: str
    checks: dict[str, str]


class SystemController(Controller):
    """Probes for load balancers and orchestrators."""

    tags = ["System"]

    @get("/health", operation_id="health", summary="Liveness", exclude_from_auth=True)
    async def health(self) -> Health:
        """The process is up."""
        return Health(status="ok", version=backend.__version__, checks={})

    @get("/ready", operation_id="ready", summary="Readiness", exclude_from_auth=True)
    async def ready(self, request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]) -> Response[Health]:
        """The database (and, once configured, the queue) is reachable."""
        ctx: AppContext = request.app.state.ctx
        checks: dict[str, str] = {}
        try:
            async with ctx.alchemy.get_session() as session:
                await session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception:
            checks["database"] = "unreachable"
        if runtime.queue is not None:
            checks["queue"] = "ok" if await queue_ready(runtime.queue) else "unreachable"
        ready = all(v == "ok" for v in checks.values())
        body = Health(status="ok" if ready else "unavailable", version=backend.__version__, checks=checks)
        return Response(body, status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE)

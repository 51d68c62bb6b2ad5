"""The MCP endpoints' front door: ``/projects/…`` reaches them ahead of Litestar's router.

Every MCP request is a few hundred microseconds of gateway CPU, and Litestar's router, its exception
and authentication middleware and their ``send`` wrappers were a measurable share of it (issue 15)
for requests that use none of them: the endpoints authenticate, parse and answer by themselves (the
``/projects`` mount in :mod:`backend.domain.endpoints.runtime` is excluded from auth). What the route
middleware gave them is kept: the request metrics, labelled ``/projects`` as for the mount. The
security headers wrap this door (see :func:`backend.server.core.build_app`). The mount stays for
``/projects`` itself and for apps built without the door.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.domain.system.metrics import HttpMetricsMiddleware, Metrics
from backend.lib.runtime import runtime_of
from backend.mcp.transport import wire

logger = logging.getLogger("mcp_orch.endpoints")

PREFIX = "/projects/"
ROUTE = "/projects"  # the metrics label of every MCP request, as the mount's


async def _serve(scope: Scope, receive: Receive, send: Send) -> None:
    endpoints = runtime_of(scope["app"]).mcp_endpoints
    if endpoints is None:
        await wire.respond_error(send, 503, "The MCP endpoints are not running")  # type: ignore[arg-type]
        return
    try:
        await endpoints(scope, receive, send)  # type: ignore[arg-type]
    except Exception:
        # What Litestar's exception middleware did for the mount: logged, and a JSON 500 when nothing
        # was sent yet (a response under way cannot change its status: the server then ends it).
        logger.exception("MCP endpoint failed", extra={"path": scope["path"]})
        with suppress(Exception):
            await wire.respond_error(send, 500, "Internal server error", code=-32603)  # type: ignore[arg-type]


class McpFrontDoor:
    """Sends HTTP requests under ``/projects/`` straight to the MCP endpoints (timed), the rest to ``app``."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.mcp = HttpMetricsMiddleware(_serve, metrics)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry (``scope["app"]`` is set by Litestar, which calls this as its handler)."""
        if scope["type"] == ScopeType.HTTP and scope["path"].startswith(PREFIX):
            scope["path_template"] = ROUTE
            await self.mcp(scope, receive, send)
            return
        await self.app(scope, receive, send)

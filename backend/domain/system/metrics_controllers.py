"""``GET /metrics``: the Prometheus scrape endpoint.

Who may scrape: clients on the loopback interface, and any client presenting
``Authorization: Bearer <MCP_ORCH_METRICS_TOKEN>`` when that variable is set. Behind a reverse
proxy on the same host every client looks local: do not route ``/metrics`` through it, or set a token.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from prometheus_client import CONTENT_TYPE_LATEST

from backend.domain.system.metrics import EXTRAS_KEY, Metrics
from backend.lib.context import AppContext
from backend.lib.exceptions import ForbiddenError


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _has_token(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> bool:
    scheme, _, presented = connection.headers.get("authorization", "").partition(" ")
    return (
        bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode())
    )


def metrics_scraper(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: loopback clients, or the bearer ``MCP_ORCH_METRICS_TOKEN`` when it is set."""
    ctx: AppContext = connection.app.state.ctx
    host = connection.client.host if connection.client else None
    if _is_loopback(host) or _has_token(connection, ctx.settings.app.metrics_token):
        return
    raise ForbiddenError("Metrics are only served to local clients or with the metrics token")


class MetricsController(Controller):
    """Prometheus metrics of this process."""

    tags = ["System"]

    @get(
        "/metrics",
        operation_id="metrics",
        summary="Prometheus metrics",
        exclude_from_auth=True,
        guards=[metrics_scraper],
        include_in_schema=False,
        media_type=CONTENT_TYPE_LATEST,
    )
    async def metrics(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """HTTP, tool-call, session, upstream, call-log and job metrics in the Prometheus text format."""
        ctx: AppContext = request.app.state.ctx
        metrics: Metrics = ctx.extras[EXTRAS_KEY]
        await metrics.refresh_jobs()
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

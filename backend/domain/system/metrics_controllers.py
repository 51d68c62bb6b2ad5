"""``GET /metrics``: the Prometheus scrape endpoint.

Who may scrape: any client presenting ``Authorization: Bearer <token>`` (``MCP_ORCH_METRICS_TOKEN``,
or the token generated into ``<data>/secrets/metrics.token``). Loopback clients without the token only
when an administrator opts in (``MCP_ORCH_METRICS_ALLOW_LOOPBACK``): stdio servers with outbound network
share the host's loopback, so loopback proves nothing by default.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from litestar import Controller, Response, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from prometheus_client import CONTENT_TYPE_LATEST

from backend.lib.context import AppContext
from backend.lib.exceptions import ForbiddenError
from backend.lib.runtime import Runtime


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


async def metrics_scraper(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: the metrics bearer token; loopback clients without it only when allowed by configuration."""
    ctx: AppContext = connection.app.state.ctx
    if _has_token(connection, ctx.metrics_token):
        return
    host = connection.client.host if connection.client else None
    if ctx.settings.app.metrics_allow_loopback and _is_loopback(host):
        return
    raise ForbiddenError("Metrics need the metrics token (Authorization: Bearer <token>)")


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
    async def metrics(self, runtime: NamedDependency[Runtime]) -> Response[bytes]:
        """HTTP, tool-call, session, upstream, call-log and job metrics in the Prometheus text format."""
        metrics = runtime.metrics
        await metrics.refresh_jobs()
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

"""Dependency providers and runtime handles for the servers domain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Request

from backend.domain.servers.catalogue import CatalogueService
from backend.domain.servers.errors import ServiceUnavailableError
from backend.domain.servers.services import ServerService
from backend.lib.context import AppContext

if TYPE_CHECKING:
    from backend.lib.settings import SandboxSettings
    from backend.mcp.gateway import Gateway

provide_servers_service = create_service_provider(ServerService)
provide_catalogue_service = create_service_provider(CatalogueService)


def app_context(request: Request[Any, Any, Any]) -> AppContext:
    """The process context."""
    ctx: AppContext = request.app.state.ctx
    return ctx


def sandbox_settings(request: Request[Any, Any, Any]) -> SandboxSettings:
    """The instance's sandbox settings (defaults for limits, where homes live)."""
    return app_context(request).settings.gateway.sandbox


def require_gateway(gateway: Gateway | None) -> Gateway:
    """The running gateway (the ``gateway`` dependency), or 503 when this process runs none."""
    if gateway is None:
        raise ServiceUnavailableError("The MCP gateway is not running in this process")
    return gateway

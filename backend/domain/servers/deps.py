"""Dependency providers and runtime handles for the servers domain."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Request
from litestar.di import NamedDependency
from litestar.params import SkipValidation

# Evaluated at run time: Litestar reads the providers' signatures below.
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.servers.call_targets import TargetReaders
from backend.domain.servers.catalogue import CatalogueService
from backend.domain.servers.control import require_gateway
from backend.domain.servers.services import ServerService
from backend.lib.context import AppContext
from backend.lib.settings import SandboxSettings
from backend.mcp.gateway import Gateway

__all__ = [
    "app_context",
    "name_budget",
    "provide_catalogue_service",
    "provide_servers_service",
    "provide_target_readers",
    "require_gateway",
    "sandbox_settings",
]

provide_catalogue_service = create_service_provider(CatalogueService)


async def provide_servers_service(
    db_session: NamedDependency[SkipValidation[AsyncSession]], gateway: NamedDependency[Gateway | None]
) -> ServerService:
    """Dependency ``servers_service``: on the request's session, with this process's gateway (or ``None``)."""
    return ServerService(session=db_session, gateway=gateway)


def provide_target_readers(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway | None]) -> TargetReaders:
    """Dependency ``target_readers``: the services a REST call's target is read with, on the request's
    session, made only when the target is not cached (``db_session`` would open the session up front)."""

    session = app_context(request).request_session(request)

    def make() -> tuple[ServerService, CatalogueService]:
        made = session()
        return ServerService(session=made, gateway=gateway), CatalogueService(session=made)

    return TargetReaders(make)


def app_context(request: Request[Any, Any, Any]) -> AppContext:
    """The process context."""
    ctx: AppContext = request.app.state.ctx
    return ctx


def sandbox_settings(request: Request[Any, Any, Any]) -> SandboxSettings:
    """The instance's sandbox settings (defaults for limits, where homes live)."""
    return app_context(request).settings.gateway.sandbox


def name_budget(request: Request[Any, Any, Any]) -> int:
    """``MCP_ORCH_UNIFIED_NAME_MAX``: what unified names must fit."""
    return int(app_context(request).settings.gateway.unified_name_max)

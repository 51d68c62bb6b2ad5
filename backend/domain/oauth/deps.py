"""Dependency providers of the OAuth domain."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import SkipValidation

# Evaluated at run time: Litestar reads the providers' signatures below.
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.oauth.services import ConsentService
from backend.domain.oauth.store import OAuthStore
from backend.lib.context import AppContext
from backend.lib.runtime import runtime_of


def _ctx(request: Request[Any, Any, Any]) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


async def provide_consent_service(
    db_session: NamedDependency[SkipValidation[AsyncSession]], request: Request[Any, Any, Any]
) -> ConsentService:
    """Dependency ``consent_service``: on the request's session; change events reach every process."""
    return ConsentService(_ctx(request), db_session, runtime_of(request.app).changes.deliver)


async def provide_oauth_store(
    db_session: NamedDependency[SkipValidation[AsyncSession]], request: Request[Any, Any, Any]
) -> OAuthStore:
    """Dependency ``oauth_store``: the authorization server's storage on the request's session."""
    return OAuthStore(_ctx(request), db_session, runtime_of(request.app).changes.deliver)

"""Guards on the user of a request (all async: sync guards would hop to a thread)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from backend.domain.accounts.auth import CurrentUser
from backend.lib.exceptions import ForbiddenError


async def requires_user(connection: ASGIConnection[Any, CurrentUser, Any, Any], _: BaseRouteHandler) -> None:
    """Any signed-in, active user (the middleware already checked; this makes it explicit)."""
    if not isinstance(connection.scope.get("user"), CurrentUser):
        raise ForbiddenError("Sign-in required")


async def requires_admin(connection: ASGIConnection[Any, CurrentUser, Any, Any], _: BaseRouteHandler) -> None:
    """Administrators only."""
    user = connection.scope.get("user")
    if not isinstance(user, CurrentUser) or not user.is_admin:
        raise ForbiddenError("Administrator access required")

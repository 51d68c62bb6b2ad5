"""Dependency providers for the accounts domain."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Request

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.services import UserService

provide_users_service = create_service_provider(UserService)


async def provide_current_user(request: Request[CurrentUser, Any, Any]) -> CurrentUser:
    """The authenticated user of the request."""
    return request.user

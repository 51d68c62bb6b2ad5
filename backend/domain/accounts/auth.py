"""Bearer-token authentication for the REST API.

Every request outside the excluded paths must carry ``Authorization: Bearer <JWT>``. The user is
re-read on each request so that deactivation takes effect at once (``is_active`` checked always).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.lib.context import AppContext
from backend.lib.crypto import decode_access_token

WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="mcp-orch"'}

# Paths that authenticate themselves (MCP endpoints take API keys) or need no credential.
AUTH_EXCLUDE = [
    r"^/health$",
    r"^/ready$",
    r"^/metrics$",
    r"^/api/docs",
    r"^/api/auth/(login|signup)$",
    r"^/projects/",
]


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated user of a request (a plain value, not an ORM row)."""

    id: UUID
    email: str
    name: str
    is_admin: bool


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


_USER_COLUMNS = (m.User.id, m.User.email, m.User.name, m.User.is_admin, m.User.is_active)


async def load_active_user(ctx: AppContext, user_id: UUID, session: AsyncSession | None = None) -> CurrentUser | None:
    """Read the user; ``None`` when missing or deactivated.

    With ``session`` (the request's own), the check shares the request's connection and
    transaction instead of checking out a second one.
    """
    stmt = select(*_USER_COLUMNS).where(m.User.id == user_id)
    if session is None:
        async with ctx.alchemy.get_session() as own:
            row = (await own.execute(stmt)).one_or_none()
    else:
        row = (await session.execute(stmt)).one_or_none()
    if row is None or not row.is_active:
        return None
    return CurrentUser(id=row.id, email=row.email, name=row.name, is_admin=row.is_admin)


async def user_from_token(ctx: AppContext, token: str, session: AsyncSession | None = None) -> CurrentUser | None:
    """Resolve a JWT to an active user, or ``None``."""
    user_id = decode_access_token(token, ctx.jwt_secret)
    return None if user_id is None else await load_active_user(ctx, user_id, session)


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    """Authenticates REST requests by access token."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        """Resolve the bearer token to an active user or answer 401."""
        token = bearer_token(connection)
        if token is None:
            raise NotAuthorizedException("Missing bearer token", headers=WWW_AUTHENTICATE)
        ctx: AppContext = connection.app.state.ctx
        session = ctx.alchemy.provide_session(connection.app.state, connection.scope)
        user = await user_from_token(ctx, token, session)
        if user is None:
            raise NotAuthorizedException("Invalid or expired token", headers=WWW_AUTHENTICATE)
        return AuthenticationResult(user=user, auth=token)


def auth_middleware() -> DefineMiddleware:
    """The middleware definition, with the paths that skip it."""
    return DefineMiddleware(BearerAuthMiddleware, exclude=AUTH_EXCLUDE, exclude_from_auth_key="exclude_from_auth")

"""Bearer-token authentication for the REST API.

Every request outside the excluded paths must carry ``Authorization: Bearer <token>``: an access
token of a live sign-in session (``backend/domain/accounts/credentials.py``) or a personal access
token (``backend/domain/tokens/grants.py``, which also says what such a token may open). The
middleware takes the user from the runtime's few-second cache of resolved credentials
(``backend/domain/accounts/bearers.py``), which the events of a deactivation, a logout or a
revocation clear at once in every API process (in this one before the revoking response is sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.accounts.credentials import live_sign_in
from backend.domain.tokens.grants import PAT_PREFIX, TokenGrant, refusal
from backend.lib.context import AppContext
from backend.lib.crypto import hash_api_key, read_access_token
from backend.lib.exceptions import ForbiddenError
from backend.lib.runtime import runtime_of

WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="mcp-orch"'}
# How often "last seen" / "last used" of a sign-in or token is written (not on every request).
SEEN_EVERY = timedelta(minutes=1)

# Paths that authenticate themselves (MCP endpoints take API keys) or need no credential.
AUTH_EXCLUDE = [
    r"^/health$",
    r"^/ready$",
    r"^/metrics$",
    r"^/api/docs",
    r"^/api/auth/(login|signup)$",
    r"^/projects/",
    r"^/\.well-known/oauth-",
    r"^/oauth/",
]


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated user of a request (a plain value, not an ORM row).

    ``sid``: the sign-in session of an access token; ``token``: the personal access token's grant.
    """

    id: UUID
    email: str
    name: str
    is_admin: bool
    sid: UUID | None = None
    token: TokenGrant | None = None


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@dataclass(frozen=True)
class Bearer:
    """A resolved credential: its user, and when it expires (Unix time; ``None``: never)."""

    user: CurrentUser
    expires: float | None


_USER_COLUMNS = (m.User.id, m.User.email, m.User.name, m.User.is_admin)


async def user_from_token(
    ctx: AppContext, token: str, session: AsyncSession | None = None, *, address: str | None = None
) -> CurrentUser | None:
    """Resolve an access token or a personal access token to an active user, or ``None``.

    With ``session`` (the request's own), the check shares the request's connection instead of
    checking out a second one; "last seen" is written apart, at most once a minute.
    """
    if session is None:
        async with ctx.alchemy.get_session() as own:
            bearer = await resolve_bearer(ctx, own, token, address)
    else:
        bearer = await resolve_bearer(ctx, session, token, address)
    return None if bearer is None else bearer.user


async def resolve_bearer(ctx: AppContext, session: AsyncSession, token: str, address: str | None) -> Bearer | None:
    """Read an access token's or personal access token's user and expiry, or ``None`` (writes "last seen")."""
    now = datetime.now(tz=UTC)
    if token.startswith(PAT_PREFIX):
        return await _from_pat(ctx, session, token, address, now)
    claims = read_access_token(token, ctx.jwt_secret)
    if claims is None:
        return None
    user_id, sid, token_expires = claims
    row = (
        await session.execute(
            select(*_USER_COLUMNS, m.SignInSession.last_seen_at, m.SignInSession.expires_at)
            .join(m.SignInSession, m.SignInSession.user_id == m.User.id)
            .where(
                m.User.id == user_id,
                m.User.is_active.is_(True),
                m.SignInSession.id == sid,
                live_sign_in(now),
            )
        )
    ).one_or_none()
    if row is None:
        return None
    if row.last_seen_at is None or row.last_seen_at < now - SEEN_EVERY:
        await _touch(ctx, update(m.SignInSession).where(m.SignInSession.id == sid).values(last_seen_at=now))
    user = CurrentUser(id=row.id, email=row.email, name=row.name, is_admin=row.is_admin, sid=sid)
    return Bearer(user, min(float(token_expires), row.expires_at.timestamp()))


async def _from_pat(
    ctx: AppContext, session: AsyncSession, token: str, address: str | None, now: datetime
) -> Bearer | None:
    pat = m.PersonalAccessToken
    row = (
        await session.execute(
            select(
                *_USER_COLUMNS,
                pat.id.label("pat_id"),
                pat.scopes,
                pat.project_id,
                pat.last_used_at,
                pat.expires_at,
                m.Project.slug,
            )
            .join(pat, pat.user_id == m.User.id)
            .outerjoin(m.Project, m.Project.id == pat.project_id)
            .where(pat.token_hash == hash_api_key(token), pat.revoked_at.is_(None), m.User.is_active.is_(True))
            .where((pat.expires_at.is_(None)) | (pat.expires_at > now))
        )
    ).one_or_none()
    if row is None:
        return None
    if row.last_used_at is None or row.last_used_at < now - SEEN_EVERY:
        await _touch(ctx, update(pat).where(pat.id == row.pat_id).values(last_used_at=now, last_used_ip=address))
    grant = TokenGrant(id=row.pat_id, scopes=frozenset(row.scopes), project_id=row.project_id, project_slug=row.slug)
    user = CurrentUser(id=row.id, email=row.email, name=row.name, is_admin=row.is_admin, token=grant)
    return Bearer(user, None if row.expires_at is None else row.expires_at.timestamp())


async def _touch(ctx: AppContext, statement: Any) -> None:
    """Write a "last seen" in its own short transaction (the request's may roll back)."""
    async with ctx.alchemy.get_session() as own:
        await own.execute(statement)
        await own.commit()


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    """Authenticates REST requests by access token or personal access token."""

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        """Resolve the bearer token to an active user (401 otherwise); hold a token to its scopes (403)."""
        token = bearer_token(connection)
        if token is None:
            raise NotAuthorizedException("Missing bearer token", headers=WWW_AUTHENTICATE)
        ctx: AppContext = connection.app.state.ctx
        address = connection.client.host if connection.client else None
        session = ctx.request_session(connection)  # made only when the credential is read
        user = await runtime_of(connection.app).bearers.user(ctx, token, session, address=address)
        if user is None:
            raise NotAuthorizedException("Invalid or expired token", headers=WWW_AUTHENTICATE)
        if user.token is not None:
            project = connection.path_params.get("project")
            why = refusal(user.token, str(connection.scope.get("method", "GET")), connection.url.path, project)
            if why is not None:
                raise ForbiddenError(why)
        return AuthenticationResult(user=user, auth=token)


def auth_middleware() -> DefineMiddleware:
    """The middleware definition, with the paths that skip it."""
    return DefineMiddleware(BearerAuthMiddleware, exclude=AUTH_EXCLUDE, exclude_from_auth_key="exclude_from_auth")

"""Credentials for the MCP endpoints: project API keys, or a member's access token.

* API key: valid for its own project only (another project's key → 404, revealing nothing),
  not revoked or expired (→ 401), scoped keys see only their servers; suspended (→ 401 naming
  why) while its creator lacks developer access to the project (``backend/domain/keys/standing.py``).
* Access token: the user must be a developer or owner of the project (reporters → 403; they may
  not call tools), or an administrator; non-members get 404.
* OAuth access token (``mcpoa_``): only on the endpoint it was issued for
  (``backend/domain/oauth/resource.py``), then as its user's access token.

Answers are cached for a few seconds per credential and project (at most ``_CACHE_LIMIT``, the
oldest dropped first), so opening a session or calling a tool does not query the database. Any
change event about keys, members, sign-ins or projects clears the cache at once in every replica
(``backend/domain/changes/handler.py``; the bus brings other replicas' events).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from backend.db import models as m
from backend.db.models import Role
from backend.domain.accounts.auth import user_from_token
from backend.domain.endpoints.ratelimit import RateLimiter
from backend.domain.keys.standing import creator_standing, suspension_reason
from backend.domain.oauth.resource import oauth_bearer
from backend.domain.oauth.server import ACCESS_PREFIX as OAUTH_ACCESS_PREFIX
from backend.domain.projects.access import find_project_and_role, parse_ref
from backend.lib.cache import ShortCache
from backend.lib.context import AppContext
from backend.lib.crypto import API_KEY_PREFIX, hash_api_key
from backend.mcp.transport.ports import Access, AccessDenied

logger = logging.getLogger("mcp_orch.endpoints")

CACHE_SECONDS = 5.0
_CACHE_LIMIT = 10_000


@dataclass(frozen=True)
class _KeyRow:
    key_id: UUID
    project_id: UUID
    slug: str
    unified_enabled: bool
    archived: bool
    scope: frozenset[UUID] | None
    rate_limit: int | None
    expires_at: datetime | None
    revoked: bool
    suspended: str | None


def _matches(ref: str, project_id: UUID, slug: str) -> bool:
    as_uuid = parse_ref(ref)
    return as_uuid == project_id if as_uuid is not None else ref.lower() == slug


def _cache_key(digest: str, token: str, project_ref: str, resource: str) -> tuple[str, str, str]:
    """Answers are per credential and project (and, for an OAuth token, per endpoint it was issued for)."""
    return (digest, project_ref.lower(), resource if token.startswith(OAUTH_ACCESS_PREFIX) else "")


class EndpointAuthenticator:
    """Implements :class:`backend.mcp.transport.ports.Authenticator`."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.limiter = RateLimiter(ctx.alchemy)
        self._cache: ShortCache[tuple[str, str, str], Access | AccessDenied] = ShortCache(CACHE_SECONDS, _CACHE_LIMIT)
        self.usage: dict[UUID, tuple[datetime, str | None]] = {}

    def forget(self) -> None:
        """Drop every cached answer (a key was revoked, a member removed...), also those being read now."""
        self._cache.forget()

    def cached(self, token: str, project_ref: str, resource: str = "") -> Access | AccessDenied | None:
        """The answer held for this credential and project now, if any (no read)."""
        return self._cache.peek(_cache_key(hash_api_key(token), token, project_ref, resource))

    async def authenticate(self, token: str | None, project_ref: str, remote: str | None, resource: str = "") -> Access:
        """Resolve the bearer credential for ``project_ref`` (an OAuth token: for the endpoint ``resource``)."""
        if not token:
            raise AccessDenied(401, "Authentication required: send Authorization: Bearer <API key>")
        digest = hash_api_key(token)
        key = _cache_key(digest, token, project_ref, resource)

        outcome = self._cache.peek(key)  # the hot path: no coroutine, no closure
        if outcome is None:

            async def resolve() -> Access | AccessDenied:
                try:
                    return await self._resolve(token, digest, project_ref, resource)
                except AccessDenied as denied:
                    return denied

            outcome = await self._cache.get(key, resolve)
        if isinstance(outcome, AccessDenied):
            raise AccessDenied(outcome.status, outcome.message)  # a fresh one: a cached traceback would grow
        if outcome.expires_at is not None and outcome.expires_at <= datetime.now(tz=UTC):
            raise AccessDenied(401, "API key expired" if outcome.api_key_id is not None else "OAuth token expired")
        if outcome.api_key_id is not None:
            self.usage[outcome.api_key_id] = (datetime.now(tz=UTC), remote)
        return outcome

    async def _resolve(self, token: str, digest: str, project_ref: str, resource: str) -> Access:
        if token.startswith(API_KEY_PREFIX):
            return self._key_access(await self._key_row(digest), project_ref)
        if token.startswith(OAUTH_ACCESS_PREFIX):
            bearer = await oauth_bearer(self.ctx, token, resource)
            return await self._member_access(
                bearer.user_id, bearer.is_admin, project_ref, grant_id=bearer.grant_id, expires_at=bearer.expires_at
            )
        return await self._user_access(token, project_ref)

    async def _key_row(self, digest: str) -> _KeyRow | None:
        async with self.ctx.alchemy.get_session() as session:
            row = (
                await session.execute(
                    select(m.ApiKey, m.Project, m.User, creator_standing())
                    .join(m.Project, m.Project.id == m.ApiKey.project_id)
                    .outerjoin(m.User, m.User.id == m.ApiKey.created_by_id)
                    .where(m.ApiKey.key_hash == digest)
                )
            ).first()
        if row is None:
            return None
        key, project, creator, standing = row
        return _KeyRow(
            key_id=key.id,
            project_id=project.id,
            slug=project.slug,
            unified_enabled=project.unified_enabled,
            archived=project.archived_at is not None,
            scope=frozenset(UUID(v) for v in key.server_ids) if key.server_ids else None,
            rate_limit=key.rate_limit_per_minute,
            expires_at=key.expires_at,
            revoked=key.revoked_at is not None,
            suspended=suspension_reason(creator, bool(standing), key.suspended_at),
        )

    def _key_access(self, row: _KeyRow | None, project_ref: str) -> Access:
        if row is None:
            raise AccessDenied(401, "Invalid API key")
        if not _matches(project_ref, row.project_id, row.slug):
            raise AccessDenied(404, "Project not found")
        if row.revoked:
            raise AccessDenied(401, "API key revoked")
        if row.expires_at is not None and row.expires_at <= datetime.now(tz=UTC):
            raise AccessDenied(401, "API key expired")
        if row.suspended is not None:
            raise AccessDenied(401, f"API key suspended: {row.suspended}")
        if row.archived:
            raise AccessDenied(403, "Project is archived")
        return Access(
            project_id=row.project_id,
            project_slug=row.slug,
            unified_enabled=row.unified_enabled,
            api_key_id=row.key_id,
            scope=row.scope,
            rate_limit_per_minute=row.rate_limit,
            expires_at=row.expires_at,
        )

    async def _user_access(self, token: str, project_ref: str) -> Access:
        user = await user_from_token(self.ctx, token)
        if user is None:
            raise AccessDenied(401, "Invalid or expired credential")
        if user.token is not None:
            raise AccessDenied(401, "Personal access tokens open the REST API only; use an API key or OAuth here")
        return await self._member_access(user.id, user.is_admin, project_ref, grant_id=user.sid)

    async def _member_access(
        self,
        user_id: UUID,
        is_admin: bool,
        project_ref: str,
        *,
        grant_id: UUID | None,
        expires_at: datetime | None = None,
    ) -> Access:
        """A member's access to the project: developers, owners and administrators (reporters → 403)."""
        async with self.ctx.alchemy.get_session() as session:
            found = await find_project_and_role(session, project_ref, user_id)
        if found is None:
            raise AccessDenied(404, "Project not found")
        project, role = found
        if role is None and not is_admin:
            raise AccessDenied(404, "Project not found")
        if not is_admin and not (role or Role.REPORTER).at_least(Role.DEVELOPER):
            raise AccessDenied(403, "Calling tools needs the developer role in the project")
        if project.archived_at is not None:
            raise AccessDenied(403, "Project is archived")
        return Access(
            project_id=project.id,
            project_slug=project.slug,
            unified_enabled=project.unified_enabled,
            user_id=user_id,
            grant_id=grant_id,
            expires_at=expires_at,
        )

    async def admit_call(self, access: Access) -> int | None:
        """Count a tool call against the key's per-minute limit (shared by every process)."""
        if access.api_key_id is None or access.rate_limit_per_minute is None:
            return None
        return await self.limiter.hit(access.api_key_id, access.rate_limit_per_minute)

    def take_usage(self) -> dict[UUID, tuple[datetime, str | None]]:
        """Key usage seen since the last call (for the journal to persist)."""
        usage, self.usage = self.usage, {}
        return usage


def describe(access: Any) -> str:
    """A log-safe description of an access (never the credential)."""
    return f"key:{access.api_key_id}" if access.api_key_id else f"user:{access.user_id}"

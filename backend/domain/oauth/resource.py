"""The resource-server side: OAuth access tokens (``mcpoa_…``) on the MCP endpoints, and ending grants.

A token opens exactly the endpoint it was issued for (RFC 8707): same project (by id, so a slug or
id URL both work), same server or the unified view, same transport; never the key-only variant,
the discovery document, another project or ``/api``. It acts as its user, whose role is checked on
every request like a member's access token (:class:`backend.domain.endpoints.auth.EndpointAuthenticator`).
It is never passed upstream: the gateway only ever sends its own credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.oauth.resources import canonical, parse_resource, same_endpoint
from backend.domain.projects.access import parse_ref
from backend.lib.context import AppContext
from backend.lib.crypto import hash_api_key
from backend.mcp.transport import paths
from backend.mcp.transport.ports import AccessDenied


@dataclass(frozen=True)
class OAuthBearer:
    """Who an OAuth access token acts for, under which grant, until when."""

    user_id: UUID
    is_admin: bool
    grant_id: UUID
    expires_at: datetime


def _project_matches(ref: str, project: m.Project) -> bool:
    as_uuid = parse_ref(ref)
    return as_uuid == project.id if as_uuid is not None else ref.lower() == project.slug


async def oauth_bearer(ctx: AppContext, token: str, resource: str) -> OAuthBearer:
    """Resolve an OAuth access token presented on the endpoint ``resource`` (401 when it may not open it)."""
    async with ctx.alchemy.get_session() as session:
        row = (
            await session.execute(
                select(m.OAuthToken, m.OAuthGrant, m.OAuthConsent, m.User, m.Project)
                .join(m.OAuthGrant, m.OAuthGrant.id == m.OAuthToken.grant_id)
                .join(m.OAuthConsent, m.OAuthConsent.id == m.OAuthGrant.consent_id)
                .join(m.User, m.User.id == m.OAuthGrant.user_id)
                .join(m.Project, m.Project.id == m.OAuthConsent.project_id)
                .where(m.OAuthToken.access_token_hash == hash_api_key(token))
            )
        ).one_or_none()
    if row is None:
        raise AccessDenied(401, "Invalid OAuth token")
    issued, grant, consent, user, project = row
    if issued.revoked_at is not None or grant.revoked_at is not None or consent.revoked_at is not None:
        raise AccessDenied(401, "OAuth token revoked")
    if issued.access_expires_at <= datetime.now(tz=UTC):
        raise AccessDenied(401, "OAuth token expired")
    if not user.is_active:
        raise AccessDenied(401, "Invalid OAuth token")
    base = ctx.settings.app.base_url
    bound = parse_resource(base, consent.resource)
    requested = paths.parse(canonical(resource)[len(canonical(base)) :]) if resource else None
    if (
        bound is None
        or requested is None
        or not same_endpoint(bound, requested)
        or not _project_matches(requested.project, project)
    ):
        raise AccessDenied(401, "This OAuth token was issued for another endpoint")
    return OAuthBearer(user_id=user.id, is_admin=user.is_admin, grant_id=grant.id, expires_at=issued.access_expires_at)


async def live_oauth_grants(session: AsyncSession, ids: set[UUID]) -> set[UUID]:
    """The OAuth grants among ``ids`` still standing (neither the grant nor its consent ended)."""
    if not ids:
        return set()
    rows = await session.execute(
        select(m.OAuthGrant.id)
        .join(m.OAuthConsent, m.OAuthConsent.id == m.OAuthGrant.consent_id)
        .where(m.OAuthGrant.id.in_(ids), m.OAuthGrant.revoked_at.is_(None), m.OAuthConsent.revoked_at.is_(None))
    )
    return set(rows.scalars())


async def end_oauth_grants(session: AsyncSession, user_id: UUID, *, consent_id: UUID | None = None) -> int:
    """End the user's OAuth consents, grants and tokens (one consent's with ``consent_id``); takes effect at commit.

    The caller publishes :class:`~backend.domain.changes.events.CredentialsRevoked`. Returns how many consents ended.
    """
    now = datetime.now(tz=UTC)
    consents = select(m.OAuthConsent.id).where(m.OAuthConsent.user_id == user_id)
    if consent_id is not None:
        consents = consents.where(m.OAuthConsent.id == consent_id)
    grants = select(m.OAuthGrant.id).where(m.OAuthGrant.consent_id.in_(consents))
    await session.execute(
        update(m.OAuthToken)
        .where(m.OAuthToken.grant_id.in_(grants), m.OAuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.execute(
        update(m.OAuthGrant)
        .where(m.OAuthGrant.consent_id.in_(consents), m.OAuthGrant.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    ended = await session.execute(
        update(m.OAuthConsent)
        .where(m.OAuthConsent.id.in_(consents), m.OAuthConsent.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(ended.rowcount or 0)  # type: ignore[attr-defined]

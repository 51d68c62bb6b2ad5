"""Which open MCP sessions' credentials have ended, so that the change handler closes them.

Every request re-authenticates, so an ended credential is refused at its next request anyway;
this closes what would otherwise stay open without one (GET streams, SSE streams, idle sessions).
A session's credential has ended when its key is revoked, expired or suspended, or when the
member's sign-in (``grant_id``) ended or the member lost developer access to the project.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.accounts.credentials import live_sign_in
from backend.domain.keys.standing import creator_standing, may_use_keys
from backend.domain.oauth.resource import live_oauth_grants
from backend.mcp.transport.ports import Access


async def live_grants(session: AsyncSession, ids: set[UUID]) -> set[UUID]:
    """The grants among ``ids`` that still stand (sign-in sessions not ended nor expired, OAuth grants not ended)."""
    if not ids:
        return set()
    now = datetime.now(tz=UTC)
    rows = await session.execute(select(m.SignInSession.id).where(m.SignInSession.id.in_(ids), live_sign_in(now)))
    live = set(rows.scalars())
    return live | await live_oauth_grants(session, ids - live)


async def ended_credentials(session: AsyncSession, accesses: Iterable[Access]) -> Callable[[Access], bool]:
    """A predicate: has this session's credential ended? (Read once, for every access given.)"""
    accesses = list(accesses)
    now = datetime.now(tz=UTC)
    keys = {a.api_key_id for a in accesses if a.api_key_id is not None}
    live_keys: set[UUID] = set()
    if keys:
        rows = await session.execute(
            select(m.ApiKey.id).where(
                m.ApiKey.id.in_(keys),
                m.ApiKey.revoked_at.is_(None),
                or_(m.ApiKey.expires_at.is_(None), m.ApiKey.expires_at > now),
                m.ApiKey.suspended_at.is_(None),
                creator_standing(),
            )
        )
        live_keys = set(rows.scalars())
    members = [a for a in accesses if a.api_key_id is None and a.user_id is not None]
    grants = await live_grants(session, {a.grant_id for a in members if a.grant_id is not None})
    allowed: set[tuple[UUID, UUID]] = set()
    for user_id, project_id in {(a.user_id, a.project_id) for a in members if a.user_id is not None}:
        if await may_use_keys(session, user_id, project_id):
            allowed.add((user_id, project_id))

    def ended(access: Access) -> bool:
        if access.api_key_id is not None:
            return access.api_key_id not in live_keys
        if access.user_id is None:
            return False
        if access.grant_id is not None and access.grant_id not in grants:
            return True
        return (access.user_id, access.project_id) not in allowed

    return ended

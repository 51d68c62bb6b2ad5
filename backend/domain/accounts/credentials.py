"""Sign-in sessions and the rule that a user's credentials end when their access does.

A login opens a :class:`~backend.db.models.SignInSession`; its access tokens carry its id (``sid``)
and are accepted only while it lives. :func:`end_sign_in` and :func:`end_credentials` (the one place
that ends all of a user's credentials) publish :class:`~backend.domain.changes.events.CredentialsRevoked`
so that every process drops its cached answers (REST and MCP) at once and closes the MCP sessions
those credentials opened.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, and_, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.changes.events import CredentialsRevoked
from backend.domain.changes.outbox import publish
from backend.domain.oauth.resource import end_oauth_grants
from backend.lib.crypto import create_access_token


def live_sign_in(now: datetime | None = None) -> ColumnElement[bool]:
    """For a query over ``m.SignInSession``: neither ended nor expired."""
    return and_(m.SignInSession.revoked_at.is_(None), m.SignInSession.expires_at > (now or datetime.now(tz=UTC)))


async def open_sign_in(
    session: AsyncSession,
    user_id: UUID,
    *,
    secret: str,
    minutes: int,
    ip: str | None,
    user_agent: str | None,
) -> tuple[str, datetime]:
    """Open a sign-in session for ``user_id``; returns its access token and expiry."""
    now = datetime.now(tz=UTC)
    row = m.SignInSession(
        user_id=user_id,
        expires_at=now + timedelta(minutes=minutes),
        last_seen_at=now,
        ip=ip,
        user_agent=(user_agent or "")[:512] or None,
    )
    session.add(row)
    await session.flush()
    return create_access_token(user_id, secret, minutes, sid=row.id)


async def end_sign_in(session: AsyncSession, user_id: UUID, sid: UUID) -> bool:
    """End one sign-in session of ``user_id``; False when it was not theirs or already ended."""
    result = await session.execute(
        update(m.SignInSession)
        .where(m.SignInSession.id == sid, m.SignInSession.user_id == user_id, m.SignInSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(tz=UTC))
    )
    if result.rowcount:  # type: ignore[attr-defined]
        publish(session, CredentialsRevoked(user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def end_credentials(
    session: AsyncSession, user_id: UUID, *, keep: UUID | None = None, tokens: bool = False
) -> None:
    """End every sign-in session of ``user_id`` (but ``keep``) and its OAuth grants and tokens;
    with ``tokens``, its personal access tokens too (deactivation). Takes effect at commit."""
    now = datetime.now(tz=UTC)
    signed_in = update(m.SignInSession).where(m.SignInSession.user_id == user_id, m.SignInSession.revoked_at.is_(None))
    if keep is not None:
        signed_in = signed_in.where(m.SignInSession.id != keep)
    await session.execute(signed_in.values(revoked_at=now))
    await end_oauth_grants(session, user_id)
    if tokens:
        await session.execute(
            update(m.PersonalAccessToken)
            .where(m.PersonalAccessToken.user_id == user_id, m.PersonalAccessToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    publish(session, CredentialsRevoked(user_id))

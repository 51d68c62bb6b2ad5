"""Retention for OAuth records nobody can use any more (run by the daily purge job).

- authorization codes a day past their expiry (used or not: a code lives minutes);
- tokens a day past the end of their refresh token (or of the access token when there is none).
  Revoked tokens stay until then: a retired refresh token presented again must still be recognised,
  so that its reuse ends the whole grant;
- clients that never got a consent, a week after they registered (RFC 7591 registrations and metadata
  documents: anyone may register, and an abandoned registration would otherwise stay for ever).
  A metadata-document client comes back by itself on its next authorization request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m

EXPIRED_GRACE = timedelta(days=1)
UNUSED_CLIENT_AGE = timedelta(days=7)


async def purge_oauth(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Delete what is past use; returns counts per kind (the caller commits)."""
    gone = now - EXPIRED_GRACE
    codes = await session.execute(delete(m.OAuthAuthorizationCode).where(m.OAuthAuthorizationCode.expires_at < gone))
    token_end = func.coalesce(m.OAuthToken.refresh_expires_at, m.OAuthToken.access_expires_at)
    tokens = await session.execute(delete(m.OAuthToken).where(token_end < gone))
    consented = exists(select(m.OAuthConsent.id).where(m.OAuthConsent.client_pk == m.OAuthClient.id))
    clients = await session.execute(
        delete(m.OAuthClient).where(m.OAuthClient.created_at < now - UNUSED_CLIENT_AGE, ~consented)
    )
    return {
        "codes": int(getattr(codes, "rowcount", 0) or 0),
        "tokens": int(getattr(tokens, "rowcount", 0) or 0),
        "clients": int(getattr(clients, "rowcount", 0) or 0),
    }

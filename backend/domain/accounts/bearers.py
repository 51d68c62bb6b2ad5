"""REST credentials resolved a few seconds ago: a sign-in's access token or a personal access token
and its user, so that a busy client's requests do not each read the user and the credential.

Held by the runtime (``Runtime.bearers``). An answer carries the credential's expiry and is never
used past it; only accepted credentials are kept (a refused token is read again). The change
events that end or narrow credentials (``CredentialsRevoked``: logout, sign-out everywhere,
password change or reset, token revocation, deactivation; ``MemberAccessChanged``: deactivation,
deletion, admin rights) clear it in ``backend/domain/changes/handler.py``: in the process that made
the change before its response is sent (``backend/domain/changes/commit.py``), in every other
replica when the bus brings the event, and everywhere at the periodic resync.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from backend.domain.accounts.auth import Bearer, CurrentUser, resolve_bearer
from backend.lib.cache import ShortCache
from backend.lib.crypto import hash_api_key

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.ext.asyncio import AsyncSession

    from backend.lib.context import AppContext

TTL_SECONDS = 5.0
LIMIT = 10_000


class _RefusedError(Exception):
    """The credential is not valid now (not kept: ``ShortCache`` keeps no errors)."""


class Bearers:
    """Resolved REST credentials by the SHA-256 of the token (the token itself is not kept)."""

    def __init__(self, ttl: float = TTL_SECONDS, limit: int = LIMIT) -> None:
        self._cache: ShortCache[str, Bearer] = ShortCache(ttl, limit)

    def __len__(self) -> int:
        return len(self._cache)

    def forget(self) -> None:
        """Drop every answer, those being read now included (a credential or someone's access ended)."""
        self._cache.forget()

    def cached(self, token: str) -> CurrentUser | None:
        """The user held for ``token`` now, if any (no read)."""
        bearer = self._cache.peek(hash_api_key(token))
        return None if bearer is None else bearer.user

    async def user(
        self, ctx: AppContext, token: str, session: Callable[[], AsyncSession], *, address: str | None = None
    ) -> CurrentUser | None:
        """The active user of ``token``, or ``None`` (unknown, ended, expired, inactive user).

        A miss reads through ``session()`` (the request's, made only then: a hit opens no session);
        concurrent misses of one token share the read.
        """
        digest = hash_api_key(token)
        bearer = self._cache.peek(digest)
        if bearer is None:

            async def load() -> Bearer:
                found = await resolve_bearer(ctx, session(), token, address)
                if found is None:
                    raise _RefusedError
                return found

            try:
                bearer = await self._cache.get(digest, load)
            except _RefusedError:
                return None
        if bearer.expires is not None and bearer.expires <= time.time():
            return None
        return bearer.user

"""Projects and callers' roles in them, resolved a few seconds ago, for the project guards.

Every project-scoped request (the REST tool call among them) would otherwise read the project and
the caller's grants (direct and through teams). Held by the runtime (``Runtime.project_roles``),
keyed by user and ``{project}`` reference; only found projects are kept (an unknown reference is
read again). The events that change a role or a project (``MemberAccessChanged``: members and
teams added, removed or re-roled, accounts deactivated or deleted; ``ProjectChanged``: renamed,
archived, restored; ``ProjectDeleted``) clear it in ``backend/domain/changes/handler.py``: in the
process that made the change before its response is sent, in every other replica when the bus
brings the event, and everywhere at the periodic resync.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from backend.domain.projects.access import ProjectRole, find_project_role
from backend.lib.cache import ShortCache

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.ext.asyncio import AsyncSession

TTL_SECONDS = 5.0
LIMIT = 10_000


class _MissingError(Exception):
    """No such project (not kept: ``ShortCache`` keeps no errors)."""


class ProjectRoles:
    """:class:`ProjectRole` answers by (user, project reference)."""

    def __init__(self, ttl: float = TTL_SECONDS, limit: int = LIMIT) -> None:
        self._cache: ShortCache[tuple[UUID, str], ProjectRole] = ShortCache(ttl, limit)

    def __len__(self) -> int:
        return len(self._cache)

    def forget(self) -> None:
        """Drop every answer, those being read now included (a role or a project changed)."""
        self._cache.forget()

    def cached(self, user_id: UUID, ref: str) -> ProjectRole | None:
        """The answer held for this user and reference now, if any (no read)."""
        return self._cache.peek((user_id, ref))

    async def find(self, session: Callable[[], AsyncSession], ref: str, user_id: UUID) -> ProjectRole | None:
        """The project named by ``ref`` and the user's role in it (read through ``session()``, made only on a miss)."""
        key = (user_id, ref)
        found = self._cache.peek(key)
        if found is not None:
            return found

        async def load() -> ProjectRole:
            row = await find_project_role(session(), ref, user_id)
            if row is None:
                raise _MissingError
            return row

        try:
            return await self._cache.get(key, load)
        except _MissingError:
            return None

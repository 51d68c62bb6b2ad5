"""What a REST tool call needs to know of its server and tool, cached between calls.

``POST /api/projects/{p}/servers/{s}/tools/{t}/call`` would otherwise load the server's row (and
decrypt its environment and headers, which the call never uses: the gateway holds the running spec)
and look the tool up in the catalogue on every call. The answer is kept per project, server
reference and tool reference for a few seconds; the change handler drops a project's answers at
once, in every replica, when its servers, tools or aliases change (``ServerChanged``,
``ServerDeleted``, ``ToolToggled``, ``ToolAliased``, ``ProjectChanged``, ``ProjectDeleted``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from backend.lib.cache import ShortCache
from backend.lib.exceptions import NotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable

    from backend.domain.servers.catalogue import CatalogueService
    from backend.domain.servers.services import ServerService

TTL_SECONDS = 30.0  # a safety net only (events clear entries at once); the same bound as the periodic resync
LIMIT = 4096


@dataclass(frozen=True)
class CallTarget:
    """A server as a REST call sees it, and the upstream's name of the tool called."""

    project_id: UUID
    server_id: UUID
    server_name: str
    enabled: bool
    isolation: str
    timeout_seconds: float
    tool: str
    alias: str | None


class TargetReaders:
    """The services that read a call's target, on the request's session, made on first use: a call
    whose target is cached opens no database session at all (dependency ``target_readers``)."""

    def __init__(self, make: Callable[[], tuple[ServerService, CatalogueService]]) -> None:
        self._make = make
        self._made: tuple[ServerService, CatalogueService] | None = None

    def services(self) -> tuple[ServerService, CatalogueService]:
        """The servers and catalogue services (made now if not yet)."""
        if self._made is None:
            self._made = self._make()
        return self._made

    async def release(self) -> None:
        """End the read-only transaction, if a read opened one, before the (possibly long) upstream call."""
        if self._made is not None:
            await self._made[0].release_connection()


class CallTargets:
    """REST tool-call targets by (project, server id or name, tool name or alias)."""

    def __init__(self, ttl: float = TTL_SECONDS, limit: int = LIMIT) -> None:
        self._cache: ShortCache[tuple[UUID, str, str], CallTarget] = ShortCache(ttl, limit)

    async def resolve(self, project_id: UUID, server_ref: str, tool_ref: str, *, readers: TargetReaders) -> CallTarget:
        """The target (read once, then from the cache); ``NotFoundError`` for an unknown server (not cached)."""

        async def load() -> CallTarget:
            servers, catalogue = readers.services()
            row = await servers.resolve(project_id, server_ref)
            try:
                item = await catalogue.tool(row.id, tool_ref)
            except NotFoundError:
                tool, alias = tool_ref, None  # not catalogued (yet): the upstream gets the name as given
            else:
                tool, alias = item.name, item.alias
            return CallTarget(
                project_id=row.project_id,
                server_id=row.id,
                server_name=row.name,
                enabled=row.enabled,
                isolation=row.isolation,
                timeout_seconds=row.timeout_seconds,
                tool=tool,
                alias=alias,
            )

        return await self._cache.get((project_id, server_ref, tool_ref), load)

    def cached(self, project_id: UUID, server_ref: str, tool_ref: str) -> CallTarget | None:
        """The target held for these references now, if any (no read)."""
        return self._cache.peek((project_id, server_ref, tool_ref))

    def forget(self, project_id: UUID | None = None) -> None:
        """Drop the answers of one project (or all): its servers or tools changed."""
        if project_id is None:
            self._cache.forget()
        else:
            self._cache.forget(lambda key: key[0] == project_id)

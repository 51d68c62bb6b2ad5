"""The proxy's :class:`~backend.mcp.proxy.ports.Directory`, read from the servers tables."""

from __future__ import annotations

from collections import defaultdict
from typing import cast
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import or_, select

from backend.db import models as m
from backend.mcp.proxy.ports import ServerEntry
from backend.mcp.types import Isolation


class DbDirectory:
    """Enabled servers of a project with their disabled and aliased tools (two small queries)."""

    def __init__(self, alchemy: SQLAlchemyAsyncConfig) -> None:
        self.alchemy = alchemy

    async def servers(self, project_id: UUID) -> tuple[ServerEntry, ...]:
        """Enabled servers of the project, by name."""
        async with self.alchemy.get_session() as session:
            rows = (
                await session.execute(
                    select(m.Server.id, m.Server.name, m.Server.isolation)
                    .where(m.Server.project_id == project_id, m.Server.enabled.is_(True))
                    .order_by(m.Server.name)
                )
            ).all()
            tool_rows = (
                await session.execute(
                    select(
                        m.CatalogueItem.server_id,
                        m.CatalogueItem.name,
                        m.CatalogueItem.enabled,
                        m.CatalogueItem.alias,
                    ).where(
                        m.CatalogueItem.project_id == project_id,
                        m.CatalogueItem.kind == "tool",
                        or_(m.CatalogueItem.enabled.is_(False), m.CatalogueItem.alias.is_not(None)),
                    )
                )
            ).all()
        disabled: dict[UUID, set[str]] = defaultdict(set)
        aliases: dict[UUID, list[tuple[str, str]]] = defaultdict(list)
        for server_id, name, enabled, alias in tool_rows:
            if not enabled:
                disabled[server_id].add(name)
            if alias:
                aliases[server_id].append((name, alias))
        return tuple(
            ServerEntry(
                server_id=server_id,
                name=name,
                isolation=cast("Isolation", isolation),
                disabled_tools=frozenset(disabled.get(server_id, ())),
                tool_aliases=tuple(sorted(aliases.get(server_id, ()))),
            )
            for server_id, name, isolation in rows
        )

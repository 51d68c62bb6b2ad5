"""The proxy's :class:`~backend.mcp.proxy.ports.Directory`, read from the servers tables."""

from __future__ import annotations

from collections import defaultdict
from typing import cast
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import select

from backend.db import models as m
from backend.mcp.proxy.ports import ServerEntry
from backend.mcp.types import Isolation


class DbDirectory:
    """Enabled servers of a project and their disabled tools (two small queries)."""

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
            disabled_rows = (
                await session.execute(
                    select(m.CatalogueItem.server_id, m.CatalogueItem.name).where(
                        m.CatalogueItem.project_id == project_id,
                        m.CatalogueItem.kind == "tool",
                        m.CatalogueItem.enabled.is_(False),
                    )
                )
            ).all()
        disabled: dict[UUID, set[str]] = defaultdict(set)
        for server_id, name in disabled_rows:
            disabled[server_id].add(name)
        return tuple(
            ServerEntry(
                server_id=server_id,
                name=name,
                isolation=cast("Isolation", isolation),
                disabled_tools=frozenset(disabled.get(server_id, ())),
            )
            for server_id, name, isolation in rows
        )

"""The cached catalogue of a server: upserted on every refresh so per-tool choices survive.

Rows that vanished from the upstream are deleted, except disabled or aliased tools: a tool that
disappears for a while and comes back must come back disabled, and under its alias.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import and_, delete, not_, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from uuid_utils.compat import uuid7

from backend.db import models as m
from backend.domain.logs.redact import clip, sanitize
from backend.lib.exceptions import NotFoundError
from backend.mcp.types import Catalogue

# Catalogue attribute → row kind, and the key naming each object.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("tools", "tool", "name"),
    ("prompts", "prompt", "name"),
    ("resources", "resource", "uri"),
    ("resource_templates", "resource_template", "uriTemplate"),
)
_UPDATED = ("title", "description", "input_schema", "output_schema", "annotations", "definition", "updated_at")


def _dict_or_none(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _row(
    server_id: UUID, project_id: UUID, *, kind: str, name: str, obj: dict[str, Any], now: datetime
) -> dict[str, Any]:
    annotations = _dict_or_none(obj.get("annotations"))
    title = obj.get("title") or (annotations or {}).get("title")
    if kind in {"resource", "resource_template"}:
        title = title or obj.get("name")
    return {
        "id": uuid7(),
        "server_id": server_id,
        "project_id": project_id,
        "kind": kind,
        "name": name,
        "title": clip(str(title), 512) if title else None,
        "description": clip(str(obj.get("description") or ""), 20_000) or "",
        "input_schema": _dict_or_none(obj.get("inputSchema")),
        "output_schema": _dict_or_none(obj.get("outputSchema")),
        "annotations": annotations,
        "definition": obj,
        "enabled": True,
        "created_at": now,
        "updated_at": now,
    }


def catalogue_rows(server_id: UUID, project_id: UUID, catalogue: Catalogue) -> list[dict[str, Any]]:
    """One row per distinct (kind, name) of ``catalogue``, sanitized for PostgreSQL."""
    now = datetime.now(tz=UTC)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for attribute, kind, key in KINDS:
        for raw in getattr(catalogue, attribute):
            obj = sanitize(raw)
            name = obj.get(key) if isinstance(obj, dict) else None
            if isinstance(name, str) and name and len(name) <= 2048:
                rows[(kind, name)] = _row(server_id, project_id, kind=kind, name=name, obj=obj, now=now)
    return list(rows.values())


async def store_catalogue(session: AsyncSession, server_id: UUID, catalogue: Catalogue) -> int | None:
    """Upsert ``catalogue`` for a server; returns its tool count, or ``None`` if the server is gone."""
    # Lock the project row, then the server row: the order a project deletion takes them (the project,
    # then its servers by cascade), so the two never deadlock; a deleted server is then simply gone.
    project_id = (await session.execute(select(m.Server.project_id).where(m.Server.id == server_id))).scalar()
    if project_id is None:
        return None
    await session.execute(select(m.Project.id).where(m.Project.id == project_id).with_for_update(key_share=True))
    found = await session.execute(select(m.Server.project_id).where(m.Server.id == server_id).with_for_update())
    if found.scalar_one_or_none() is None:
        return None
    rows = catalogue_rows(server_id, project_id, catalogue)
    if rows:
        stmt = insert(m.CatalogueItem)
        stmt = stmt.on_conflict_do_update(
            constraint="uq_catalogue_item_server_kind_name",
            set_={column: getattr(stmt.excluded, column) for column in _UPDATED},
        )
        await session.execute(stmt, rows)
    present = [(row["kind"], row["name"]) for row in rows]
    vanished = m.CatalogueItem.server_id == server_id
    if present:
        vanished = and_(vanished, not_(tuple_(m.CatalogueItem.kind, m.CatalogueItem.name).in_(present)))
    plain = or_(
        m.CatalogueItem.kind != "tool",
        and_(m.CatalogueItem.enabled.is_(True), m.CatalogueItem.alias.is_(None)),
    )
    await session.execute(delete(m.CatalogueItem).where(vanished, plain))
    tools = sum(1 for row in rows if row["kind"] == "tool")
    await session.execute(
        update(m.Server)
        .where(m.Server.id == server_id)
        .values(
            tools_count=tools,
            server_info=sanitize(catalogue.server_info or {}),
            capabilities=sanitize(catalogue.capabilities or {}),
            last_checked_at=datetime.now(tz=UTC),
        )
    )
    return tools


class CatalogueService(SQLAlchemyAsyncRepositoryService[m.CatalogueItem]):
    """Reading the cached catalogue (tools by name or alias)."""

    class Repo(SQLAlchemyAsyncRepository[m.CatalogueItem]):
        """Catalogue repository."""

        model_type = m.CatalogueItem

    repository_type = Repo

    async def tools(
        self, project_id: UUID, *, server_id: UUID | None = None, search: str | None = None
    ) -> list[tuple[m.CatalogueItem, m.Server]]:
        """Tools of a project's servers with their server, by server name then tool name."""
        stmt = (
            select(m.CatalogueItem, m.Server)
            .join(m.Server, m.Server.id == m.CatalogueItem.server_id)
            .where(m.CatalogueItem.project_id == project_id, m.CatalogueItem.kind == "tool")
        )
        if server_id is not None:
            stmt = stmt.where(m.CatalogueItem.server_id == server_id)
        if search:
            pattern = f"%{search}%"
            stmt = stmt.where(
                or_(
                    m.CatalogueItem.name.ilike(pattern),
                    m.CatalogueItem.alias.ilike(pattern),
                    m.CatalogueItem.description.ilike(pattern),
                )
            )
        rows = await self.repository.session.execute(stmt.order_by(m.Server.name, m.CatalogueItem.name))
        return [(item, server) for item, server in rows.tuples()]

    async def items(self, server_id: UUID) -> list[m.CatalogueItem]:
        """Every cached item of a server."""
        rows = await self.repository.session.execute(
            select(m.CatalogueItem)
            .where(m.CatalogueItem.server_id == server_id)
            .order_by(m.CatalogueItem.kind, m.CatalogueItem.name)
        )
        return list(rows.scalars())

    async def tool(self, server_id: UUID, name: str) -> m.CatalogueItem:
        """One tool of a server by its name or its alias (the name first), or 404."""
        rows = await self.repository.session.execute(
            select(m.CatalogueItem).where(
                m.CatalogueItem.server_id == server_id,
                m.CatalogueItem.kind == "tool",
                or_(m.CatalogueItem.name == name, m.CatalogueItem.alias == name),
            )
        )
        items: list[m.CatalogueItem] = sorted(rows.scalars(), key=lambda item: item.name != name)
        if not items:
            raise NotFoundError(f"Tool {name!r} not found on this server (refresh the server if it is new)")
        return items[0]

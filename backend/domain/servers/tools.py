"""A tool's alias: the name every endpoint offers it under instead of the upstream's.

Set by a developer or owner of the project (as enabling a tool is), audited, and published after
commit so that every replica's views re-list it and tell their sessions (``tools/list_changed``).
The rules (characters, length, what an alias hides) are the gateway's, in :mod:`backend.mcp.proxy.naming`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import ToolAliased
from backend.domain.changes.outbox import publish
from backend.lib.exceptions import ConflictError, UnprocessableError
from backend.mcp.proxy.naming import ALIAS_MAX_LENGTH, valid_alias


def normalised_alias(alias: str | None, tool: str) -> str | None:
    """The alias to store: ``None`` for null, empty or the tool's own name; 422 when it is not a valid tool name."""
    alias = (alias or "").strip()
    if not alias or alias == tool:
        return None
    if not valid_alias(alias):
        raise UnprocessableError(
            f"Alias {alias!r} is not a valid tool name",
            extra=[
                {
                    "key": "alias",
                    "message": f"use 1-{ALIAS_MAX_LENGTH} characters: letters, digits, '_', '-' and '.'",
                }
            ],
        )
    return alias


async def _check_free(session: AsyncSession, server: m.Server, item: m.CatalogueItem, alias: str) -> None:
    """409 when another tool of the server is named ``alias`` or has it as its alias."""
    # Alias changes of one server take turns (the row lock), so two cannot pass this check together.
    await session.execute(select(m.Server.id).where(m.Server.id == server.id).with_for_update())
    clash = (
        await session.execute(
            select(m.CatalogueItem.name).where(
                m.CatalogueItem.server_id == server.id,
                m.CatalogueItem.kind == "tool",
                m.CatalogueItem.id != item.id,
                or_(m.CatalogueItem.name == alias, m.CatalogueItem.alias == alias),
            )
        )
    ).first()
    if clash is not None:
        what = "a tool" if clash[0] == alias else f"the alias of tool {clash[0]!r}"
        raise ConflictError(
            f"{alias!r} is already {what} of server {server.name!r}",
            extra=[{"key": "alias", "message": f"already {what} of this server"}],
        )


async def set_tool_alias(
    session: AsyncSession, server: m.Server, item: m.CatalogueItem, alias: str | None, *, actor: Any
) -> m.CatalogueItem:
    """Set (or with ``None``/empty, clear) the alias of one tool of ``server``.

    Raises:
        UnprocessableError: not 1-64 characters of ``[A-Za-z0-9_.-]`` (422).
        ConflictError: another tool of the server has that name or alias (409).
    """
    wanted = normalised_alias(alias, item.name)
    if wanted == item.alias:
        return item
    if wanted is not None:
        await _check_free(session, server, item, wanted)
    previous, item.alias = item.alias, wanted
    await session.flush()
    await ActivityService(session=session).record(
        "tool.aliased" if wanted else "tool.alias_cleared",
        actor=actor,
        project_id=server.project_id,
        target_type="tool",
        target_id=server.id,
        target_name=f"{server.name}/{item.name}",
        details={"server": server.name, "tool": item.name, "alias": wanted, "previous": previous},
    )
    publish(session, ToolAliased(server.project_id, server.id, item.name))
    return item

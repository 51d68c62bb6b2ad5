"""SQL building blocks of the team services: search, slugs, the project-owner safety check."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.db.models import Role
from backend.lib.exceptions import ConflictError, UnprocessableError

SLUG_MAX = 64


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match with ``%``/``_`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")  # type: ignore[no-any-return]


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


def team_slug(name: str) -> str:
    """``"Platform Ops #1"`` → ``"platform-ops-1"`` (``team`` when nothing usable is left)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:SLUG_MAX].strip("-")
    if not slug:
        return "team"
    # A slug that parses as a UUID would shadow team ids in ``{team}`` references.
    return f"t-{slug}"[:SLUG_MAX].strip("-") if _is_uuid(slug) else slug


def check_slug(slug: str) -> None:
    """Refuse a chosen slug that could be mistaken for a team id (the pattern is checked by the schema)."""
    if _is_uuid(slug):
        raise UnprocessableError("slug must not be a UUID", extra=[{"key": "slug", "message": "looks like a UUID"}])


async def unique_slug(session: AsyncSession, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... — the first one no team uses yet."""
    stem = base[: SLUG_MAX - 6].strip("-")
    stmt = select(m.Team.slug).where((m.Team.slug == base) | m.Team.slug.startswith(f"{stem}-", autoescape=True))
    taken = set((await session.execute(stmt)).scalars())
    if base not in taken:
        return base
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


async def ensure_slug_free(session: AsyncSession, slug: str, *, except_id: UUID | None = None) -> None:
    """409 when another team already uses ``slug``."""
    stmt = select(m.Team.id).where(m.Team.slug == slug)
    if except_id is not None:
        stmt = stmt.where(m.Team.id != except_id)
    if (await session.execute(stmt.limit(1))).first() is not None:
        raise ConflictError(f"The team slug '{slug}' is already taken")


async def ensure_projects_keep_owner(session: AsyncSession, team_id: UUID) -> None:
    """409 when deleting the team would leave a project it owns without any owner.

    A team attached to a project as owner makes its members the project's owners; each such
    project must keep another owner: a direct owner, or a member of another team attached as
    owner. (Removing one member never orphans a project: a team always keeps its last owner.)
    """
    other = aliased(m.ProjectTeam)
    direct_owner = exists().where(m.ProjectMember.project_id == m.Project.id, m.ProjectMember.role == Role.OWNER.value)
    team_owner = (
        select(m.TeamMember.id)
        .join(other, other.team_id == m.TeamMember.team_id)
        .where(other.project_id == m.Project.id, other.role == Role.OWNER.value, other.team_id != team_id)
        .exists()
    )
    owned_by_team = select(m.ProjectTeam.project_id).where(
        m.ProjectTeam.team_id == team_id, m.ProjectTeam.role == Role.OWNER.value
    )
    stmt = select(m.Project.slug).where(m.Project.id.in_(owned_by_team), ~direct_owner, ~team_owner)
    orphaned = list((await session.execute(stmt.order_by(m.Project.slug).limit(5))).scalars())
    if orphaned:
        raise ConflictError(
            "Deleting this team would leave the project(s) " + ", ".join(orphaned) + " without an owner; "
            "make someone else owner there first"
        )

"""SQL building blocks of the team services: search, names, slugs, the project-owner safety check."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.db.models import Role
from backend.domain.projects.services import projects_left_without_owner
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


async def ensure_name_free(session: AsyncSession, name: str, *, except_id: UUID | None = None) -> None:
    """409 when another team already has this name (compared case-insensitively, stripped)."""
    stmt = select(m.Team.id).where(func.lower(m.Team.name) == func.lower(name.strip()))
    if except_id is not None:
        stmt = stmt.where(m.Team.id != except_id)
    if (await session.execute(stmt.limit(1))).first() is not None:
        raise ConflictError(name_taken(name))


def name_taken(name: str) -> str:
    """The 409 detail for a team name in use."""
    return f"A team named '{name.strip()}' already exists; choose another name"


async def ensure_projects_keep_owner(
    session: AsyncSession, team_id: UUID, *, without_member: UUID | None = None
) -> None:
    """409 naming the projects that would be left without an active owner by a team change.

    A team attached to a project as owner makes all its members owners there, whatever their team
    role. Deleting the team (``without_member`` unset) or removing one member must leave each such
    project with another owner whose account is active: a direct owner, or a member of a team
    attached as owner.
    """
    owned_by_team = select(m.ProjectTeam.project_id).where(
        m.ProjectTeam.team_id == team_id, m.ProjectTeam.role == Role.OWNER.value
    )
    if without_member is None:
        orphaned = await projects_left_without_owner(session, owned_by_team, without_team=team_id)
        change = "Deleting this team"
    else:
        orphaned = await projects_left_without_owner(
            session, owned_by_team, without_team_member=(team_id, without_member)
        )
        change = "Removing this member from the team"
    if orphaned:
        listed = ", ".join(f"'{slug}'" for slug in orphaned[:5]) + (" ..." if len(orphaned) > 5 else "")
        raise ConflictError(
            f"{change} would leave the project(s) {listed} without an owner; make someone else owner there first"
        )

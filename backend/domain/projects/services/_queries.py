"""SQL building blocks shared by the project services: visibility, counts, roles, owners, names, slugs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import ColumnElement, CompoundSelect, Select, exists, func, or_, select, union, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.db.models import Role
from backend.domain.projects.access import parse_ref
from backend.lib.exceptions import ConflictError, UnprocessableError

SLUG_MAX = 64


def slugify(name: str, *, fallback: str = "project") -> str:
    """``"Café Prod #1"`` → ``"cafe-prod-1"``: ASCII lower-case letters, digits and single hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:SLUG_MAX].strip("-")
    if not slug:
        return fallback
    # A slug that parses as a UUID would shadow project ids in ``{project}`` references.
    return f"p-{slug}"[:SLUG_MAX].strip("-") if parse_ref(slug) is not None else slug


def check_slug(slug: str) -> None:
    """Refuse a chosen slug that could be mistaken for a project id (the pattern is checked by the schema)."""
    if parse_ref(slug) is not None:
        raise UnprocessableError("slug must not be a UUID", extra=[{"key": "slug", "message": "looks like a UUID"}])


async def unique_slug(session: AsyncSession, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... — the first one no project uses yet."""
    stem = base[: SLUG_MAX - 6].strip("-")
    taken_rows = await session.execute(
        select(m.Project.slug).where((m.Project.slug == base) | m.Project.slug.startswith(f"{stem}-", autoescape=True))
    )
    taken = set(taken_rows.scalars())
    if base not in taken:
        return base
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


async def ensure_slug_free(session: AsyncSession, slug: str, *, except_id: UUID | None = None) -> None:
    """409 when another project already uses ``slug``."""
    stmt = select(m.Project.id).where(m.Project.slug == slug)
    if except_id is not None:
        stmt = stmt.where(m.Project.id != except_id)
    if (await session.execute(stmt.limit(1))).first() is not None:
        raise ConflictError(f"The slug '{slug}' is already taken")


def visible_project_ids(user_id: UUID) -> Select[tuple[UUID]]:
    """Ids of projects the user belongs to, directly or through an attached team."""
    direct = select(m.ProjectMember.project_id).where(m.ProjectMember.user_id == user_id)
    via_team = (
        select(m.ProjectTeam.project_id)
        .join(m.TeamMember, m.TeamMember.team_id == m.ProjectTeam.team_id)
        .where(m.TeamMember.user_id == user_id)
    )
    return select(union(direct, via_team).subquery().c[0])


def member_count_column() -> ColumnElement[int]:
    """Distinct users with access to ``project`` (direct or via a team), as a correlated scalar subquery.

    A subquery per row instead of joins keeps one row per project (no join blow-up) and counts a
    user who is both a direct and a team member once.
    """
    direct = select(m.ProjectMember.user_id).where(m.ProjectMember.project_id == m.Project.id).correlate(m.Project)
    via_team = (
        select(m.TeamMember.user_id)
        .join(m.ProjectTeam, m.ProjectTeam.team_id == m.TeamMember.team_id)
        .where(m.ProjectTeam.project_id == m.Project.id)
        .correlate(m.Project)
    )
    users = union(direct, via_team).subquery()
    return select(func.count()).select_from(users).correlate(m.Project).scalar_subquery()


def server_count_column() -> ColumnElement[int]:
    """Servers registered in ``project``, as a correlated scalar subquery."""
    return select(func.count()).where(m.Server.project_id == m.Project.id).correlate(m.Project).scalar_subquery()


async def roles_in_projects(session: AsyncSession, user_id: UUID, project_ids: Iterable[UUID]) -> dict[UUID, Role]:
    """The user's strongest role in each of ``project_ids`` (missing = not a member)."""
    ids = list(project_ids)
    if not ids:
        return {}
    direct = select(m.ProjectMember.project_id, m.ProjectMember.role).where(
        m.ProjectMember.user_id == user_id, m.ProjectMember.project_id.in_(ids)
    )
    via_team = (
        select(m.ProjectTeam.project_id, m.ProjectTeam.role)
        .join(m.TeamMember, m.TeamMember.team_id == m.ProjectTeam.team_id)
        .where(m.TeamMember.user_id == user_id, m.ProjectTeam.project_id.in_(ids))
    )
    roles: dict[UUID, Role] = {}
    for project_id, raw in (await session.execute(union_all(direct, via_team))).all():
        role = Role(raw)
        if project_id not in roles or role.rank > roles[project_id].rank:
            roles[project_id] = role
    return roles


def _owner_grants(
    *, without_user: UUID | None, without_team: UUID | None, without_team_member: tuple[UUID, UUID] | None
) -> CompoundSelect[tuple[UUID, UUID]]:
    """``(project_id, user_id)`` of every owner grant held by an active account, minus the excluded one.

    Owners are direct owner members plus the current members of teams attached as owner (live
    team membership). Deactivated accounts cannot sign in, so they do not count as owners.
    """
    direct = (
        select(m.ProjectMember.project_id, m.ProjectMember.user_id)
        .join(m.User, m.User.id == m.ProjectMember.user_id)
        .where(m.ProjectMember.role == Role.OWNER.value, m.User.is_active.is_(True))
    )
    if without_user is not None:
        direct = direct.where(m.ProjectMember.user_id != without_user)
    via_team = (
        select(m.ProjectTeam.project_id, m.TeamMember.user_id)
        .join(m.TeamMember, m.TeamMember.team_id == m.ProjectTeam.team_id)
        .join(m.User, m.User.id == m.TeamMember.user_id)
        .where(m.ProjectTeam.role == Role.OWNER.value, m.User.is_active.is_(True))
    )
    if without_team is not None:
        via_team = via_team.where(m.ProjectTeam.team_id != without_team)
    if without_team_member is not None:
        team_id, user_id = without_team_member
        via_team = via_team.where(or_(m.TeamMember.team_id != team_id, m.TeamMember.user_id != user_id))
    return union_all(direct, via_team)


async def projects_left_without_owner(
    session: AsyncSession,
    project_ids: Select[tuple[UUID]] | list[UUID],
    *,
    without_user: UUID | None = None,
    without_team: UUID | None = None,
    without_team_member: tuple[UUID, UUID] | None = None,
) -> list[str]:
    """Slugs of ``project_ids`` that would have no active owner once one grant is gone.

    The grant left out is the direct membership of ``without_user``, the attachment of
    ``without_team``, or the team membership ``without_team_member`` (``(team_id, user_id)``).
    """
    grants = _owner_grants(
        without_user=without_user, without_team=without_team, without_team_member=without_team_member
    ).subquery()
    owned = exists().where(grants.c.project_id == m.Project.id)
    stmt = select(m.Project.slug).where(m.Project.id.in_(project_ids), ~owned).order_by(m.Project.slug)
    return list((await session.execute(stmt)).scalars())


async def ensure_owner_remains(
    session: AsyncSession, project_id: UUID, *, without_user: UUID | None = None, without_team: UUID | None = None
) -> None:
    """409 unless an active owner still owns the project after dropping one owner grant.

    The grant dropped is the direct membership of ``without_user`` or the attachment of
    ``without_team``; see :func:`projects_left_without_owner`.
    """
    if await projects_left_without_owner(session, [project_id], without_user=without_user, without_team=without_team):
        raise ConflictError(
            "The project must keep at least one owner with an active account; make someone else owner first"
        )


def constraint_of(exc: BaseException) -> str | None:
    """The name of the constraint or index a database error violated, if the driver reports one."""
    seen: BaseException | None = exc
    for _ in range(5):  # driver errors are wrapped a few times (advanced-alchemy → SQLAlchemy → asyncpg)
        if seen is None:
            return None
        name = getattr(seen, "constraint_name", None)
        if isinstance(name, str):
            return name
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


async def ensure_name_free(session: AsyncSession, name: str, *, except_id: UUID | None = None) -> None:
    """409 when another project already has this name (compared case-insensitively, stripped)."""
    stmt = select(m.Project.id).where(func.lower(m.Project.name) == func.lower(name.strip()))
    if except_id is not None:
        stmt = stmt.where(m.Project.id != except_id)
    if (await session.execute(stmt.limit(1))).first() is not None:
        raise ConflictError(name_taken(name))


def name_taken(name: str) -> str:
    """The 409 detail for a project name in use."""
    return f"A project named '{name.strip()}' already exists; choose another name"

"""Who may do what in a project: resolve ``{project}`` (UUID or slug) and the caller's role.

Non-members get 404 (a project's existence is not revealed); members below the needed role get
403; writes to an archived project get 409. Administrators act as owners everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import ColumnElement, CompoundSelect, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from backend.db import models as m
from backend.db.models import Role
from backend.lib.exceptions import ConflictError, ForbiddenError, NotFoundError


@dataclass(frozen=True)
class ProjectContext:
    """The resolved project of a request and the caller's effective role in it."""

    project_id: UUID
    slug: str
    name: str
    archived: bool
    role: Role | None
    is_admin: bool
    user_id: UUID | None

    @property
    def effective_role(self) -> Role:
        """Admins act as owners."""
        return Role.OWNER if self.is_admin else (self.role or Role.REPORTER)

    def can(self, needed: Role) -> bool:
        """True when the caller holds at least ``needed``."""
        return self.effective_role.at_least(needed)


def parse_ref(ref: str) -> UUID | None:
    """A ``{project}`` path value as UUID, or ``None`` when it is a slug."""
    try:
        return UUID(ref)
    except ValueError:
        return None


def _ref_clause(ref: str) -> ColumnElement[bool]:
    as_uuid = parse_ref(ref)
    return m.Project.slug == ref.lower() if as_uuid is None else or_(m.Project.id == as_uuid, m.Project.slug == ref)


def role_grants(user_id: UUID, project_id: UUID | InstrumentedAttribute[UUID]) -> CompoundSelect[tuple[str]]:
    """The roles ``user_id`` holds in a project, directly and through attached teams (one row per grant).

    ``project_id`` is a project id, or ``m.Project.id`` to correlate with an enclosing query.
    """
    direct = (
        select(m.ProjectMember.role.label("role"))
        .where(m.ProjectMember.project_id == project_id, m.ProjectMember.user_id == user_id)
        .correlate(m.Project)
    )
    via_team = (
        select(m.ProjectTeam.role.label("role"))
        .join(m.TeamMember, m.TeamMember.team_id == m.ProjectTeam.team_id)
        .where(m.ProjectTeam.project_id == project_id, m.TeamMember.user_id == user_id)
        .correlate(m.Project)
    )
    return union_all(direct, via_team)


def _strongest(raw: Iterable[str]) -> Role | None:
    roles = [Role(r) for r in raw]
    return max(roles, key=lambda r: r.rank) if roles else None


async def find_project_and_role(session: AsyncSession, ref: str, user_id: UUID) -> tuple[m.Project, Role | None] | None:
    """A project by UUID or slug and the user's strongest role in it, in one round trip."""
    grants = role_grants(user_id, m.Project.id).subquery()
    roles = select(func.array_agg(grants.c.role)).correlate(m.Project).scalar_subquery()
    row = (await session.execute(select(m.Project, roles).where(_ref_clause(ref)))).one_or_none()
    if row is None:
        return None
    project, raw = row
    return project, _strongest(raw or ())


async def member_role(session: AsyncSession, project_id: UUID, user_id: UUID) -> Role | None:
    """The strongest role a user holds in a project, directly or through an attached team."""
    return _strongest((await session.execute(role_grants(user_id, project_id))).scalars())


@dataclass(frozen=True)
class ProjectRole:
    """A project as the access checks see it, and one user's strongest role in it (``None``: none)."""

    project_id: UUID
    slug: str
    name: str
    archived: bool
    role: Role | None


async def find_project_role(session: AsyncSession, ref: str, user_id: UUID) -> ProjectRole | None:
    """:func:`find_project_and_role` as a plain value (``None``: no such project)."""
    found = await find_project_and_role(session, ref, user_id)
    if found is None:
        return None
    project, role = found
    return ProjectRole(project.id, project.slug, project.name, project.archived_at is not None, role)


def project_access(
    found: ProjectRole | None, *, user_id: UUID, is_admin: bool, needed: Role, write: bool = False
) -> ProjectContext:
    """Enforce ``needed`` (and not-archived for writes) on a project and role found for a user."""
    if found is None or (found.role is None and not is_admin):
        raise NotFoundError("Project not found")
    ctx = ProjectContext(
        project_id=found.project_id,
        slug=found.slug,
        name=found.name,
        archived=found.archived,
        role=found.role,
        is_admin=is_admin,
        user_id=user_id,
    )
    if not ctx.can(needed):
        raise ForbiddenError(f"This action needs the {needed.value} role in the project")
    if write and ctx.archived:
        raise ConflictError("Project is archived and read-only; restore it first")
    return ctx


async def resolve_project_access(
    session: AsyncSession,
    ref: str,
    *,
    user_id: UUID,
    is_admin: bool,
    needed: Role,
    write: bool = False,
) -> ProjectContext:
    """Resolve a project reference for a user and enforce ``needed`` (and not-archived for writes)."""
    found = await find_project_role(session, ref, user_id)
    return project_access(found, user_id=user_id, is_admin=is_admin, needed=needed, write=write)

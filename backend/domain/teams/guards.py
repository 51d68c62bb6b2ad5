"""Who may do what in a team, and the route guards that enforce it.

Each guard resolves ``{team}`` (UUID or slug) once, computes the caller's role, and stores a
:class:`TeamContext` on the connection state; handlers receive it as the ``team_ctx`` dependency.
Non-members get 404 (a team's existence is not revealed); members below the needed role get 403.
Administrators act as owners of every team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser
from backend.lib.context import AppContext
from backend.lib.exceptions import ForbiddenError, NotFoundError

STATE_KEY = "team_ctx"


@dataclass(frozen=True)
class TeamContext:
    """The resolved team of a request and the caller's role in it."""

    team_id: UUID
    slug: str
    name: str
    role: Role | None
    is_admin: bool
    user_id: UUID

    @property
    def effective_role(self) -> Role:
        """Admins act as owners."""
        return Role.OWNER if self.is_admin else (self.role or Role.REPORTER)

    def can(self, needed: Role) -> bool:
        """True when the caller holds at least ``needed``."""
        return self.effective_role.at_least(needed)


async def find_team(session: AsyncSession, ref: str) -> m.Team | None:
    """Find a team by UUID or slug."""
    try:
        as_uuid: UUID | None = UUID(ref)
    except ValueError:
        as_uuid = None
    # Slugs never look like UUIDs (the service refuses them), so at most one row matches.
    clause = m.Team.slug == ref.lower() if as_uuid is None else m.Team.id == as_uuid
    return (await session.execute(select(m.Team).where(clause))).scalar_one_or_none()


async def team_member_role(session: AsyncSession, team_id: UUID, user_id: UUID) -> Role | None:
    """The user's role in the team, or ``None`` for non-members."""
    stmt = select(m.TeamMember.role).where(m.TeamMember.team_id == team_id, m.TeamMember.user_id == user_id)
    role = (await session.execute(stmt)).scalar_one_or_none()
    return None if role is None else Role(role)


async def resolve_team_access(
    session: AsyncSession, ref: str, *, user_id: UUID, is_admin: bool, needed: Role
) -> TeamContext:
    """Resolve a team reference for a user and enforce ``needed``."""
    team = await find_team(session, ref)
    if team is None:
        raise NotFoundError("Team not found")
    role = await team_member_role(session, team.id, user_id)
    if role is None and not is_admin:
        raise NotFoundError("Team not found")
    ctx = TeamContext(team_id=team.id, slug=team.slug, name=team.name, role=role, is_admin=is_admin, user_id=user_id)
    if not ctx.can(needed):
        raise ForbiddenError(f"This action needs the {needed.value} role in the team")
    return ctx


def team_role(needed: Role) -> Guard:
    """A guard requiring ``needed`` in the team named by the ``team`` path parameter."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if not isinstance(user, CurrentUser):
            raise ForbiddenError("Sign-in required")
        ctx: AppContext = connection.app.state.ctx
        session = ctx.alchemy.provide_session(connection.app.state, connection.scope)
        connection.state[STATE_KEY] = await resolve_team_access(
            session, str(connection.path_params["team"]), user_id=user.id, is_admin=user.is_admin, needed=needed
        )

    guard.__name__ = f"team_{needed.value}"
    return guard


# The guards used on routes, named after what they allow. Developers have no team-management
# rights beyond reading, so every team read is open to reporters and every change needs an owner.
team_reader = team_role(Role.REPORTER)
team_owner = team_role(Role.OWNER)


async def provide_team_ctx(request: Request[Any, Any, Any]) -> TeamContext:
    """The team resolved by the route's team guard (declare the guard on every such route)."""
    try:
        return cast("TeamContext", request.state[STATE_KEY])
    except KeyError:
        raise ForbiddenError("Route misconfigured: no team guard") from None

"""Team memberships: invite existing users, change roles, remove; the last owner is protected.

Changes lock the team row first, so two concurrent requests cannot both pass the last-owner
check. Every change records a ``team_member.*`` activity row with ``team_id`` set.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.services import normalise_email
from backend.domain.activity.services import ActivityService
from backend.domain.teams import schemas as s
from backend.domain.teams.guards import TeamContext
from backend.lib.exceptions import ConflictError, ForbiddenError, NotFoundError


class TeamMemberService(SQLAlchemyAsyncRepositoryService[m.TeamMember]):
    """Who is in a team, with which role."""

    class Repo(SQLAlchemyAsyncRepository[m.TeamMember]):
        """Team member repository."""

        model_type = m.TeamMember

    repository_type = Repo

    async def list_members(self, ctx: TeamContext, user_id: UUID | None = None) -> list[s.TeamMember]:
        """Members with names and who invited them: owners first, then developers, then reporters."""
        inviter = aliased(m.User)
        rank = case((m.TeamMember.role == Role.OWNER.value, 0), (m.TeamMember.role == Role.DEVELOPER.value, 1), else_=2)
        stmt = (
            select(m.TeamMember, m.User, inviter.email)
            .join(m.User, m.User.id == m.TeamMember.user_id)
            .outerjoin(inviter, inviter.id == m.TeamMember.invited_by_id)
            .where(m.TeamMember.team_id == ctx.team_id)
            .order_by(rank, func.lower(m.User.name), m.User.email)
        )
        if user_id is not None:
            stmt = stmt.where(m.TeamMember.user_id == user_id)
        return [
            s.TeamMember(
                user_id=user.id,
                email=user.email,
                name=user.name,
                role=Role(member.role),
                invited_by_id=member.invited_by_id,
                invited_by=inviter_email,
                joined_at=member.created_at,
                is_current_user=user.id == ctx.user_id,
            )
            for member, user, inviter_email in (await self.repository.session.execute(stmt)).tuples()
        ]

    async def member_view(self, ctx: TeamContext, user_id: UUID) -> s.TeamMember:
        """One member as the API shows it."""
        return (await self.list_members(ctx, user_id))[0]

    async def _lock_team(self, team_id: UUID) -> m.Team:
        """Lock the team row: member changes of one team run one at a time."""
        stmt = select(m.Team).where(m.Team.id == team_id).with_for_update()
        team: m.Team | None = (await self.repository.session.execute(stmt)).scalar_one_or_none()
        if team is None:
            raise NotFoundError("Team not found")
        return team

    async def _require_member(self, team_id: UUID, user_id: UUID) -> m.TeamMember:
        member = await self.get_one_or_none(m.TeamMember.team_id == team_id, m.TeamMember.user_id == user_id)
        if member is None:
            raise NotFoundError("Team member not found")
        return member

    async def _is_last_owner(self, member: m.TeamMember) -> bool:
        if member.role != Role.OWNER.value:
            return False
        owners = await self.count(m.TeamMember.team_id == member.team_id, m.TeamMember.role == Role.OWNER.value)
        return owners <= 1

    async def _record(
        self, type_: str, team: m.Team, user_id: UUID, actor: CurrentUser, details: dict[str, Any]
    ) -> None:
        session = self.repository.session
        email = (await session.execute(select(m.User.email).where(m.User.id == user_id))).scalar_one()
        await ActivityService(session=session).record(
            type_,
            actor=actor,
            team_id=team.id,
            target_type="user",
            target_id=user_id,
            target_name=email,
            details={**details, "team": team.slug},
        )

    async def invite(self, ctx: TeamContext, data: s.TeamMemberInvite, actor: CurrentUser) -> UUID:
        """Add an existing user (by email) with a role; returns the user's id.

        404 when no account has this email, 409 when the user already is a member.
        """
        team = await self._lock_team(ctx.team_id)
        email = normalise_email(data.email)
        found = await self.repository.session.execute(select(m.User).where(m.User.email == email))
        user: m.User | None = found.scalar_one_or_none()
        if user is None:
            raise NotFoundError("No user with this email; they need to sign up first")
        if await self.exists(m.TeamMember.team_id == team.id, m.TeamMember.user_id == user.id):
            raise ConflictError("This user already is a member of the team")
        await self.create(
            m.TeamMember(team_id=team.id, user_id=user.id, role=data.role.value, invited_by_id=actor.id),
            auto_commit=False,
        )
        await self._record("team_member.invited", team, user.id, actor, {"role": data.role.value})
        return user.id

    async def change_role(self, ctx: TeamContext, user_id: UUID, role: Role, actor: CurrentUser) -> None:
        """Change a member's role; the last owner cannot be demoted (409)."""
        team = await self._lock_team(ctx.team_id)
        member = await self._require_member(team.id, user_id)
        old = member.role
        if old == role.value:
            return
        if await self._is_last_owner(member):
            raise ConflictError("The last owner of a team cannot be demoted; make someone else owner first")
        member.role = role.value
        await self.update(member, auto_commit=False)
        await self._record("team_member.role_changed", team, user_id, actor, {"from": old, "to": role.value})

    async def remove(self, ctx: TeamContext, user_id: UUID, actor: CurrentUser) -> None:
        """Remove a member: owners remove anyone, any member may leave; the last owner stays (409)."""
        if not ctx.can(Role.OWNER) and user_id != ctx.user_id:
            raise ForbiddenError("This action needs the owner role in the team")
        team = await self._lock_team(ctx.team_id)
        member = await self._require_member(team.id, user_id)
        if await self._is_last_owner(member):
            raise ConflictError("The last owner of a team cannot be removed; make someone else owner first")
        await self._record("team_member.removed", team, user_id, actor, {"role": member.role})
        await self.delete(member.id, auto_commit=False)

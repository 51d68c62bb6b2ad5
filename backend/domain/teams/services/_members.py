"""Team memberships: invite existing users, change roles, remove; the last owner is protected.

Changes lock the team row first, so two concurrent requests cannot both pass the last-owner
check. Every change records a ``team_member.*`` activity row with ``team_id`` set.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.services import normalise_email
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import MemberAccessChanged
from backend.domain.changes.outbox import publish
from backend.domain.keys.standing import suspend_stranded_keys
from backend.domain.teams import schemas as s
from backend.domain.teams.guards import TeamContext
from backend.domain.teams.services._queries import contains, ensure_projects_keep_owner
from backend.lib.exceptions import ConflictError, ForbiddenError, NotFoundError


class TeamMemberService(SQLAlchemyAsyncRepositoryService[m.TeamMember]):
    """Who is in a team, with which role."""

    class Repo(SQLAlchemyAsyncRepository[m.TeamMember]):
        """Team member repository."""

        model_type = m.TeamMember

    repository_type = Repo

    def _members_query(self, ctx: TeamContext) -> Select[Any]:
        inviter = aliased(m.User)
        return (
            select(m.TeamMember, m.User, inviter.email)
            .join(m.User, m.User.id == m.TeamMember.user_id)
            .outerjoin(inviter, inviter.id == m.TeamMember.invited_by_id)
            .where(m.TeamMember.team_id == ctx.team_id)
        )

    async def _views(self, ctx: TeamContext, stmt: Select[Any]) -> list[s.TeamMember]:
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
                is_active=user.is_active,
            )
            for member, user, inviter_email in (await self.repository.session.execute(stmt)).tuples()
        ]

    async def list_members(
        self, ctx: TeamContext, *, search: str | None = None, page: int = 1, page_size: int = 50
    ) -> s.TeamMemberPage:
        """Members with names and who invited them, one page: owners first, then developers, then reporters.

        ``search`` matches part of a name or email.
        """
        stmt = self._members_query(ctx)
        if search and search.strip():
            stmt = stmt.where(or_(contains(m.User.name, search.strip()), contains(m.User.email, search.strip())))
        total = (
            await self.repository.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
        ).scalar_one()
        rank = case((m.TeamMember.role == Role.OWNER.value, 0), (m.TeamMember.role == Role.DEVELOPER.value, 1), else_=2)
        ordered = stmt.order_by(rank, func.lower(m.User.name), m.User.email).offset((page - 1) * page_size)
        items = await self._views(ctx, ordered.limit(page_size))
        return s.TeamMemberPage(items=items, total=int(total), page=page, page_size=page_size)

    async def member_view(self, ctx: TeamContext, user_id: UUID) -> s.TeamMember:
        """One member as the API shows it."""
        views = await self._views(ctx, self._members_query(ctx).where(m.TeamMember.user_id == user_id))
        if not views:
            raise NotFoundError("Team member not found")
        return views[0]

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
        """True when ``member`` is an owner and no other owner has an active account.

        Deactivated accounts cannot sign in, so they cannot manage the team and do not count.
        """
        if member.role != Role.OWNER.value:
            return False
        others = (
            select(func.count())
            .select_from(m.TeamMember)
            .join(m.User, m.User.id == m.TeamMember.user_id)
            .where(
                m.TeamMember.team_id == member.team_id,
                m.TeamMember.role == Role.OWNER.value,
                m.TeamMember.user_id != member.user_id,
                m.User.is_active.is_(True),
            )
        )
        count: int = (await self.repository.session.execute(others)).scalar_one()
        return count == 0

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

        404 when no account has this email, 409 when the user already is a member or the account
        is deactivated.
        """
        team = await self._lock_team(ctx.team_id)
        email = normalise_email(data.email)
        found = await self.repository.session.execute(select(m.User).where(m.User.email == email))
        user: m.User | None = found.scalar_one_or_none()
        if user is None:
            raise NotFoundError("No user with this email; they need to sign up first")
        if not user.is_active:
            raise ConflictError(
                f"Cannot add {user.email}: the account is deactivated (an administrator can reactivate it)"
            )
        if await self.exists(m.TeamMember.team_id == team.id, m.TeamMember.user_id == user.id):
            raise ConflictError("This user already is a member of the team")
        await self.create(
            m.TeamMember(team_id=team.id, user_id=user.id, role=data.role.value, invited_by_id=actor.id),
            auto_commit=False,
        )
        await self._record("team_member.invited", team, user.id, actor, {"role": data.role.value})
        publish(self.repository.session, MemberAccessChanged(user_id=user.id))
        return user.id

    async def change_role(self, ctx: TeamContext, user_id: UUID, role: Role, actor: CurrentUser) -> None:
        """Change a member's role; the last owner cannot be demoted (409).

        Project roles granted through the team come from the attachment, not from the team role,
        so a demotion here never changes who owns a project.
        """
        team = await self._lock_team(ctx.team_id)
        member = await self._require_member(team.id, user_id)
        old = member.role
        if old == role.value:
            return
        if await self._is_last_owner(member):
            raise ConflictError(
                "The last owner of a team cannot be demoted (owners with deactivated accounts do not count); "
                "make someone else owner first"
            )
        member.role = role.value
        await self.update(member, auto_commit=False)
        await self._record("team_member.role_changed", team, user_id, actor, {"from": old, "to": role.value})
        await suspend_stranded_keys(self.repository.session, user_id=user_id)
        publish(self.repository.session, MemberAccessChanged(user_id=user_id))

    async def remove(self, ctx: TeamContext, user_id: UUID, actor: CurrentUser) -> None:
        """Remove a member: owners remove anyone, any member may leave.

        Refused (409) for the team's last owner, and when a project the team owns would be left
        without an owner whose account is active (the detail names the projects).
        """
        if not ctx.can(Role.OWNER) and user_id != ctx.user_id:
            raise ForbiddenError("This action needs the owner role in the team")
        team = await self._lock_team(ctx.team_id)
        member = await self._require_member(team.id, user_id)
        if await self._is_last_owner(member):
            raise ConflictError(
                "The last owner of a team cannot be removed (owners with deactivated accounts do not count); "
                "make someone else owner first"
            )
        await ensure_projects_keep_owner(self.repository.session, team.id, without_member=user_id)
        await self._record("team_member.removed", team, user_id, actor, {"role": member.role})
        await self.delete(member.id, auto_commit=False)
        await suspend_stranded_keys(self.repository.session, user_id=user_id)
        publish(self.repository.session, MemberAccessChanged(user_id=user_id))

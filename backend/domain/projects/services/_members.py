"""Project members: direct grants plus live team-derived access, merged into one row per user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import msgspec
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.db.models import InvitedAs, Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.services import UserService
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import MemberAccessChanged
from backend.domain.changes.outbox import publish
from backend.domain.keys.standing import suspend_stranded_keys
from backend.domain.projects import schemas as s
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.services._projects import like, user_ref
from backend.domain.projects.services._queries import ensure_owner_remains
from backend.lib.exceptions import ConflictError, NotFoundError


@dataclass
class _Grant:
    """One access grant of one user, before merging."""

    user: m.User
    role: Role
    source: s.MemberSource
    invited_as: InvitedAs | None
    team: m.Team | None
    invited_by: m.User | None
    joined_at: datetime

    @property
    def strength(self) -> tuple[int, int]:
        """Strongest role first; a direct grant wins a tie (it is the one members routes act on)."""
        return (self.role.rank, 0 if self.team is not None else 1)


def _merge(grants: list[_Grant], current_user_id: UUID | None) -> list[s.Member]:
    """One :class:`~backend.domain.projects.schemas.Member` per user, effective role first, then email."""
    by_user: dict[UUID, list[_Grant]] = {}
    for grant in grants:
        by_user.setdefault(grant.user.id, []).append(grant)
    members = []
    for user_id, own in by_user.items():
        own.sort(key=lambda g: g.strength, reverse=True)
        top = own[0]
        direct = next((g for g in own if g.team is None), None)
        members.append(
            s.Member(
                user_id=user_id,
                name=top.user.name,
                email=top.user.email,
                role=top.role,
                source=top.source,
                invited_as=direct.invited_as if direct else None,
                team_id=top.team.id if top.team else None,
                team_name=top.team.name if top.team else None,
                invited_by=user_ref(top.invited_by),
                joined_at=min(g.joined_at for g in own),
                is_current_user=user_id == current_user_id,
                is_active=top.user.is_active,
                grants=[
                    s.MemberGrant(
                        source=g.source,
                        role=g.role,
                        team_id=g.team.id if g.team else None,
                        team_name=g.team.name if g.team else None,
                    )
                    for g in own
                ],
            )
        )
    members.sort(key=lambda mb: (-mb.role.rank, mb.email))
    return members


class ProjectMemberService(SQLAlchemyAsyncRepositoryService[m.ProjectMember]):
    """Direct project members; team-derived members are read here and managed via team attachments."""

    class Repo(SQLAlchemyAsyncRepository[m.ProjectMember]):
        """Project-member repository."""

        model_type = m.ProjectMember

    repository_type = Repo

    async def _grants(self, project_id: UUID, user_id: UUID | None = None, search: str | None = None) -> list[_Grant]:
        session = self.repository.session
        member, inviter = aliased(m.User), aliased(m.User)
        direct = (
            select(m.ProjectMember, member, inviter)
            .join(member, member.id == m.ProjectMember.user_id)
            .outerjoin(inviter, inviter.id == m.ProjectMember.invited_by_id)
            .where(m.ProjectMember.project_id == project_id)
        )
        via_team = (
            select(m.ProjectTeam, m.TeamMember, m.Team, member, inviter)
            .join(m.Team, m.Team.id == m.ProjectTeam.team_id)
            .join(m.TeamMember, m.TeamMember.team_id == m.ProjectTeam.team_id)
            .join(member, member.id == m.TeamMember.user_id)
            .outerjoin(inviter, inviter.id == m.ProjectTeam.added_by_id)
            .where(m.ProjectTeam.project_id == project_id)
        )
        if user_id is not None:
            direct = direct.where(m.ProjectMember.user_id == user_id)
            via_team = via_team.where(m.TeamMember.user_id == user_id)
        if search:
            pattern = like(search)
            matches: ColumnElement[bool] = or_(
                member.name.ilike(pattern, escape="\\"), member.email.ilike(pattern, escape="\\")
            )
            direct, via_team = direct.where(matches), via_team.where(matches)
        grants = [
            _Grant(
                user=user,
                role=Role(pm.role),
                source="external" if pm.invited_as == InvitedAs.EXTERNAL.value else "direct",
                invited_as=InvitedAs(pm.invited_as),
                team=None,
                invited_by=by,
                joined_at=pm.created_at,
            )
            for pm, user, by in (await session.execute(direct)).all()
        ]
        grants.extend(
            _Grant(
                user=user,
                role=Role(pt.role),
                source="team",
                invited_as=None,
                team=team,
                invited_by=by,
                # Access through a team starts when both the attachment and the team membership exist.
                joined_at=max(pt.created_at, tm.created_at),
            )
            for pt, tm, team, user, by in (await session.execute(via_team)).all()
        )
        return grants

    async def list_members(
        self, ctx: ProjectContext, *, search: str | None = None, page: int = 1, page_size: int = 50
    ) -> s.MemberPage:
        """Everyone with access (direct members and current members of attached teams), one page.

        ``search`` matches part of a name or email. Grants merge per user before paging, so a
        page never splits one user's grants; member lists are small enough to merge in memory.
        """
        search = search.strip() if search else None
        merged = _merge(await self._grants(ctx.project_id, search=search), ctx.user_id)
        start = (page - 1) * page_size
        return s.MemberPage(items=merged[start : start + page_size], total=len(merged), page=page, page_size=page_size)

    async def member(self, ctx: ProjectContext, user_id: UUID) -> s.Member:
        """One member's merged row, or 404."""
        merged = _merge(await self._grants(ctx.project_id, user_id), ctx.user_id)
        if not merged:
            raise NotFoundError("Member not found")
        return merged[0]

    async def _direct(self, ctx: ProjectContext, user_id: UUID) -> m.ProjectMember:
        """The direct membership of ``user_id``; explains when access comes only from a team."""
        row = await self.get_one_or_none(
            m.ProjectMember.project_id == ctx.project_id, m.ProjectMember.user_id == user_id
        )
        if row is not None:
            return row
        teams = [g.team.name for g in await self._grants(ctx.project_id, user_id) if g.team is not None]
        if teams:
            raise ConflictError(
                f"This user has access through the team '{teams[0]}'; change the team's role, "
                "remove them from the team or detach the team instead"
            )
        raise NotFoundError("Member not found")

    async def invite(self, ctx: ProjectContext, data: s.MemberInvite, actor: CurrentUser) -> s.Member:
        """Add an existing user by email as a direct member."""
        session = self.repository.session
        user = await UserService(session=session).get_by_email(data.email)
        if user is None:
            raise NotFoundError(f"No user with the email '{data.email.strip()}'; they need to sign up first")
        if not user.is_active:
            raise ConflictError(
                f"Cannot add {user.email}: the account is deactivated (an administrator can reactivate it)"
            )
        existing = await self.get_one_or_none(
            m.ProjectMember.project_id == ctx.project_id, m.ProjectMember.user_id == user.id
        )
        if existing is not None:
            raise ConflictError(f"{user.email} is already a member of this project")
        session.add(
            m.ProjectMember(
                project_id=ctx.project_id,
                user_id=user.id,
                role=data.role.value,
                invited_as=data.invited_as.value,
                invited_by_id=actor.id,
            )
        )
        await ActivityService(session=session).record(
            "member.invited",
            actor=actor,
            project_id=ctx.project_id,
            target_type="user",
            target_id=user.id,
            target_name=user.email,
            details={"role": data.role.value, "invitedAs": data.invited_as.value},
        )
        await session.flush()
        publish(session, MemberAccessChanged(ctx.project_id, user.id))
        return await self.member(ctx, user.id)

    async def update_member(
        self, ctx: ProjectContext, user_id: UUID, data: s.MemberUpdate, actor: CurrentUser
    ) -> s.Member:
        """Change a direct member's role (the last owner cannot be demoted) or ``invitedAs``."""
        session = self.repository.session
        row = await self._direct(ctx, user_id)
        details: dict[str, str] = {}
        if data.role is not msgspec.UNSET and data.role.value != row.role:
            if row.role == Role.OWNER.value:
                await ensure_owner_remains(session, ctx.project_id, without_user=user_id)
            details |= {"from": row.role, "to": data.role.value}
            row.role = data.role.value
        if data.invited_as is not msgspec.UNSET and data.invited_as.value != row.invited_as:
            details |= {"invitedAsFrom": row.invited_as, "invitedAsTo": data.invited_as.value}
            row.invited_as = data.invited_as.value
        if details:
            user = await UserService(session=session).require(user_id)
            await ActivityService(session=session).record(
                "member.role_changed" if "to" in details else "member.updated",
                actor=actor,
                project_id=ctx.project_id,
                target_type="user",
                target_id=user_id,
                target_name=user.email,
                details=details,
            )
            await suspend_stranded_keys(session, project_id=ctx.project_id, user_id=user_id)
            publish(session, MemberAccessChanged(ctx.project_id, user_id))
        return await self.member(ctx, user_id)

    async def remove_member(self, ctx: ProjectContext, user_id: UUID, actor: CurrentUser) -> None:
        """Remove a direct member (the last owner cannot be removed); team grants are unaffected."""
        session = self.repository.session
        row = await self._direct(ctx, user_id)
        if row.role == Role.OWNER.value:
            await ensure_owner_remains(session, ctx.project_id, without_user=user_id)
        user = await UserService(session=session).require(user_id)
        await ActivityService(session=session).record(
            "member.removed",
            actor=actor,
            project_id=ctx.project_id,
            target_type="user",
            target_id=user_id,
            target_name=user.email,
            details={"role": row.role, "invitedAs": row.invited_as},
        )
        await session.delete(row)
        await suspend_stranded_keys(session, project_id=ctx.project_id, user_id=user_id)
        publish(session, MemberAccessChanged(ctx.project_id, user_id))

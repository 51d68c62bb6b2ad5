"""Teams attached to a project: every current member of the team gets the attachment's role (live)."""

from __future__ import annotations

from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import func, select

from backend.db import models as m
from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import MemberAccessChanged
from backend.domain.changes.outbox import publish
from backend.domain.keys.standing import suspend_stranded_keys
from backend.domain.projects import schemas as s
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.services._projects import user_ref
from backend.domain.projects.services._queries import ensure_owner_remains
from backend.lib.exceptions import ConflictError, NotFoundError


class ProjectTeamService(SQLAlchemyAsyncRepositoryService[m.ProjectTeam]):
    """Attach, re-role and detach teams. Access is resolved live from ``team_member``, never copied."""

    class Repo(SQLAlchemyAsyncRepository[m.ProjectTeam]):
        """Project-team repository."""

        model_type = m.ProjectTeam

    repository_type = Repo

    async def list_teams(self, ctx: ProjectContext, team_id: UUID | None = None) -> list[s.ProjectTeam]:
        """Attached teams with their current member counts, by name."""
        member_count = (
            select(func.count())
            .where(m.TeamMember.team_id == m.ProjectTeam.team_id)
            .correlate(m.ProjectTeam)
            .scalar_subquery()
        )
        stmt = (
            select(m.ProjectTeam, m.Team, m.User, member_count)
            .join(m.Team, m.Team.id == m.ProjectTeam.team_id)
            .outerjoin(m.User, m.User.id == m.ProjectTeam.added_by_id)
            .where(m.ProjectTeam.project_id == ctx.project_id)
            .order_by(func.lower(m.Team.name), m.Team.slug)
        )
        if team_id is not None:
            stmt = stmt.where(m.ProjectTeam.team_id == team_id)
        return [
            s.ProjectTeam(
                team_id=team.id,
                name=team.name,
                slug=team.slug,
                role=Role(pt.role),
                member_count=int(count),
                added_by=user_ref(adder),
                added_at=pt.created_at,
            )
            for pt, team, adder, count in (await self.repository.session.execute(stmt)).all()
        ]

    async def _team_for(self, team_id: UUID, actor: CurrentUser) -> m.Team:
        """The team, if the actor may see it (members of the team and administrators); else 404."""
        session = self.repository.session
        team: m.Team | None = await session.get(m.Team, team_id)
        if team is not None and not actor.is_admin:
            in_team = await session.execute(
                select(m.TeamMember.id).where(m.TeamMember.team_id == team_id, m.TeamMember.user_id == actor.id)
            )
            team = team if in_team.first() is not None else None
        if team is None:
            raise NotFoundError("Team not found")
        return team

    async def _team(self, team_id: UUID) -> m.Team:
        """An attached team's row (attachments cascade with their team, so it normally exists)."""
        team: m.Team | None = await self.repository.session.get(m.Team, team_id)
        if team is None:
            raise NotFoundError("Team not found")
        return team

    async def _attachment(self, ctx: ProjectContext, team_id: UUID) -> m.ProjectTeam:
        row = await self.get_one_or_none(m.ProjectTeam.project_id == ctx.project_id, m.ProjectTeam.team_id == team_id)
        if row is None:
            raise NotFoundError("This team is not attached to the project")
        return row

    async def _record(
        self, type_: str, ctx: ProjectContext, team: m.Team, actor: CurrentUser, details: dict[str, str]
    ) -> None:
        await ActivityService(session=self.repository.session).record(
            type_,
            actor=actor,
            project_id=ctx.project_id,
            team_id=team.id,
            target_type="team",
            target_id=team.id,
            target_name=team.name,
            details=details,
        )

    async def attach(self, ctx: ProjectContext, data: s.TeamAttach, actor: CurrentUser) -> s.ProjectTeam:
        """Give every current (and future) member of a team ``role`` in the project."""
        team = await self._team_for(data.team_id, actor)
        existing = await self.get_one_or_none(
            m.ProjectTeam.project_id == ctx.project_id, m.ProjectTeam.team_id == team.id
        )
        if existing is not None:
            raise ConflictError(f"The team '{team.name}' is already attached to this project")
        session = self.repository.session
        session.add(
            m.ProjectTeam(project_id=ctx.project_id, team_id=team.id, role=data.role.value, added_by_id=actor.id)
        )
        await self._record("team.attached", ctx, team, actor, {"role": data.role.value})
        await session.flush()
        publish(session, MemberAccessChanged(ctx.project_id))
        return (await self.list_teams(ctx, team.id))[0]

    async def change_role(self, ctx: ProjectContext, team_id: UUID, role: Role, actor: CurrentUser) -> s.ProjectTeam:
        """Change the role the team grants (a team holding the last owners cannot be demoted)."""
        row = await self._attachment(ctx, team_id)
        if row.role != role.value:
            if row.role == Role.OWNER.value:
                await ensure_owner_remains(self.repository.session, ctx.project_id, without_team=team_id)
            team = await self._team(team_id)
            await self._record("team.role_changed", ctx, team, actor, {"from": row.role, "to": role.value})
            row.role = role.value
            await suspend_stranded_keys(self.repository.session, project_id=ctx.project_id)
            publish(self.repository.session, MemberAccessChanged(ctx.project_id))
        return (await self.list_teams(ctx, team_id))[0]

    async def detach(self, ctx: ProjectContext, team_id: UUID, actor: CurrentUser) -> None:
        """Detach a team: its members lose the access it granted (direct grants stay)."""
        row = await self._attachment(ctx, team_id)
        if row.role == Role.OWNER.value:
            await ensure_owner_remains(self.repository.session, ctx.project_id, without_team=team_id)
        team = await self._team(team_id)
        await self._record("team.detached", ctx, team, actor, {"role": row.role})
        await self.repository.session.delete(row)
        await suspend_stranded_keys(self.repository.session, project_id=ctx.project_id)
        publish(self.repository.session, MemberAccessChanged(ctx.project_id))

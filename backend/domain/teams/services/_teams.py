"""Teams: listing with counts, create, update, delete, and the projects a team is attached to."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.exceptions import IntegrityError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import ColumnElement, Select, exists, func, or_, select

from backend.db import models as m
from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import MemberAccessChanged
from backend.domain.changes.outbox import publish
from backend.domain.keys.standing import suspend_stranded_keys
from backend.domain.projects.services import constraint_of
from backend.domain.teams import schemas as s
from backend.domain.teams.guards import TeamContext
from backend.domain.teams.services._queries import (
    check_slug,
    contains,
    ensure_name_free,
    ensure_projects_keep_owner,
    ensure_slug_free,
    name_taken,
    team_slug,
    unique_slug,
)
from backend.lib.exceptions import ConflictError

logger = logging.getLogger("mcp_orch.teams")


def _conflict(exc: IntegrityError, name: str, slug: str) -> Exception:
    """A unique violation from a concurrent request as a clear 409 (other integrity errors unchanged)."""
    constraint = constraint_of(exc)
    if constraint == "uq_team_name_lower":
        return ConflictError(name_taken(name))
    if constraint == "ix_team_slug":
        return ConflictError(f"The team slug '{slug}' is already taken")
    return exc


def _view_query(user_id: UUID) -> Select[tuple[m.Team, int, int, str | None]]:
    """Teams with member/project counts and the caller's role (scalar subqueries: no join blow-up)."""
    members = select(func.count()).where(m.TeamMember.team_id == m.Team.id).correlate(m.Team).scalar_subquery()
    projects = select(func.count()).where(m.ProjectTeam.team_id == m.Team.id).correlate(m.Team).scalar_subquery()
    my_role = (
        select(m.TeamMember.role)
        .where(m.TeamMember.team_id == m.Team.id, m.TeamMember.user_id == user_id)
        .correlate(m.Team)
        .scalar_subquery()
    )
    return select(m.Team, members.label("members"), projects.label("projects"), my_role.label("my_role"))


def _view(team: m.Team, members: int, projects: int, my_role: str | None) -> s.Team:
    return s.Team(
        id=team.id,
        name=team.name,
        slug=team.slug,
        description=team.description,
        created_by_id=team.created_by_id,
        created_at=team.created_at,
        updated_at=team.updated_at,
        member_count=int(members),
        project_count=int(projects),
        my_role=Role(my_role) if my_role else None,
    )


class TeamService(SQLAlchemyAsyncRepositoryService[m.Team]):
    """Teams. Every change records a ``team.*`` activity row with ``team_id`` set."""

    class Repo(SQLAlchemyAsyncRepository[m.Team]):
        """Team repository."""

        model_type = m.Team

    repository_type = Repo

    async def _record(
        self, type_: str, team: m.Team, actor: CurrentUser, details: dict[str, Any], **extra: Any
    ) -> None:
        await ActivityService(session=self.repository.session).record(
            type_,
            actor=actor,
            team_id=team.id,
            target_type="team",
            target_id=team.id,
            target_name=team.name,
            details=details,
            **extra,
        )

    async def list_for(
        self, user: CurrentUser, *, search: str | None, page: int, page_size: int
    ) -> tuple[list[s.Team], int]:
        """The caller's teams (every team for an administrator), by name, one page."""
        filters: list[ColumnElement[bool]] = []
        if not user.is_admin:
            filters.append(exists().where(m.TeamMember.team_id == m.Team.id, m.TeamMember.user_id == user.id))
        if search:
            filters.append(or_(contains(m.Team.name, search), contains(m.Team.slug, search)))
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(m.Team).where(*filters))).scalar_one()
        stmt = _view_query(user.id).where(*filters).order_by(func.lower(m.Team.name), m.Team.slug)
        rows = await session.execute(stmt.offset((page - 1) * page_size).limit(page_size))
        return [_view(*row) for row in rows.tuples()], int(total)

    async def view(self, team_id: UUID, user_id: UUID) -> s.Team:
        """One team with counts and the caller's role."""
        row = (await self.repository.session.execute(_view_query(user_id).where(m.Team.id == team_id))).tuples().one()
        return _view(*row)

    async def create_team(self, data: s.TeamCreate, actor: CurrentUser) -> m.Team:
        """Create a team; the creator becomes its owner.

        Names are unique ignoring case and surrounding blanks (409 when taken). Without a slug one
        is generated from the name (``-2``, ``-3``... when taken); a chosen slug that is taken is a 409.
        """
        session = self.repository.session
        name = data.name.strip()
        await ensure_name_free(session, name)
        if data.slug is None:
            slug = await unique_slug(session, team_slug(name))
        else:
            check_slug(data.slug)
            await ensure_slug_free(session, data.slug)
            slug = data.slug
        try:
            team = await self.create(
                m.Team(name=name, slug=slug, description=data.description.strip(), created_by_id=actor.id),
                auto_commit=False,
            )
        except IntegrityError as exc:
            raise _conflict(exc, name, slug) from exc
        session.add(m.TeamMember(team_id=team.id, user_id=actor.id, role=Role.OWNER.value, invited_by_id=actor.id))
        await session.flush()
        await self._record("team.created", team, actor, {"slug": team.slug})
        logger.info("team created", extra={"team_id": str(team.id), "slug": team.slug})
        return team

    async def update_team(self, ctx: TeamContext, data: s.TeamUpdate, actor: CurrentUser) -> None:
        """Change name, slug or description (409 when the name or slug is taken); records what changed."""
        team = await self.get(ctx.team_id)
        wanted: dict[str, str] = {}
        if data.name is not msgspec.UNSET:
            await ensure_name_free(self.repository.session, data.name, except_id=team.id)
            wanted["name"] = data.name.strip()
        if data.slug is not msgspec.UNSET and data.slug != team.slug:
            check_slug(data.slug)
            await ensure_slug_free(self.repository.session, data.slug, except_id=team.id)
            wanted["slug"] = data.slug
        if data.description is not msgspec.UNSET:
            wanted["description"] = data.description.strip()
        changes = {
            field: {"from": getattr(team, field), "to": value}
            for field, value in wanted.items()
            if value != getattr(team, field)
        }
        if not changes:
            return
        for field, change in changes.items():
            setattr(team, field, change["to"])
        name, slug = team.name, team.slug
        try:
            team = await self.update(team, auto_commit=False)
        except IntegrityError as exc:
            raise _conflict(exc, name, slug) from exc
        await self._record("team.updated", team, actor, {"changes": changes})

    async def delete_team(self, ctx: TeamContext, actor: CurrentUser) -> None:
        """Delete a team; memberships and project attachments go with it, so its grants end at once.

        Refused (409, naming the projects) when a project the team owns would be left without an
        owner whose account is active.
        """
        session = self.repository.session
        team = await self.get(ctx.team_id)
        await ensure_projects_keep_owner(session, team.id)
        attached = (
            await session.execute(
                select(m.ProjectTeam.project_id, m.ProjectTeam.role).where(m.ProjectTeam.team_id == team.id)
            )
        ).all()
        details = {"slug": team.slug, "projects": [str(row.project_id) for row in attached]}
        await self._record("team.deleted", team, actor, details)
        # Each attached project's trail shows the team going away like a detach.
        for row in attached:
            reason = {"role": row.role, "reason": "team deleted"}
            await self._record("team.detached", team, actor, reason, project_id=row.project_id)
        await self.delete(team.id, auto_commit=False)
        for row in attached:
            await suspend_stranded_keys(session, project_id=row.project_id)
        publish(session, *(MemberAccessChanged(project_id=row.project_id) for row in attached))
        logger.info("team deleted", extra={"team_id": str(team.id), "projects": len(attached)})

    async def projects(self, ctx: TeamContext) -> list[s.TeamProject]:
        """The projects the team is attached to, by name."""
        rows = await self.repository.session.execute(
            select(m.Project, m.ProjectTeam)
            .join(m.ProjectTeam, m.ProjectTeam.project_id == m.Project.id)
            .where(m.ProjectTeam.team_id == ctx.team_id)
            .order_by(func.lower(m.Project.name), m.Project.slug)
        )
        return [
            s.TeamProject(
                id=project.id,
                name=project.name,
                slug=project.slug,
                description=project.description,
                archived_at=project.archived_at,
                role=Role(link.role),
                attached_at=link.created_at,
            )
            for project, link in rows.tuples()
        ]

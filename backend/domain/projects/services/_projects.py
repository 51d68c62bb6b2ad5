"""Projects: listing with counts, create (creator becomes owner), settings, archive, delete, favourites."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import Row, Select, delete, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.db.models import InvitedAs, Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import ProjectChanged, ProjectDeleted
from backend.domain.changes.outbox import publish
from backend.domain.projects import schemas as s
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.services._queries import (
    check_slug,
    constraint_of,
    ensure_name_free,
    ensure_slug_free,
    member_count_column,
    name_taken,
    roles_in_projects,
    server_count_column,
    slugify,
    unique_slug,
    visible_project_ids,
)
from backend.lib.exceptions import ConflictError, ForbiddenError, NotFoundError

logger = logging.getLogger("mcp_orch.projects")


def user_ref(user: m.User | None) -> s.UserRef | None:
    """A user row as a reference (``None`` stays ``None``, e.g. a deleted creator)."""
    return None if user is None else s.UserRef(id=user.id, name=user.name, email=user.email)


def like(text: str) -> str:
    """A case-insensitive substring pattern with LIKE wildcards escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ProjectService(SQLAlchemyAsyncRepositoryService[m.Project]):
    """Projects and the caller's favourites; member and team grants live in their own services."""

    class Repo(SQLAlchemyAsyncRepository[m.Project]):
        """Project repository."""

        model_type = m.Project

    repository_type = Repo

    def _rows(self, user_id: UUID) -> Select[Any]:
        """Projects with creator, counts and the favourite flag: exactly one row per project."""
        creator = aliased(m.User)
        is_favorite = (
            exists()
            .where(m.ProjectFavorite.project_id == m.Project.id, m.ProjectFavorite.user_id == user_id)
            .correlate(m.Project)
        )
        return (
            select(
                m.Project,
                creator,
                member_count_column().label("member_count"),
                server_count_column().label("server_count"),
                is_favorite.label("is_favorite"),
            )
            .outerjoin(creator, creator.id == m.Project.created_by_id)
            .order_by(is_favorite.desc(), func.lower(m.Project.name), m.Project.slug)
        )

    async def _views(self, rows: list[Row[Any]], user_id: UUID) -> list[s.Project]:
        session = self.repository.session
        roles = await roles_in_projects(session, user_id, [row[0].id for row in rows])
        return [
            s.Project(
                id=project.id,
                name=project.name,
                slug=project.slug,
                description=project.description,
                archived_at=project.archived_at,
                created_by=user_ref(creator),
                unified_enabled=project.unified_enabled,
                member_count=int(member_count),
                server_count=int(server_count),
                is_favorite=bool(favorite),
                my_role=roles.get(project.id),
                created_at=project.created_at,
                updated_at=project.updated_at,
            )
            for project, creator, member_count, server_count, favorite in rows
        ]

    async def list_projects(
        self,
        user: CurrentUser,
        *,
        search: str | None = None,
        page: int = 1,
        page_size: int = 50,
        all_projects: bool = False,
    ) -> s.ProjectPage:
        """Projects the user belongs to (all of them for administrators, or with ``all_projects``)."""
        stmt = self._rows(user.id)
        if not (user.is_admin or all_projects):
            stmt = stmt.where(m.Project.id.in_(visible_project_ids(user.id)))
        if search and search.strip():
            pattern = like(search.strip())
            stmt = stmt.where(
                or_(m.Project.name.ilike(pattern, escape="\\"), m.Project.slug.ilike(pattern, escape="\\"))
            )
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))).scalar_one()
        rows = list((await session.execute(stmt.offset((page - 1) * page_size).limit(page_size))).all())
        items = await self._views(rows, user.id)
        return s.ProjectPage(items=items, total=int(total), page=page, page_size=page_size)

    async def view(self, project_id: UUID, user_id: UUID) -> s.Project:
        """One project as the API shows it to ``user_id``."""
        rows = list(
            (await self.repository.session.execute(self._rows(user_id).where(m.Project.id == project_id))).all()
        )
        if not rows:
            raise NotFoundError("Project not found")
        return (await self._views(rows, user_id))[0]

    async def _flush(self, project: m.Project) -> None:
        """Flush; a concurrent request that took the same name or slug first becomes a clear 409."""
        try:
            await self.repository.session.flush()
        except IntegrityError as exc:
            constraint = constraint_of(exc)
            if constraint == "uq_project_name_lower":
                raise ConflictError(name_taken(project.name)) from exc
            if constraint == "ix_project_slug":
                raise ConflictError(f"The slug '{project.slug}' is already taken") from exc
            raise

    async def require(self, project_id: UUID) -> m.Project:
        """A project row by id, or 404."""
        project = await self.get_one_or_none(m.Project.id == project_id)
        if project is None:
            raise NotFoundError("Project not found")
        return project

    async def create_project(self, data: s.ProjectCreate, actor: CurrentUser, *, quota: int = 0) -> m.Project:
        """Create a project; the creator becomes its owner (a direct, individual member).

        Names are unique (case-insensitively) and slugs too: a taken one is a 409. A non-administrator
        who already created ``quota`` projects (archived ones included) gets a 403; 0 means no quota.
        """
        session = self.repository.session
        if quota > 0 and not actor.is_admin:
            await self._check_quota(actor, quota)
        await ensure_name_free(session, data.name)
        if data.slug is None:
            slug = await unique_slug(session, slugify(data.name))
        else:
            check_slug(data.slug)
            await ensure_slug_free(session, data.slug)
            slug = data.slug
        project = m.Project(
            name=data.name.strip(),
            slug=slug,
            description=data.description,
            created_by_id=actor.id,
            unified_enabled=data.unified_enabled,
        )
        session.add(project)
        await self._flush(project)
        session.add(
            m.ProjectMember(
                project_id=project.id,
                user_id=actor.id,
                role=Role.OWNER.value,
                invited_as=InvitedAs.INDIVIDUAL.value,
                invited_by_id=actor.id,
                noticed_at=datetime.now(tz=UTC),  # no "you were added" notice for your own project
            )
        )
        await ActivityService(session=session).record(
            "project.created",
            actor=actor,
            project_id=project.id,
            target_type="project",
            target_id=project.id,
            target_name=project.name,
            details={"slug": project.slug},
        )
        await session.flush()
        logger.info("project created", extra={"project_id": str(project.id), "slug": project.slug})
        return project

    async def _check_quota(self, actor: CurrentUser, quota: int) -> None:
        """403 when ``actor`` already created ``quota`` projects.

        The user's row is locked first, so two concurrent creates by one user cannot both pass.
        """
        session = self.repository.session
        await session.execute(select(m.User.id).where(m.User.id == actor.id).with_for_update())
        created = await session.scalar(select(func.count()).where(m.Project.created_by_id == actor.id))
        if (created or 0) >= quota:
            raise ForbiddenError(
                f"Project quota reached ({quota}): delete a project you created or ask an administrator",
                extra={"quota": quota},
            )

    async def update_project(self, ctx: ProjectContext, data: s.ProjectUpdate, actor: CurrentUser) -> m.Project:
        """Apply the given settings; records which fields changed (description only as changed)."""
        session = self.repository.session
        project = await self.require(ctx.project_id)
        if data.name is not msgspec.UNSET:
            await ensure_name_free(session, data.name, except_id=project.id)
        if data.slug is not msgspec.UNSET and data.slug != project.slug:
            check_slug(data.slug)
            await ensure_slug_free(session, data.slug, except_id=project.id)
        changes: dict[str, Any] = {}
        for field in ("name", "slug", "description", "unified_enabled"):
            new = getattr(data, field)
            if field == "name" and isinstance(new, str):
                new = new.strip()
            if new is msgspec.UNSET or new == getattr(project, field):
                continue
            old = getattr(project, field)
            key = "unifiedEnabled" if field == "unified_enabled" else field  # camelCase like the API
            changes[key] = {"changed": True} if field == "description" else {"from": old, "to": new}
            setattr(project, field, new)
        if changes:
            await ActivityService(session=session).record(
                "project.updated",
                actor=actor,
                project_id=project.id,
                target_type="project",
                target_id=project.id,
                target_name=project.name,
                details={"changes": changes},
            )
            await self._flush(project)
            publish(session, ProjectChanged(project.id))
        return project

    async def set_archived(self, ctx: ProjectContext, actor: CurrentUser, *, archived: bool) -> m.Project:
        """Archive (read-only) or restore a project; restoring an active project changes nothing."""
        project = await self.require(ctx.project_id)
        if (project.archived_at is not None) == archived:
            return project
        project.archived_at = datetime.now(tz=UTC) if archived else None
        publish(self.repository.session, ProjectChanged(project.id))
        await ActivityService(session=self.repository.session).record(
            "project.archived" if archived else "project.restored",
            actor=actor,
            project_id=project.id,
            target_type="project",
            target_id=project.id,
            target_name=project.name,
        )
        await self.repository.session.flush()
        return project

    async def delete_project(self, ctx: ProjectContext, actor: CurrentUser) -> None:
        """Delete a project with its members, attachments and favourites (the activity trail stays).

        Its servers go by the database cascade; once the deletion commits, their upstreams stop on
        every replica and their sandbox homes are removed (``ProjectDeleted``).
        """
        session = self.repository.session
        project = await self.require(ctx.project_id)
        await ActivityService(session=session).record(
            "project.deleted",
            actor=actor,
            project_id=project.id,
            target_type="project",
            target_id=project.id,
            target_name=project.name,
            details={"slug": project.slug},
        )
        # Log tables carry no foreign keys (their writer must not lock project rows): delete them here.
        await session.execute(delete(m.ToolCall).where(m.ToolCall.project_id == project.id))
        await session.execute(delete(m.ServerLog).where(m.ServerLog.project_id == project.id))
        server_ids = (await session.execute(select(m.Server.id).where(m.Server.project_id == project.id))).scalars()
        publish(session, ProjectDeleted(project.id, tuple(server_ids)))
        await session.delete(project)
        await session.flush()
        logger.info("project deleted", extra={"project_id": str(project.id)})

    async def set_favorite(self, project_id: UUID, user_id: UUID, *, favorite: bool) -> s.Favorite:
        """Mark or unmark a favourite; repeating either is harmless (idempotent)."""
        session = self.repository.session
        if favorite:
            await session.execute(
                insert(m.ProjectFavorite)
                .values(user_id=user_id, project_id=project_id)
                .on_conflict_do_nothing(index_elements=["user_id", "project_id"])
            )
        else:
            await session.execute(
                delete(m.ProjectFavorite).where(
                    m.ProjectFavorite.user_id == user_id, m.ProjectFavorite.project_id == project_id
                )
            )
        return s.Favorite(project_id=project_id, is_favorite=favorite)

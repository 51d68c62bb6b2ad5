"""Administration rules: users (admin flag, activation, deletion), every project, instance counters."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import ColumnElement, ScalarSelect, func, or_, select
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.credentials import end_credentials
from backend.domain.accounts.passwords import check_password
from backend.domain.accounts.services import normalise_email
from backend.domain.activity.services import ActivityService
from backend.domain.admin import schemas as s
from backend.domain.admin.audit import admin_actions
from backend.domain.admin.deletion import end_account, sole_owned_projects
from backend.domain.changes.events import MemberAccessChanged
from backend.domain.changes.outbox import publish
from backend.domain.keys.standing import suspend_stranded_keys
from backend.domain.projects.services._queries import member_count_column, server_count_column
from backend.lib.crypto import hash_password
from backend.lib.exceptions import ConflictError, NotFoundError

logger = logging.getLogger("mcp_orch.admin")

# Serialises changes to admin flags: two admins demoting each other at once must not leave none.
_ADMIN_LOCK = 0x6D63_6164


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match with ``%``/``_`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")  # type: ignore[no-any-return]


_ACTIVE_ADMIN = (m.User.is_admin.is_(True), m.User.is_active.is_(True))


def _count(model: Any, *where: ColumnElement[bool]) -> ScalarSelect[int]:
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


# Instance-wide counters shown by ``GET /api/admin/stats``: one line per counter, all read in
# one statement. Keys are the JSON names.
STATS: dict[str, ScalarSelect[int]] = {
    "users": _count(m.User),
    "activeUsers": _count(m.User, m.User.is_active.is_(True)),
    "admins": _count(m.User, *_ACTIVE_ADMIN),
    "teams": _count(m.Team),
    "projects": _count(m.Project),
    "archivedProjects": _count(m.Project, m.Project.archived_at.is_not(None)),
}


class AdminService(SQLAlchemyAsyncRepositoryService[m.User]):
    """What administrators see and change across the whole instance."""

    class Repo(SQLAlchemyAsyncRepository[m.User]):
        """User repository."""

        model_type = m.User

    repository_type = Repo

    async def list_users(self, *, search: str | None, page: int, page_size: int) -> tuple[list[m.User], int]:
        """Users by email, optionally filtered by part of the email or name."""
        stmt = select(m.User)
        if search:
            stmt = stmt.where(or_(_contains(m.User.email, search), _contains(m.User.name, search)))
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
        rows = await session.execute(stmt.order_by(m.User.email).offset((page - 1) * page_size).limit(page_size))
        return list(rows.scalars()), int(total)

    async def create_user(self, data: s.AdminUserCreate, actor: CurrentUser) -> m.User:
        """Open an account for someone, hashed as sign-up does; works whether or not sign-up is enabled.

        The password rule applies (422 with the field); an email already taken is a 409.
        """
        email = normalise_email(data.email)
        check_password(data.password, field="password", user_inputs=(email, data.name))
        if await self.get_one_or_none(m.User.email == email) is not None:
            raise ConflictError("An account with this email already exists")
        user = m.User(
            email=email,
            name=data.name.strip() or email.split("@", 1)[0],
            hashed_password=hash_password(data.password),
            is_admin=data.is_admin,
            is_active=True,
        )
        user = await self.create(user, auto_commit=False)
        await ActivityService(session=self.repository.session).record(
            "user.created",
            actor=actor,
            target_type="user",
            target_id=user.id,
            target_name=user.email,
            details={"isAdmin": user.is_admin},
        )
        logger.info("user created by admin", extra={"user_id": str(user.id), "is_admin": user.is_admin})
        return user

    async def update_user(self, user_id: UUID, data: s.AdminUserUpdate, actor: CurrentUser) -> m.User:
        """Change a user's admin flag or activation; records what changed.

        An administrator cannot revoke their own admin flag or deactivate themselves, and at least
        one active administrator always remains (409 otherwise).
        """
        session = self.repository.session
        await session.execute(select(func.pg_advisory_xact_lock(_ADMIN_LOCK)))
        user = await self.get_one_or_none(m.User.id == user_id)
        if user is None:
            raise NotFoundError("User not found")
        wanted = {"isAdmin": data.is_admin, "isActive": data.is_active}
        changes = {
            key: {"from": current, "to": value}
            for key, value, current in (
                ("isAdmin", wanted["isAdmin"], user.is_admin),
                ("isActive", wanted["isActive"], user.is_active),
            )
            if value is not msgspec.UNSET and value != current
        }
        if user.id == actor.id and changes:
            raise ConflictError("Administrators cannot revoke their own admin rights or deactivate themselves")
        if not changes:
            return user
        if "isAdmin" in changes:
            user.is_admin = bool(changes["isAdmin"]["to"])
        if "isActive" in changes:
            user.is_active = bool(changes["isActive"]["to"])
            if not user.is_active:  # a later reactivation must not revive them
                await end_credentials(session, user.id, tokens=True)
        user = await self.update(user, auto_commit=False)
        if await self.count(*_ACTIVE_ADMIN) == 0:
            raise ConflictError("At least one active administrator must remain")
        await ActivityService(session=session).record(
            "user.updated",
            actor=actor,
            target_type="user",
            target_id=user.id,
            target_name=user.email,
            details={"changes": changes},
        )
        await suspend_stranded_keys(session, user_id=user.id)
        publish(session, MemberAccessChanged(user_id=user.id))
        logger.info("user updated by admin", extra={"user_id": str(user.id), "fields": sorted(changes)})
        return user

    async def delete_user(self, user_id: UUID, actor: CurrentUser) -> None:
        """Delete an account for good (see ``deletion.py`` for what goes and what stays).

        Refused (409) for oneself, for the last active administrator, and for the only owner of a
        project (make someone else owner, or delete the project, first).
        """
        session = self.repository.session
        await session.execute(select(func.pg_advisory_xact_lock(_ADMIN_LOCK)))
        user = await self.get_one_or_none(m.User.id == user_id)
        if user is None:
            raise NotFoundError("User not found")
        if user.id == actor.id:
            raise ConflictError("Administrators cannot delete their own account")
        if user.is_admin and user.is_active and await self.count(*_ACTIVE_ADMIN) <= 1:
            raise ConflictError("At least one active administrator must remain")
        if owned := await sole_owned_projects(session, user.id):
            raise ConflictError(
                f"{user.email} is the only owner of {', '.join(owned)}; make someone else owner or delete "
                f"{'it' if len(owned) == 1 else 'them'} first"
            )
        suspended = await end_account(session, user.id)
        await ActivityService(session=session).record(
            "user.deleted",
            actor=actor,
            target_type="user",
            target_id=user.id,
            target_name=user.email,
            details={"keysSuspended": suspended},
        )
        await self.delete(user.id, auto_commit=False)
        publish(session, MemberAccessChanged(user_id=user.id))
        logger.info("user deleted by admin", extra={"user_id": str(user.id), "keys_suspended": suspended})

    async def reset_password(self, user_id: UUID, password: str, actor: CurrentUser) -> m.User:
        """Set a new password for someone else; every sign-in, OAuth grant and token of theirs ends."""
        user = await self.get_one_or_none(m.User.id == user_id)
        if user is None:
            raise NotFoundError("User not found")
        if user.id == actor.id:
            raise ConflictError("Change your own password on your profile page")
        check_password(password, field="newPassword", user_inputs=(user.email, user.name))
        user.hashed_password = hash_password(password)
        session = self.repository.session
        await end_credentials(session, user.id, tokens=True)
        await ActivityService(session=session).record(
            "user.password_reset", actor=actor, target_type="user", target_id=user.id, target_name=user.email
        )
        logger.info("password reset by admin", extra={"user_id": str(user.id)})
        return user

    async def list_projects(
        self, *, search: str | None, archived: bool | None, page: int, page_size: int
    ) -> tuple[list[s.AdminProject], int]:
        """Every project (archived or not, or both), by name, with member and team counts."""
        filters: list[ColumnElement[bool]] = []
        if search:
            filters.append(or_(_contains(m.Project.name, search), _contains(m.Project.slug, search)))
        if archived is not None:
            filters.append(m.Project.archived_at.is_not(None) if archived else m.Project.archived_at.is_(None))
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(m.Project).where(*filters))).scalar_one()
        creator = aliased(m.User)
        teams = select(func.count()).where(m.ProjectTeam.project_id == m.Project.id).correlate(m.Project)
        stmt = (
            select(
                m.Project,
                creator,
                member_count_column().label("members"),
                server_count_column().label("servers"),
                teams.scalar_subquery().label("teams"),
            )
            .outerjoin(creator, creator.id == m.Project.created_by_id)
            .where(*filters)
            .order_by(func.lower(m.Project.name), m.Project.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        rows = await session.execute(stmt)
        return [self._project(*row) for row in rows.tuples()], int(total)

    @staticmethod
    def _project(project: m.Project, creator: m.User | None, members: int, servers: int, teams: int) -> s.AdminProject:
        return s.AdminProject(
            id=project.id,
            name=project.name,
            slug=project.slug,
            description=project.description,
            archived_at=project.archived_at,
            created_at=project.created_at,
            created_by=s.UserRef(id=creator.id, email=creator.email, name=creator.name) if creator else None,
            member_count=int(members),
            server_count=int(servers),
            team_count=int(teams),
        )

    async def stats(self) -> dict[str, int]:
        """Every counter in :data:`STATS`, read in one statement."""
        row = (await self.repository.session.execute(select(*(q.label(k) for k, q in STATS.items())))).one()
        return {key: int(value) for key, value in row._mapping.items()}

    async def audit(self, *, type_: str | None, page: int, page_size: int) -> tuple[list[m.Activity], int]:
        """Administrators' actions across the instance, newest first (see :mod:`backend.domain.admin.audit`)."""
        return await admin_actions(self.repository.session, type_=type_, page=page, page_size=page_size)

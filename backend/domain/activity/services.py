"""Writing and reading activity rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import ColumnElement, func, select

from backend.db import models as m


def _actor_clause(actor: str) -> ColumnElement[bool]:
    """An actor filter: a user id matches exactly, anything else matches the email/name."""
    try:
        return m.Activity.actor_id == UUID(actor)
    except ValueError:
        return m.Activity.actor_name.ilike(f"%{actor}%")


class ActivityService(SQLAlchemyAsyncRepositoryService[m.Activity]):
    """Audit rows; :meth:`record` is called by other services inside their transaction."""

    class Repo(SQLAlchemyAsyncRepository[m.Activity]):
        """Activity repository."""

        model_type = m.Activity

    repository_type = Repo

    async def record(
        self,
        type_: str,
        *,
        actor: Any = None,
        project_id: UUID | None = None,
        team_id: UUID | None = None,
        target_type: str = "",
        target_id: Any = "",
        target_name: str = "",
        details: dict[str, Any] | None = None,
    ) -> m.Activity:
        """Add an activity row to the current transaction (committed with the change it records)."""
        row = m.Activity(
            type=type_,
            actor_id=getattr(actor, "id", None),
            actor_name=getattr(actor, "email", "") or "",
            project_id=project_id,
            team_id=team_id,
            target_type=target_type,
            target_id=str(target_id or ""),
            target_name=target_name,
            details=details or {},
        )
        self.repository.session.add(row)
        return row

    async def search(
        self,
        *,
        project_id: UUID | None = None,
        team_id: UUID | None = None,
        type_: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        page: int = 1,
        page_size: int = 50,
    ) -> tuple[list[m.Activity], int]:
        """Filtered, newest-first page of activity for a project or a team."""
        stmt = select(m.Activity)
        if project_id is not None:
            stmt = stmt.where(m.Activity.project_id == project_id)
        if team_id is not None:
            stmt = stmt.where(m.Activity.team_id == team_id)
        if type_:
            # "member" matches "member.invited", "member.removed", ...; a full type matches exactly.
            stmt = stmt.where(m.Activity.type.startswith(type_) if "." not in type_ else m.Activity.type == type_)
        if actor:
            stmt = stmt.where(_actor_clause(actor))
        if since is not None:
            stmt = stmt.where(m.Activity.created_at >= since)
        if until is not None:
            stmt = stmt.where(m.Activity.created_at < until)
        session = self.repository.session
        total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
        rows = await session.execute(
            stmt.order_by(m.Activity.created_at.desc(), m.Activity.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        return list(rows.scalars()), int(total)

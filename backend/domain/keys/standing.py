"""A project API key works only while its creator may still use it.

The creator must exist, be active, and hold the developer role or better in the key's project
(directly or through a team), or be an administrator. Otherwise the key is *suspended*: the MCP
endpoints refuse it (401 naming why) and the keys list says why. Every service that can take
access away calls :func:`suspend_stranded_keys` in its transaction, which records the suspension
(``api_key.suspended_at``), so the key stays suspended even if its creator regains access: it works
again only once an owner reassigns it to someone with access.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, literal, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.db.models import Role

_USING_ROLES = (Role.DEVELOPER.value, Role.OWNER.value)
DELETED = "Its creator's account no longer exists; an owner can reassign the key"
DEACTIVATED = "Its creator's account is deactivated; an owner can reassign the key"
NO_ACCESS = "Its creator no longer has developer access to the project; an owner can reassign the key"
REGAINED = "Its creator lost access to the project at some point; an owner can reassign the key"


def has_developer_access(user_id: Any, project_id: Any) -> ColumnElement[bool]:
    """True when the (active) user is an administrator or a developer/owner of the project.

    ``user_id`` / ``project_id``: columns to correlate with, or literal values.
    """
    user = aliased(m.User)
    # Every EXISTS sits directly in the caller's query, so columns given here correlate with it
    # (SQLAlchemy correlates a subquery with its immediate enclosing query only).
    active = exists().where(user.id == user_id, user.is_active.is_(True))
    admin = exists().where(user.id == user_id, user.is_admin.is_(True))
    direct = exists().where(
        m.ProjectMember.project_id == project_id,
        m.ProjectMember.user_id == user_id,
        m.ProjectMember.role.in_(_USING_ROLES),
    )
    via_team = exists().where(
        m.ProjectTeam.project_id == project_id,
        m.ProjectTeam.role.in_(_USING_ROLES),
        m.TeamMember.team_id == m.ProjectTeam.team_id,
        m.TeamMember.user_id == user_id,
    )
    return and_(active, or_(admin, direct, via_team))


async def may_use_keys(session: AsyncSession, user_id: UUID, project_id: UUID) -> bool:
    """True when the user may create and use the project's keys (and call its tools)."""
    return bool((await session.execute(select(has_developer_access(literal(user_id), literal(project_id))))).scalar())


def creator_standing() -> ColumnElement[bool]:
    """For a query over ``m.ApiKey``: its creator may still use it."""
    return and_(m.ApiKey.created_by_id.is_not(None), has_developer_access(m.ApiKey.created_by_id, m.ApiKey.project_id))


async def suspend_stranded_keys(
    session: AsyncSession, *, project_id: UUID | None = None, user_id: UUID | None = None
) -> None:
    """Suspend the live keys (of ``project_id`` / created by ``user_id``) whose creator lost access."""
    await session.flush()
    stmt = update(m.ApiKey).where(
        m.ApiKey.revoked_at.is_(None), m.ApiKey.suspended_at.is_(None), not_(creator_standing())
    )
    if project_id is not None:
        stmt = stmt.where(m.ApiKey.project_id == project_id)
    if user_id is not None:
        stmt = stmt.where(m.ApiKey.created_by_id == user_id)
    await session.execute(
        stmt.values(suspended_at=datetime.now(tz=UTC)), execution_options={"synchronize_session": False}
    )


def suspension_reason(creator: m.User | None, standing: bool, suspended_at: datetime | None = None) -> str | None:
    """Why a key is suspended (``None`` when it is not)."""
    if standing and suspended_at is None:
        return None
    if creator is None:
        return DELETED
    if not creator.is_active:
        return DEACTIVATED
    if not standing:
        return NO_ACCESS
    return REGAINED

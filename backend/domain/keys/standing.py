"""A project API key works only while its creator may still use it.

The creator must exist, be active, and hold the developer role or better in the key's project
(directly or through a team), or be an administrator. Otherwise the key is *suspended*: the MCP
endpoints refuse it (401 naming why), the keys list says why, and it works again only once an
owner reassigns it to someone with access (or the creator regains it).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.db.models import Role

_USING_ROLES = (Role.DEVELOPER.value, Role.OWNER.value)
DELETED = "Its creator's account no longer exists; an owner can reassign the key"
DEACTIVATED = "Its creator's account is deactivated; an owner can reassign the key"
NO_ACCESS = "Its creator no longer has developer access to the project; an owner can reassign the key"


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


def suspension_reason(creator: m.User | None, standing: bool) -> str | None:
    """Why a key is suspended (``None`` when its creator still has access)."""
    if standing:
        return None
    if creator is None:
        return DELETED
    if not creator.is_active:
        return DEACTIVATED
    return NO_ACCESS

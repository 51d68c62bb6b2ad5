"""Deleting an account: what it ends (sign-ins, tokens, OAuth grants, memberships) and what it keeps.

The database does most of it (``ON DELETE``): memberships, personal access tokens, OAuth grants and test
runs go with the user; what they created (projects, servers, teams, keys) stays, its creator unset; the
activity log keeps the rows, its actor unset. Before the row goes, the live credentials are ended through
the same path as deactivation (their open MCP sessions close in every process) and the keys they created
are suspended at once: an owner can reassign them (the reason reads "its creator's account no longer
exists").
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.domain.accounts.credentials import end_credentials


async def sole_owned_projects(session: AsyncSession, user_id: UUID) -> list[str]:
    """Names of the projects ``user_id`` owns with no other owner (direct, or a team attached as owner)."""
    other = aliased(m.ProjectMember)
    another_owner = exists().where(
        other.project_id == m.ProjectMember.project_id, other.role == "owner", other.user_id != user_id
    )
    owner_team = exists().where(
        and_(m.ProjectTeam.project_id == m.ProjectMember.project_id, m.ProjectTeam.role == "owner")
    )
    rows = await session.execute(
        select(m.Project.name)
        .join(m.ProjectMember, m.ProjectMember.project_id == m.Project.id)
        .where(m.ProjectMember.user_id == user_id, m.ProjectMember.role == "owner", ~another_owner, ~owner_team)
        .order_by(m.Project.name)
    )
    return list(rows.scalars())


async def end_account(session: AsyncSession, user_id: UUID) -> int:
    """End the user's credentials and suspend the live keys they created; how many keys were suspended."""
    await end_credentials(session, user_id, tokens=True)
    result = await session.execute(
        update(m.ApiKey)
        .where(m.ApiKey.created_by_id == user_id, m.ApiKey.revoked_at.is_(None), m.ApiKey.suspended_at.is_(None))
        .values(suspended_at=datetime.now(tz=UTC)),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)

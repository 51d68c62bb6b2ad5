"""Which activity rows are administrators' actions (``GET /api/admin/audit``)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m

# Rows only administrators can cause: accounts, the command allowlist, the worker.
ADMIN_TYPES = (
    "user.created",
    "user.updated",
    "user.deleted",
    "user.password_reset",
    "settings.allowed_commands_updated",
    "worker.settings_changed",
    "worker.paused",
    "worker.resumed",
    "worker.job_run_requested",
)


def admin_action() -> ColumnElement[bool]:
    """An administrator's action: one of :data:`ADMIN_TYPES`, or a key revoked from the admin screens."""
    return or_(
        m.Activity.type.in_(ADMIN_TYPES),
        and_(m.Activity.type == "key.revoked", m.Activity.details["byAdmin"].as_boolean().is_(True)),
    )


async def admin_actions(
    session: AsyncSession, *, type_: str | None, page: int, page_size: int
) -> tuple[list[m.Activity], int]:
    """Administrators' actions, newest first; ``type_`` a full type (``user.created``) or a prefix (``user``)."""
    where = [admin_action()]
    if type_:
        where.append(m.Activity.type.startswith(type_) if "." not in type_ else m.Activity.type == type_)
    total = (await session.execute(select(func.count()).select_from(m.Activity).where(*where))).scalar_one()
    rows = await session.execute(
        select(m.Activity)
        .where(*where)
        .order_by(m.Activity.created_at.desc(), m.Activity.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows.scalars()), int(total)

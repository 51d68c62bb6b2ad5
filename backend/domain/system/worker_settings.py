"""The worker's settings row: read by every scheduler tick, changed by administrators."""

from __future__ import annotations

import re
from typing import Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.lib.exceptions import UnprocessableError

# field → (minimum, maximum); the REST schema carries the same bounds (422 on violation).
LIMITS: dict[str, tuple[int, int]] = {
    "health_check_interval_seconds": (60, 3600),
    "probe_concurrency": (1, 32),
    "retention_tool_calls_days": (1, 3650),
    "retention_server_logs_days": (1, 3650),
    "retention_client_sessions_days": (1, 3650),
    "retention_activity_days": (1, 3650),
}
TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def validate_changes(changes: dict[str, Any]) -> None:
    """Refuse out-of-range values (for callers other than the REST API, which validates first)."""
    for name, value in changes.items():
        if name in LIMITS:
            low, high = LIMITS[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise UnprocessableError(f"{name} must be an integer between {low} and {high}")
        elif name == "retention_time":
            if not isinstance(value, str) or not TIME_OF_DAY.match(value):
                raise UnprocessableError("retention_time must be HH:MM (UTC)")
        elif name == "paused":
            if not isinstance(value, bool):
                raise UnprocessableError("paused must be true or false")
        else:
            raise UnprocessableError(f"Unknown worker setting {name}")


class WorkerSettingsService(SQLAlchemyAsyncRepositoryService[m.WorkerSettings]):
    """The single settings row, created with defaults on first read."""

    class Repo(SQLAlchemyAsyncRepository[m.WorkerSettings]):
        """Worker settings repository."""

        model_type = m.WorkerSettings

    repository_type = Repo

    async def current(self, *, for_update: bool = False) -> m.WorkerSettings:
        """The settings row (inserted with defaults if missing; safe when two workers race)."""
        session: AsyncSession = self.repository.session
        stmt = select(m.WorkerSettings).where(m.WorkerSettings.singleton.is_(True))
        if for_update:
            stmt = stmt.with_for_update()
        row = (await session.execute(stmt)).scalar_one_or_none()
        if row is not None:
            return row
        await session.execute(insert(m.WorkerSettings).values(singleton=True).on_conflict_do_nothing())
        return (await session.execute(stmt)).scalar_one()

    async def change(self, changes: dict[str, Any]) -> tuple[m.WorkerSettings, dict[str, Any]]:
        """Apply changes; returns the row and ``{field: [old, new]}`` for what really changed."""
        validate_changes(changes)
        row = await self.current(for_update=True)
        diff: dict[str, Any] = {}
        for name, value in changes.items():
            old = getattr(row, name)
            if old != value:
                diff[name] = [old, value]
                setattr(row, name, value)
        await self.repository.session.flush()
        return row, diff

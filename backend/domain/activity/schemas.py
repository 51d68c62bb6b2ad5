"""Activity API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from backend.db import models as m
from backend.lib.schema import CamelizedBaseStruct


class ActivityItem(CamelizedBaseStruct):
    """One audit row."""

    id: UUID
    type: str
    actor_id: UUID | None
    actor_name: str
    project_id: UUID | None
    team_id: UUID | None
    target_type: str
    target_id: str
    target_name: str
    details: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, row: m.Activity) -> ActivityItem:
        """Build from a model row."""
        return cls(
            id=row.id,
            type=row.type,
            actor_id=row.actor_id,
            actor_name=row.actor_name,
            project_id=row.project_id,
            team_id=row.team_id,
            target_type=row.target_type,
            target_id=row.target_id,
            target_name=row.target_name,
            details=row.details,
            created_at=row.created_at,
        )


class ActivityPage(CamelizedBaseStruct):
    """A page of activity."""

    items: list[ActivityItem]
    total: int
    page: int
    page_size: int

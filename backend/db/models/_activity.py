from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column


class Activity(UUIDv7AuditBase):
    """An audit row: who changed what, written in the same transaction as the change."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_project_created", "project_id", "created_at"),
        Index("ix_activity_team_created", "team_id", "created_at"),
    )

    # No FK to project/team: the audit trail must outlive what it describes (deletes are audited).
    project_id: Mapped[UUID | None] = mapped_column(default=None)
    team_id: Mapped[UUID | None] = mapped_column(default=None)
    actor_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), default=None)
    actor_name: Mapped[str] = mapped_column(String(320), default="")
    type: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    target_name: Mapped[str] = mapped_column(String(320), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column


class Project(UUIDv7AuditBase):
    """A project: the unit that owns MCP servers, members and API keys."""

    __tablename__ = "project"

    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    unified_enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    # Names are unique regardless of case (the service stores them stripped); this backs the
    # service's check against concurrent creates.
    __table_args__ = (Index("uq_project_name_lower", func.lower(name), unique=True),)


class ProjectMember(UUIDv7AuditBase):
    """A user added to a project directly (not through a team)."""

    __tablename__ = "project_member"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    invited_as: Mapped[str] = mapped_column(String(16), default="individual")
    invited_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # When the member saw the notice that they were added (None: the notice is still shown).
    noticed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class ProjectTeam(UUIDv7AuditBase):
    """A team attached to a project: every current member of the team gets ``role`` (live)."""

    __tablename__ = "project_team"
    __table_args__ = (UniqueConstraint("project_id", "team_id"),)

    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[UUID] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    added_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class ProjectFavorite(UUIDv7AuditBase):
    """A user's favourite project (listed first, reachable by shortcut in the UI)."""

    __tablename__ = "project_favorite"
    __table_args__ = (UniqueConstraint("user_id", "project_id"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)

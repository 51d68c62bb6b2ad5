from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase, UUIDv7Base
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class ApiKey(UUIDv7AuditBase):
    """A project API key for the MCP endpoints: only its SHA-256 and a display prefix are stored.

    ``server_ids`` scopes the key to some of the project's servers (empty list: all servers).
    """

    __tablename__ = "api_key"

    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    server_ids: Mapped[list[str]] = mapped_column(JsonB, default=list)
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    # Set when its creator lost access (backend/domain/keys/standing.py); only a reassignment clears it.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_used_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer, default=None)


class ApiKeyUsage(UUIDv7Base):
    """Calls of one rate-limited key in one minute; shared by every API process (upserted per call)."""

    __tablename__ = "api_key_usage"
    __table_args__ = (UniqueConstraint("api_key_id", "window_start", name="uq_api_key_usage_key_window"),)

    api_key_id: Mapped[UUID] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"))
    window_start: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ClientSession(UUIDv7AuditBase):
    """One MCP client session on an endpoint (live while ``ended_at`` is empty), with its counters."""

    __tablename__ = "client_session"
    __table_args__ = (Index("ix_client_session_project_activity", "project_id", "last_activity_at"),)

    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    session_id: Mapped[str] = mapped_column(String(128), unique=True)
    transport: Mapped[str] = mapped_column(String(32))
    endpoint: Mapped[str] = mapped_column(String(64))
    server_id: Mapped[UUID | None] = mapped_column(default=None)
    api_key_id: Mapped[UUID | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"), default=None)
    user_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), default=None)
    client_name: Mapped[str | None] = mapped_column(String(256), default=None)
    client_version: Mapped[str | None] = mapped_column(String(64), default=None)
    protocol_version: Mapped[str | None] = mapped_column(String(32), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(512), default=None)
    remote_addr: Mapped[str | None] = mapped_column(String(64), default=None)
    started_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    last_activity_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class ToolCall(UUIDv7AuditBase):
    """One tool call through the gateway (REST or MCP), written in batches by the call recorder.

    ``server_id`` has no foreign key: the log outlives a deleted server (its name is kept).
    Arguments and result are redacted and size-capped before they are stored.
    """

    __tablename__ = "tool_call"
    __table_args__ = (
        Index("ix_tool_call_project_started", "project_id", "started_at"),
        Index("ix_tool_call_project_server_started", "project_id", "server_id", "started_at"),
        Index("ix_tool_call_project_tool_started", "project_id", "tool", "started_at"),
        Index("ix_tool_call_project_status_started", "project_id", "status", "started_at"),
    )

    # No foreign keys on this append-only log: the background batch writer must not take key-share
    # locks on project/server rows (that deadlocks against a cascading project delete). Deleting a
    # project deletes its calls explicitly; retention removes stragglers written after a delete.
    project_id: Mapped[UUID] = mapped_column()
    server_id: Mapped[UUID | None] = mapped_column(default=None)
    server_name: Mapped[str] = mapped_column(String(48), default="")
    tool: Mapped[str] = mapped_column(String(256))
    # The name the client called it by when the tool had an alias (``tool`` is always the upstream's name).
    tool_alias: Mapped[str | None] = mapped_column(String(64), default=None)
    user_id: Mapped[UUID | None] = mapped_column(default=None)
    api_key_id: Mapped[UUID | None] = mapped_column(default=None)
    session_id: Mapped[str | None] = mapped_column(String(128), default=None)
    transport: Mapped[str | None] = mapped_column(String(32), default=None)
    client_name: Mapped[str | None] = mapped_column(String(256), default=None)
    client_version: Mapped[str | None] = mapped_column(String(64), default=None)
    arguments: Mapped[Any] = mapped_column(JsonB, default=None, nullable=True)
    result: Mapped[Any] = mapped_column(JsonB, default=None, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error_message: Mapped[str | None] = mapped_column(Text, default=None)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)
    started_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))

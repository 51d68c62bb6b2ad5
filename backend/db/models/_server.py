from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC, EncryptedText, JsonB
from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.lib.keys import KeyedFernetBackend, encryption_key


class Server(UUIDv7AuditBase):
    """A registered MCP server of a project (stdio command or remote URL) and its cached status.

    ``env`` and ``headers`` hold JSON objects encrypted at rest; they are write-only on the API.
    The status columns are a cache written by the gateway's event sink and health checks.
    """

    __tablename__ = "mcp_server"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_mcp_server_project_name"),)

    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(48))
    description: Mapped[str] = mapped_column(Text, default="")
    transport: Mapped[str] = mapped_column(String(20), default="stdio")
    command: Mapped[str | None] = mapped_column(String(1024), default=None)
    args: Mapped[list[str]] = mapped_column(JsonB, default=list)
    # JSON object text, encrypted (Fernet) with the process key: never plaintext in the database.
    env: Mapped[str] = mapped_column(EncryptedText(key=encryption_key, backend=KeyedFernetBackend), default="{}")
    cwd: Mapped[str | None] = mapped_column(String(1024), default=None)
    url: Mapped[str | None] = mapped_column(String(2048), default=None)
    headers: Mapped[str] = mapped_column(EncryptedText(key=encryption_key, backend=KeyedFernetBackend), default="{}")
    timeout_seconds: Mapped[float] = mapped_column(Float, default=60.0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    isolation: Mapped[str] = mapped_column(String(16), default="shared")
    # Sandbox: "outbound" (host network) or "none"; limits None = the instance default (administrators set them).
    network: Mapped[str] = mapped_column(String(16), default="outbound", server_default="outbound")
    memory_mb: Mapped[int | None] = mapped_column(Integer, default=None)
    max_processes: Mapped[int | None] = mapped_column(Integer, default=None)
    max_open_files: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(16), default="stopped")
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    response_ms: Mapped[float | None] = mapped_column(Float, default=None)
    tools_count: Mapped[int] = mapped_column(Integer, default=0)
    restarts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    server_info: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    capabilities: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    # Server→client methods a shared upstream sent and the gateway refused (the UI suggests a mode).
    asked_client: Mapped[list[str]] = mapped_column(JsonB, default=list, server_default=text("'[]'::jsonb"))
    created_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), default=None)


class AppSetting(UUIDv7AuditBase):
    """A small process-wide setting changed at runtime by administrators (JSON value by key)."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[Any] = mapped_column(JsonB, default=dict)

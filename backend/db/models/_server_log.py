from __future__ import annotations

from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class ServerLog(UUIDv7AuditBase):
    """A server log line: a lifecycle event or a line of the upstream's stderr.

    ``created_at`` is the time of the event (set by the writer), not of the batch insert.
    """

    __tablename__ = "server_log"
    __table_args__ = (
        Index("ix_server_log_server_created", "server_id", "created_at"),
        Index("ix_server_log_project_created", "project_id", "created_at"),
    )

    # No foreign keys (see ToolCall): server and project deletes remove these rows explicitly.
    project_id: Mapped[UUID] = mapped_column()
    server_id: Mapped[UUID] = mapped_column()
    level: Mapped[str] = mapped_column(String(16), default="info")
    category: Mapped[str] = mapped_column(String(32), default="lifecycle")
    message: Mapped[str] = mapped_column(Text, default="")

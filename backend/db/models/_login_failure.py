from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import UUIDv7Base
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column


class LoginFailure(UUIDv7Base):
    """One failed login, kept for the throttle window; shared by every API process.

    ``bucket`` is a SHA-256 of the normalised email and the client address, so the table holds
    neither the addresses nor the emails people tried.
    """

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_bucket_failed_at", "bucket", "failed_at"),)

    bucket: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)

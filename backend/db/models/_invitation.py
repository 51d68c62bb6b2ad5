from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC, EncryptedString
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.lib.keys import KeyedFernetBackend, encryption_key


class ProjectInvitation(UUIDv7AuditBase):
    """An invitation into a project for an email that has no account yet.

    Its link carries a random token: ``token_hash`` (SHA-256) finds it, ``token`` (encrypted at
    rest) lets owners copy the link again. Accepting it (signing up with that email, or signing in
    as that email) makes the person a member with ``role``; it is pending while neither
    ``accepted_at`` nor ``revoked_at`` is set and ``expires_at`` is ahead.
    """

    __tablename__ = "project_invitation"

    project_id: Mapped[UUID] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(16))
    invited_as: Mapped[str] = mapped_column(String(16), default="individual")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token: Mapped[str] = mapped_column(EncryptedString(key=encryption_key, backend=KeyedFernetBackend))
    invited_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    accepted_by_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)

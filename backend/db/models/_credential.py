from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column


class SignInSession(UUIDv7AuditBase):
    """One sign-in of a user (a login in a browser or a script).

    Its access tokens name it (JWT ``sid``) and are accepted only while it is neither revoked nor
    past ``expires_at``: logging out, signing out everywhere, a password change, a deactivation or
    an administrator's reset end it at once, in every API process (the few-second cache of resolved
    credentials, ``backend/domain/accounts/bearers.py``, is cleared by the event of the end).
    """

    __tablename__ = "sign_in_session"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
    user_agent: Mapped[str | None] = mapped_column(String(512), default=None)


class PersonalAccessToken(UUIDv7AuditBase):
    """A user's token for REST automation: only its SHA-256 and a display prefix are stored.

    ``scopes`` ⊆ {read, write, admin}; ``project_id`` restricts it to one project's routes.
    """

    __tablename__ = "personal_access_token"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(24))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JsonB, default=list)
    project_id: Mapped[UUID | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    last_used_ip: Mapped[str | None] = mapped_column(String(64), default=None)

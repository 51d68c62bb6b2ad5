"""Account rules: sign-up, login, profile, password, the initial admin."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import func, select

from backend.db import models as m
from backend.domain.accounts.credentials import end_credentials, live_sign_in
from backend.domain.accounts.passwords import check_password
from backend.lib.crypto import hash_password, verify_password
from backend.lib.exceptions import ConflictError, ForbiddenError, NotFoundError


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding blanks."""
    return email.strip().lower()


class UserService(SQLAlchemyAsyncRepositoryService[m.User]):
    """Users and their credentials."""

    class Repo(SQLAlchemyAsyncRepository[m.User]):
        """User repository."""

        model_type = m.User

    repository_type = Repo

    async def get_by_email(self, email: str) -> m.User | None:
        """A user by (normalised) email."""
        return await self.get_one_or_none(m.User.email == normalise_email(email))

    async def require(self, user_id: UUID) -> m.User:
        """A user by id, or 404."""
        user = await self.get_one_or_none(m.User.id == user_id)
        if user is None:
            raise NotFoundError("User not found")
        return user

    async def signup(self, *, email: str, password: str, name: str, force_admin: bool = False) -> m.User:
        """Create a user; the very first user becomes an administrator."""
        email = normalise_email(email)
        check_password(password, field="password", user_inputs=(email, name))
        if await self.get_by_email(email) is not None:
            raise ConflictError("An account with this email already exists")
        session = self.repository.session
        # Serialise first-user detection: two concurrent first sign-ups must not both become admin.
        await session.execute(select(func.pg_advisory_xact_lock(0x6D63706F)))
        is_first = (await session.execute(select(func.count()).select_from(m.User))).scalar_one() == 0
        user = m.User(
            email=email,
            name=name.strip() or email.split("@", 1)[0],
            hashed_password=hash_password(password),
            is_admin=force_admin or is_first,
            is_active=True,
        )
        return await self.create(user, auto_commit=False)

    async def authenticate(self, email: str, password: str) -> m.User | None:
        """The user for valid credentials, else ``None`` (same cost either way)."""
        user = await self.get_by_email(email)
        if not verify_password(user.hashed_password if user else None, password) or user is None:
            return None
        if not user.is_active:
            raise ForbiddenError("This account is deactivated")
        user.last_login_at = datetime.now(tz=UTC)
        return user

    async def change_password(self, user_id: UUID, current: str, new: str) -> m.User:
        """Replace the password after checking the current one; every sign-in and OAuth grant ends."""
        user = await self.require(user_id)
        if not verify_password(user.hashed_password, current):
            raise ForbiddenError("Current password is incorrect")
        check_password(new, field="newPassword", user_inputs=(user.email, user.name))
        user.hashed_password = hash_password(new)
        await end_credentials(self.repository.session, user.id)
        return user

    async def sign_ins(self, user_id: UUID) -> list[m.SignInSession]:
        """The user's live sign-in sessions, newest first."""
        rows = await self.repository.session.execute(
            select(m.SignInSession)
            .where(
                m.SignInSession.user_id == user_id,
                live_sign_in(),
            )
            .order_by(m.SignInSession.created_at.desc())
        )
        return list(rows.scalars())

    async def ensure_admin(self, email: str, password: str, *, reset_password: bool) -> m.User:
        """Create an administrator, or promote an existing user.

        At start-up (``INITIAL_ADMIN_*``) an existing password is kept, so a password changed in
        the UI survives restarts; ``mcp-orch admin create`` resets it on purpose.
        """
        user = await self.get_by_email(email)
        if user is None:
            return await self.signup(email=email, password=password, name="", force_admin=True)
        user.is_admin = True
        user.is_active = True
        if reset_password:
            check_password(password, field="password", user_inputs=(user.email, user.name))
            user.hashed_password = hash_password(password)
            await end_credentials(self.repository.session, user.id)
        return user

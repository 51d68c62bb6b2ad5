"""Account API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from backend.db import models as m
from backend.lib.schema import CamelizedBaseStruct, InputStruct

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=320, pattern=r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$")]
# The rule itself (12+ characters, not easy to guess) is checked by the service, with a message in words.
Password = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=256,
        description="At least 12 characters and not easy to guess (common passwords, patterns, your own name).",
    ),
]
Name = Annotated[str, msgspec.Meta(max_length=120)]


class User(CamelizedBaseStruct):
    """A user as the API shows it."""

    id: UUID
    email: str
    name: str
    is_admin: bool
    is_active: bool
    created_at: datetime

    @classmethod
    def of(cls, row: m.User) -> User:
        """Build from a model row."""
        return cls(
            id=row.id,
            email=row.email,
            name=row.name,
            is_admin=row.is_admin,
            is_active=row.is_active,
            created_at=row.created_at,
        )


class Signup(InputStruct):
    """Sign-up form; ``invitation``: the token of an invitation link for this email (joins its project,
    and works even when self sign-up is off)."""

    email: Email
    password: Password
    name: Name = ""
    invitation: Annotated[str, msgspec.Meta(min_length=16, max_length=128)] | None = None


class Login(InputStruct):
    """Login form."""

    email: Annotated[str, msgspec.Meta(max_length=320)]
    password: Annotated[str, msgspec.Meta(max_length=256)]


class AccessToken(CamelizedBaseStruct):
    """A signed access token and who it is for."""

    access_token: str
    token_type: str
    expires_at: datetime
    user: User
    # The password just used no longer meets the password rule: the UI asks the user to change it.
    password_change_required: bool = False


class ProfileUpdate(InputStruct):
    """Editable profile fields."""

    name: Name


class PasswordChange(InputStruct):
    """Change the password: the current one proves it is you."""

    current_password: Annotated[str, msgspec.Meta(max_length=256)]
    new_password: Password


class SignIn(CamelizedBaseStruct):
    """One of the user's sign-in sessions (where and when; ``current``: the one asking)."""

    id: UUID
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime | None
    ip: str | None
    user_agent: str | None
    current: bool

    @classmethod
    def of(cls, row: m.SignInSession, current: UUID | None) -> SignIn:
        """Build from a model row."""
        return cls(
            id=row.id,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_seen_at=row.last_seen_at,
            ip=row.ip,
            user_agent=row.user_agent,
            current=row.id == current,
        )

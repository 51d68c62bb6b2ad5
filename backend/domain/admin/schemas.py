"""Admin API schemas."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from backend.db import models as m
from backend.lib.schema import CamelizedBaseStruct, InputStruct


class AdminUser(CamelizedBaseStruct):
    """A user as administrators see it."""

    id: UUID
    email: str
    name: str
    is_admin: bool
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, row: m.User) -> AdminUser:
        """Build from a model row."""
        return cls(
            id=row.id,
            email=row.email,
            name=row.name,
            is_admin=row.is_admin,
            is_active=row.is_active,
            created_at=row.created_at,
            last_login_at=row.last_login_at,
        )


class AdminUserPage(CamelizedBaseStruct):
    """A page of users."""

    items: list[AdminUser]
    total: int
    page: int
    page_size: int


class AdminUserUpdate(InputStruct):
    """Grant or revoke administration, activate or deactivate an account (only the fields sent)."""

    is_admin: bool | msgspec.UnsetType = msgspec.UNSET
    is_active: bool | msgspec.UnsetType = msgspec.UNSET


class UserRef(CamelizedBaseStruct):
    """A short reference to a user."""

    id: UUID
    email: str
    name: str


class AdminProject(CamelizedBaseStruct):
    """A project as administrators see it."""

    id: UUID
    name: str
    slug: str
    description: str
    archived_at: datetime | None
    created_at: datetime
    created_by: UserRef | None
    member_count: int
    server_count: int
    team_count: int


class AdminProjectPage(CamelizedBaseStruct):
    """A page of projects."""

    items: list[AdminProject]
    total: int
    page: int
    page_size: int

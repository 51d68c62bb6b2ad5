"""Admin API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from backend.db import models as m
from backend.domain.accounts.schemas import Email, Name, Password
from backend.domain.keys.schemas import ApiKey
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


class AdminUserCreate(InputStruct):
    """An account an administrator opens for someone (tell them the password through another channel)."""

    email: Email
    password: Password
    name: Name = ""
    is_admin: Annotated[bool, msgspec.Meta(description="true: the new user is an administrator")] = False


class AdminUserUpdate(InputStruct):
    """Grant or revoke administration, activate or deactivate an account (only the fields sent)."""

    is_admin: bool | msgspec.UnsetType = msgspec.UNSET
    is_active: bool | msgspec.UnsetType = msgspec.UNSET


class AdminPasswordReset(InputStruct):
    """A new password an administrator sets for someone (tell them through another channel)."""

    new_password: Password


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


class SandboxDefaults(CamelizedBaseStruct):
    """The limits every server gets unless an administrator sets its own."""

    memory_mb: int
    max_processes: int
    max_open_files: int
    readonly_paths: list[str]


class SandboxStatus(CamelizedBaseStruct):
    """Whether stdio servers run sandboxed here, and if not, why."""

    enabled: Annotated[bool, msgspec.Meta(description="false: MCP_ORCH_SANDBOX=off, servers run unsandboxed")]
    available: Annotated[bool, msgspec.Meta(description="The sandbox can start on this host (bubblewrap, namespaces)")]
    problem: Annotated[str | None, msgspec.Meta(description="Why the sandbox cannot start here, and how to fix it")]
    warning: Annotated[str | None, msgspec.Meta(description="What administrators should be told, if anything")]
    defaults: SandboxDefaults


class ProjectRef(CamelizedBaseStruct):
    """A short reference to a project."""

    id: UUID
    slug: str
    name: str


class AdminApiKey(ApiKey):
    """A project API key as administrators see it: the key as its project lists it, and the project."""

    project: ProjectRef | None = None


class AdminApiKeyPage(CamelizedBaseStruct):
    """A page of API keys, newest first."""

    items: list[AdminApiKey]
    total: int
    page: int
    page_size: int

"""Team API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from backend.db.models import Role
from backend.lib.schema import CamelizedBaseStruct, InputStruct

TeamName = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=r"\S")]  # not blank
# Same shape as project slugs: lower-case letters and digits in groups joined by single hyphens.
TeamSlug = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Description = Annotated[str, msgspec.Meta(max_length=2000)]
InviteEmail = Annotated[str, msgspec.Meta(min_length=3, max_length=320)]


class Team(CamelizedBaseStruct):
    """A team as the API shows it, with counts and the caller's own role."""

    id: UUID
    name: str
    slug: str
    description: str
    created_by_id: UUID | None
    created_at: datetime
    updated_at: datetime
    member_count: int
    project_count: int
    my_role: Role | None


class TeamPage(CamelizedBaseStruct):
    """A page of teams."""

    items: list[Team]
    total: int
    page: int
    page_size: int


class TeamCreate(InputStruct):
    """Create a team; the slug is generated from the name unless given."""

    name: TeamName
    slug: TeamSlug | None = None
    description: Description = ""


class TeamUpdate(InputStruct):
    """Change a team's name, slug or description (only the fields sent)."""

    name: TeamName | msgspec.UnsetType = msgspec.UNSET
    slug: TeamSlug | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET


class TeamMember(CamelizedBaseStruct):
    """A member of a team. ``isActive`` is false for a deactivated account (it cannot sign in)."""

    user_id: UUID
    email: str
    name: str
    role: Role
    invited_by_id: UUID | None
    invited_by: str | None
    joined_at: datetime
    is_current_user: bool
    is_active: bool


class TeamMemberPage(CamelizedBaseStruct):
    """A page of team members: owners first, then developers, then reporters, each by name."""

    items: list[TeamMember]
    total: int
    page: int
    page_size: int


class TeamMemberInvite(InputStruct):
    """Add an existing user to the team by email."""

    email: InviteEmail
    role: Role = Role.REPORTER


class TeamMemberUpdate(InputStruct):
    """Change a member's role."""

    role: Role


class TeamProject(CamelizedBaseStruct):
    """A project the team is attached to, with the role the team grants its members there."""

    id: UUID
    name: str
    slug: str
    description: str
    archived_at: datetime | None
    role: Role
    attached_at: datetime

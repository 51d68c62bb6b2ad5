"""Project, member and team-attachment API schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from backend.db.models import DirectInvite, InvitedAs, Role
from backend.lib.schema import CamelizedBaseStruct, InputStruct

ProjectName = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=r"\S")]  # not blank
# What slugify produces: lower-case letters, digits and single inner hyphens (URL- and MCP-path safe).
ProjectSlug = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Description = Annotated[str, msgspec.Meta(max_length=2000)]
InviteEmail = Annotated[str, msgspec.Meta(min_length=3, max_length=320)]

MemberSource = Literal["direct", "external", "team"]


class UserRef(CamelizedBaseStruct):
    """A user named in another record (creator, inviter)."""

    id: UUID
    name: str
    email: str


class Project(CamelizedBaseStruct):
    """A project as the API shows it, with counts and the caller's relation to it.

    ``myRole`` is the caller's own membership role (``null`` for an administrator who is not a
    member; administrators may still act as owners).
    """

    id: UUID
    name: str
    slug: str
    description: str
    archived_at: datetime | None
    created_by: UserRef | None
    unified_enabled: bool
    member_count: int
    server_count: int
    is_favorite: bool
    my_role: Role | None
    created_at: datetime
    updated_at: datetime


class ProjectPage(CamelizedBaseStruct):
    """A page of projects: favourites first, then by name."""

    items: list[Project]
    total: int
    page: int
    page_size: int


class ProjectCreate(InputStruct):
    """Create a project; the slug is generated from the name unless given."""

    name: ProjectName
    slug: ProjectSlug | None = None
    description: Description = ""
    unified_enabled: bool = True


class ProjectUpdate(InputStruct):
    """Change project settings; omitted fields stay as they are."""

    name: ProjectName | msgspec.UnsetType = msgspec.UNSET
    slug: ProjectSlug | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    unified_enabled: bool | msgspec.UnsetType = msgspec.UNSET


class MemberGrant(CamelizedBaseStruct):
    """One way a member holds access: directly, or through an attached team."""

    source: MemberSource
    role: Role
    team_id: UUID | None = None
    team_name: str | None = None


class Member(CamelizedBaseStruct):
    """A project member: direct and team-derived access merged into one row per user.

    ``role`` is the effective (strongest) role; ``source`` says where it comes from (a direct grant
    wins over a team grant of the same strength); ``grants`` lists every grant. ``isActive`` is
    false for a deactivated account (it keeps its grants but cannot sign in or count as owner).
    """

    user_id: UUID
    name: str
    email: str
    role: Role
    source: MemberSource
    invited_as: InvitedAs | None
    team_id: UUID | None
    team_name: str | None
    invited_by: UserRef | None
    joined_at: datetime
    is_current_user: bool
    is_active: bool
    grants: list[MemberGrant]


class MemberPage(CamelizedBaseStruct):
    """A page of project members: strongest role first, then by email."""

    items: list[Member]
    total: int
    page: int
    page_size: int


class MemberInvite(InputStruct):
    """Add an existing user (by email) to the project."""

    email: InviteEmail
    role: Role = Role.REPORTER
    invited_as: DirectInvite = DirectInvite.INDIVIDUAL


class MemberUpdate(InputStruct):
    """Change a direct member's role or how they are labelled."""

    role: Role | msgspec.UnsetType = msgspec.UNSET
    invited_as: DirectInvite | msgspec.UnsetType = msgspec.UNSET


class ProjectTeam(CamelizedBaseStruct):
    """A team attached to the project: all its current members get ``role``."""

    team_id: UUID
    name: str
    slug: str
    role: Role
    member_count: int
    added_by: UserRef | None
    added_at: datetime


class TeamAttach(InputStruct):
    """Attach a whole team to the project with one role."""

    team_id: UUID
    role: Role = Role.REPORTER


class TeamRoleUpdate(InputStruct):
    """Change the role an attached team grants."""

    role: Role


class Favorite(CamelizedBaseStruct):
    """Whether the project is one of the caller's favourites."""

    project_id: UUID
    is_favorite: bool

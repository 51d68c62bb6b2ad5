"""The UI's view of the REST API's accounts, projects, teams, keys, activity and admin payloads.

Dataclasses with snake_case fields (see ``ui.api.convert``); every field has a default so an
empty instance can stand in Reflex state before the first load. Times stay ISO-8601 strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ui.api.types_oauth import ClientSignIn


@dataclass
class User:
    """The signed-in user (``GET /api/auth/me``)."""

    id: str = ""
    email: str = ""
    name: str = ""
    is_admin: bool = False
    is_active: bool = True
    created_at: str = ""


@dataclass
class AccessToken:
    """Answer of ``POST /api/auth/login`` and ``POST /api/auth/password`` (a new sign-in)."""

    access_token: str = ""
    expires_at: str = ""
    user: User = field(default_factory=User)
    password_change_required: bool = False


@dataclass
class UserRef:
    """A user named in another payload."""

    id: str = ""
    name: str = ""
    email: str = ""


@dataclass
class Project:
    """A project as its members see it."""

    id: str = ""
    name: str = ""
    slug: str = ""
    description: str = ""
    archived_at: str | None = None
    created_by: UserRef | None = None
    unified_enabled: bool = True
    member_count: int = 0
    server_count: int = 0
    is_favorite: bool = False
    my_role: str | None = None
    created_at: str = ""
    updated_at: str = ""


@dataclass
class ProjectPage:
    """One page of projects."""

    items: list[Project] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class MemberGrant:
    """One way a member holds a role (direct, external or through a team)."""

    source: str = ""
    role: str = ""
    team_id: str | None = None
    team_name: str | None = None


@dataclass
class Member:
    """A project member with their effective role."""

    user_id: str = ""
    name: str = ""
    email: str = ""
    role: str = ""
    source: str = ""
    invited_as: str | None = None
    team_id: str | None = None
    team_name: str | None = None
    invited_by: UserRef | None = None
    joined_at: str = ""
    is_current_user: bool = False
    is_active: bool = True
    grants: list[MemberGrant] = field(default_factory=list)


@dataclass
class MemberPage:
    """One page of project members."""

    items: list[Member] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class ProjectTeam:
    """A team attached to a project."""

    team_id: str = ""
    name: str = ""
    slug: str = ""
    role: str = ""
    member_count: int = 0
    added_at: str = ""


@dataclass
class ActivityItem:
    """One audit-log entry."""

    id: str = ""
    type: str = ""
    actor_id: str | None = None
    actor_name: str = ""
    project_id: str | None = None
    team_id: str | None = None
    target_type: str = ""
    target_id: str = ""
    target_name: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""


@dataclass
class ActivityPage:
    """One page of activity."""

    items: list[ActivityItem] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class ApiKey:
    """A project API key (the secret itself only in ``key``, right after creation)."""

    id: str = ""
    name: str = ""
    description: str = ""
    prefix: str = ""
    server_ids: list[str] = field(default_factory=list)
    created_by: UserRef | None = None
    created_at: str = ""
    expires_at: str | None = None
    revoked_at: str | None = None
    last_used_at: str | None = None
    last_used_ip: str | None = None
    rate_limit_per_minute: int | None = None
    status: str = "active"
    suspended_reason: str | None = None
    key: str = ""


@dataclass
class ClientConfig:
    """A ready-to-paste MCP client configuration."""

    client: str = ""
    transport: str = ""
    scope: str = ""
    file: str = ""
    format: str = ""
    text: str = ""
    commands: list[str] = field(default_factory=list)
    placeholder: str = ""
    notes: list[str] = field(default_factory=list)
    # The OAuth variant (None from the API when the client cannot sign in with the browser).
    sign_in: ClientSignIn | None = None
    key_only: bool = False


@dataclass
class Team:
    """A team."""

    id: str = ""
    name: str = ""
    slug: str = ""
    description: str = ""
    created_at: str = ""
    member_count: int = 0
    project_count: int = 0
    my_role: str | None = None


@dataclass
class TeamPage:
    """One page of teams."""

    items: list[Team] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class TeamMember:
    """A member of a team."""

    user_id: str = ""
    email: str = ""
    name: str = ""
    role: str = ""
    invited_by: str | None = None
    joined_at: str = ""
    is_current_user: bool = False
    is_active: bool = True


@dataclass
class TeamMemberPage:
    """One page of team members."""

    items: list[TeamMember] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class TeamProject:
    """A project a team is attached to."""

    id: str = ""
    name: str = ""
    slug: str = ""
    description: str = ""
    archived_at: str | None = None
    role: str = ""
    attached_at: str = ""


@dataclass
class AdminUser:
    """A user as administrators see them."""

    id: str = ""
    email: str = ""
    name: str = ""
    is_admin: bool = False
    is_active: bool = True
    created_at: str = ""
    last_login_at: str | None = None


@dataclass
class AdminUserPage:
    """One page of users."""

    items: list[AdminUser] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20


@dataclass
class AdminProject:
    """A project as administrators see it."""

    id: str = ""
    name: str = ""
    slug: str = ""
    description: str = ""
    archived_at: str | None = None
    created_at: str = ""
    created_by: UserRef | None = None
    member_count: int = 0
    server_count: int = 0
    team_count: int = 0


@dataclass
class AdminProjectPage:
    """One page of projects (admin)."""

    items: list[AdminProject] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 20

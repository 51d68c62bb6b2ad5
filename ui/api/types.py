"""The UI's names for the REST API's accounts, projects, teams, keys, activity and admin payloads.

Generated from the API's OpenAPI document into ``ui.api.generated`` (``scripts/gen-ui-types``): never
edit them by hand. Dataclasses with snake_case fields (``ui.api.convert`` maps the API's camelCase) and a
default on every field, so an empty instance can stand in Reflex state before the first load.

The other ``types_*`` modules do the same for their part of the API.
"""

from __future__ import annotations

from ui.api.generated import (
    AccessToken,
    ActivityItem,
    ActivityPage,
    AdminProject,
    AdminProjectPage,
    AdminUser,
    AdminUserPage,
    ClientConfig,
    Member,
    MemberGrant,
    MemberPage,
    Project,
    ProjectPage,
    ProjectTeam,
    Team,
    TeamMember,
    TeamMemberPage,
    TeamPage,
    TeamProject,
    User,
)
from ui.api.generated import (
    ApiKeyCreated as ApiKey,  # a listed key and a new one (whose key is shown once) are one type
)
from ui.api.generated import ProjectsSchemasUserRef as UserRef  # the same three fields as ``AdminSchemasUserRef``

__all__ = [
    "AccessToken",
    "ActivityItem",
    "ActivityPage",
    "AdminProject",
    "AdminProjectPage",
    "AdminUser",
    "AdminUserPage",
    "ApiKey",
    "ClientConfig",
    "Member",
    "MemberGrant",
    "MemberPage",
    "Project",
    "ProjectPage",
    "ProjectTeam",
    "Team",
    "TeamMember",
    "TeamMemberPage",
    "TeamPage",
    "TeamProject",
    "User",
    "UserRef",
]

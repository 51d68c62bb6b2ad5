"""Projects, members, attached teams, activity, API keys, client sessions and client configurations."""

from __future__ import annotations

from typing import Any

from ui.api._base import BaseClient, clean
from ui.api.types import ActivityPage, ApiKey, ClientConfig, Member, MemberPage, Project, ProjectPage, ProjectTeam
from ui.api.types_endpoints import ClientSessionPage


class ProjectsApi(BaseClient):
    """``/api/projects/...`` except servers and tools."""

    async def list_projects(self, search: str = "", page: int = 1, page_size: int = 100) -> ProjectPage:
        """The user's projects, favorites first."""
        params = clean({"search": search, "page": page, "pageSize": page_size})
        return await self.call(ProjectPage, "GET", "/api/projects", params=params)

    async def create_project(self, name: str, description: str = "", slug: str = "") -> Project:
        """Create a project (the creator becomes its owner)."""
        body = clean({"name": name, "description": description, "slug": slug})
        return await self.call(Project, "POST", "/api/projects", json=body)

    async def get_project(self, project: str) -> Project:
        """One project by slug or id, with the caller's role."""
        return await self.call(Project, "GET", f"/api/projects/{project}")

    async def update_project(self, project: str, **fields: Any) -> Project:
        """Change name, slug, description or ``unifiedEnabled``."""
        return await self.call(Project, "PATCH", f"/api/projects/{project}", json=fields)

    async def delete_project(self, project: str) -> None:
        """Delete a project and everything in it."""
        await self.raw("DELETE", f"/api/projects/{project}")

    async def archive_project(self, project: str) -> Project:
        """Archive (read-only, endpoints off)."""
        return await self.call(Project, "POST", f"/api/projects/{project}/archive")

    async def restore_project(self, project: str) -> Project:
        """Undo an archive."""
        return await self.call(Project, "POST", f"/api/projects/{project}/restore")

    async def set_favorite(self, project: str, favorite: bool) -> bool:
        """Star or unstar a project; its new state."""
        body = await self.raw("PUT" if favorite else "DELETE", f"/api/projects/{project}/favorite")
        return bool(body["isFavorite"])

    async def members(self, project: str, search: str = "", page: int = 1, page_size: int = 100) -> MemberPage:
        """Members with their effective role and where it comes from."""
        params = clean({"search": search, "page": page, "pageSize": page_size})
        return await self.call(MemberPage, "GET", f"/api/projects/{project}/members", params=params)

    async def invite_member(self, project: str, email: str, role: str, invited_as: str) -> Member:
        """Add a registered user by email."""
        body = {"email": email, "role": role, "invitedAs": invited_as}
        return await self.call(Member, "POST", f"/api/projects/{project}/members", json=body)

    async def update_member(self, project: str, user_id: str, **fields: str) -> Member:
        """Change a member's ``role`` or ``invitedAs``."""
        return await self.call(Member, "PATCH", f"/api/projects/{project}/members/{user_id}", json=fields)

    async def remove_member(self, project: str, user_id: str) -> None:
        """Remove a direct member."""
        await self.raw("DELETE", f"/api/projects/{project}/members/{user_id}")

    async def project_teams(self, project: str) -> list[ProjectTeam]:
        """Teams attached to the project."""
        return await self.call_list(ProjectTeam, "GET", f"/api/projects/{project}/teams")

    async def attach_team(self, project: str, team_id: str, role: str) -> ProjectTeam:
        """Give a whole team a role in the project."""
        body = {"teamId": team_id, "role": role}
        return await self.call(ProjectTeam, "POST", f"/api/projects/{project}/teams", json=body)

    async def update_project_team(self, project: str, team_id: str, role: str) -> ProjectTeam:
        """Change an attached team's role."""
        return await self.call(ProjectTeam, "PATCH", f"/api/projects/{project}/teams/{team_id}", json={"role": role})

    async def detach_team(self, project: str, team_id: str) -> None:
        """Detach a team."""
        await self.raw("DELETE", f"/api/projects/{project}/teams/{team_id}")

    async def activity(
        self, project: str, *, type_: str = "", actor: str = "", since: str = "", page: int = 1, page_size: int = 20
    ) -> ActivityPage:
        """The project's audit feed, newest first."""
        params = clean({"type": type_, "actor": actor, "since": since, "page": page, "pageSize": page_size})
        return await self.call(ActivityPage, "GET", f"/api/projects/{project}/activity", params=params)

    async def api_keys(self, project: str) -> list[ApiKey]:
        """API keys (owners see all, developers their own)."""
        return await self.call_list(ApiKey, "GET", f"/api/projects/{project}/api-keys")

    async def create_api_key(
        self,
        project: str,
        name: str,
        expires_at: str | None = None,
        server_ids: list[str] | None = None,
        rate_limit_per_minute: int | None = None,
    ) -> ApiKey:
        """Create a key; the answer carries the secret, shown once."""
        body: dict[str, Any] = {"name": name, "expiresAt": expires_at, "serverIds": server_ids or None}
        body["rateLimitPerMinute"] = rate_limit_per_minute
        return await self.call(ApiKey, "POST", f"/api/projects/{project}/api-keys", json=body)

    async def revoke_api_key(self, project: str, key_id: str) -> None:
        """Revoke a key."""
        await self.raw("DELETE", f"/api/projects/{project}/api-keys/{key_id}")

    async def reassign_api_key(self, project: str, key_id: str, user_id: str) -> ApiKey:
        """Give a key a new creator (owners), e.g. to revive a suspended key."""
        path = f"/api/projects/{project}/api-keys/{key_id}/reassign"
        return await self.call(ApiKey, "POST", path, json={"userId": user_id})

    async def client_config(
        self, project: str, client: str, transport: str, scope: str, key_only: bool = False
    ) -> ClientConfig:
        """A ready-to-paste configuration for an MCP client (``key_only``: key-only URLs, never advertising OAuth)."""
        params = {"client": client, "transport": transport, "scope": scope, "keyOnly": str(key_only).lower()}
        return await self.call(ClientConfig, "GET", f"/api/projects/{project}/client-config", params=params)

    async def client_sessions(
        self, project: str, *, state: str = "live", page: int = 1, page_size: int = 20
    ) -> ClientSessionPage:
        """MCP client sessions on the project's endpoints (``state``: live, ended or all), most recent first."""
        params = {"state": state, "page": page, "pageSize": page_size}
        return await self.call(ClientSessionPage, "GET", f"/api/projects/{project}/sessions", params=params)

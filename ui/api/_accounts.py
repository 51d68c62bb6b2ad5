"""Accounts, teams and administration calls."""

from __future__ import annotations

from typing import Any

from ui.api._base import BaseClient, browser_headers, clean
from ui.api.generated import SandboxStatus
from ui.api.types import (
    AccessToken,
    ActivityPage,
    AdminProjectPage,
    AdminUser,
    AdminUserPage,
    Team,
    TeamMember,
    TeamMemberPage,
    TeamPage,
    TeamProject,
    User,
)
from ui.api.types_jobs import JobEnqueued, JobRunPage, WorkerOverview, WorkerSettings


class AccountsApi(BaseClient):
    """``/api/auth``, ``/api/teams`` and ``/api/admin``."""

    async def login(self, email: str, password: str, *, browser_address: str = "", user_agent: str = "") -> AccessToken:
        """Exchange credentials for an access token.

        ``browser_address`` (the address the UI sees the browser at) is forwarded with the UI token, so
        the API's login throttle counts the person's address, not the UI server's; it and the browser's
        ``user_agent`` are what the user's list of sign-ins shows.
        """
        body = {"email": email, "password": password}
        headers = browser_headers(browser_address, user_agent)
        return await self.call(AccessToken, "POST", "/api/auth/login", json=body, headers=headers)

    async def signup(self, email: str, password: str, name: str) -> User:
        """Create an account (the first one becomes an administrator)."""
        body = {"email": email, "password": password, "name": name}
        return await self.call(User, "POST", "/api/auth/signup", json=body)

    async def me(self) -> User:
        """The signed-in user."""
        return await self.call(User, "GET", "/api/auth/me")

    async def update_me(self, name: str) -> User:
        """Change the display name."""
        return await self.call(User, "PATCH", "/api/auth/me", json={"name": name})

    async def change_password(
        self, current: str, new: str, *, browser_address: str = "", user_agent: str = ""
    ) -> AccessToken:
        """Change the password; every sign-in ends, this one too, so the answer is a new access token to keep.

        ``browser_address`` and ``user_agent`` describe the new sign-in, as for :meth:`login`.
        """
        body = {"currentPassword": current, "newPassword": new}
        headers = browser_headers(browser_address, user_agent)
        return await self.call(AccessToken, "POST", "/api/auth/password", json=body, headers=headers)

    async def list_teams(self, search: str = "", page: int = 1, page_size: int = 50) -> TeamPage:
        """Teams the user belongs to (all teams for administrators)."""
        params = clean({"search": search, "page": page, "pageSize": page_size})
        return await self.call(TeamPage, "GET", "/api/teams", params=params)

    async def create_team(self, name: str, description: str = "") -> Team:
        """Create a team (the creator becomes its owner)."""
        return await self.call(Team, "POST", "/api/teams", json={"name": name, "description": description})

    async def get_team(self, team: str) -> Team:
        """One team by slug or id."""
        return await self.call(Team, "GET", f"/api/teams/{team}")

    async def update_team(self, team: str, **fields: Any) -> Team:
        """Rename or describe a team."""
        return await self.call(Team, "PATCH", f"/api/teams/{team}", json=fields)

    async def delete_team(self, team: str) -> None:
        """Delete a team."""
        await self.raw("DELETE", f"/api/teams/{team}")

    async def team_members(self, team: str, page: int = 1, page_size: int = 100) -> TeamMemberPage:
        """Members of a team."""
        params = {"page": page, "pageSize": page_size}
        return await self.call(TeamMemberPage, "GET", f"/api/teams/{team}/members", params=params)

    async def invite_team_member(self, team: str, email: str, role: str) -> TeamMember:
        """Add a user to a team by email."""
        body = {"email": email, "role": role}
        return await self.call(TeamMember, "POST", f"/api/teams/{team}/members", json=body)

    async def update_team_member(self, team: str, user_id: str, role: str) -> TeamMember:
        """Change a team member's role."""
        return await self.call(TeamMember, "PATCH", f"/api/teams/{team}/members/{user_id}", json={"role": role})

    async def remove_team_member(self, team: str, user_id: str) -> None:
        """Remove someone from a team."""
        await self.raw("DELETE", f"/api/teams/{team}/members/{user_id}")

    async def team_projects(self, team: str) -> list[TeamProject]:
        """Projects the team is attached to."""
        return await self.call_list(TeamProject, "GET", f"/api/teams/{team}/projects")

    async def team_activity(self, team: str, page: int = 1, page_size: int = 20) -> ActivityPage:
        """A team's activity."""
        params = {"page": page, "pageSize": page_size}
        return await self.call(ActivityPage, "GET", f"/api/teams/{team}/activity", params=params)

    async def admin_users(self, search: str = "", page: int = 1, page_size: int = 50) -> AdminUserPage:
        """All users (administrators only)."""
        params = clean({"search": search, "page": page, "pageSize": page_size})
        return await self.call(AdminUserPage, "GET", "/api/admin/users", params=params)

    async def admin_update_user(self, user_id: str, **fields: bool) -> AdminUser:
        """Activate/deactivate a user or change the admin flag (``isActive``, ``isAdmin``)."""
        return await self.call(AdminUser, "PATCH", f"/api/admin/users/{user_id}", json=fields)

    async def admin_delete_user(self, user_id: str) -> None:
        """Delete an account for good (their credentials end, the keys they created are suspended)."""
        await self.raw("DELETE", f"/api/admin/users/{user_id}")

    async def admin_reset_password(self, user_id: str, new_password: str) -> AdminUser:
        """Set another user's password; every sign-in, OAuth grant and token of theirs ends."""
        body = {"newPassword": new_password}
        return await self.call(AdminUser, "POST", f"/api/admin/users/{user_id}/password", json=body)

    async def admin_projects(self, search: str = "", page: int = 1, page_size: int = 50) -> AdminProjectPage:
        """All projects, archived included."""
        params = clean({"search": search, "page": page, "pageSize": page_size})
        return await self.call(AdminProjectPage, "GET", "/api/admin/projects", params=params)

    async def admin_sandbox_warning(self) -> str:
        """What administrators must be told about the sandbox (off, or unavailable here); empty when all is well."""
        status = await self.raw("GET", "/api/admin/sandbox")
        return str((status or {}).get("warning") or "")

    async def admin_sandbox(self) -> SandboxStatus:
        """The sandbox: on or off, whether it can start here, the default limits (``GET /api/admin/sandbox``)."""
        return await self.call(SandboxStatus, "GET", "/api/admin/sandbox")

    async def admin_stats(self) -> dict[str, int]:
        """Counts of users, teams and projects."""
        return dict(await self.raw("GET", "/api/admin/stats"))

    async def worker(self) -> WorkerOverview:
        """Worker status, settings, jobs and queue."""
        return await self.call(WorkerOverview, "GET", "/api/admin/worker")

    async def update_worker(self, **fields: Any) -> WorkerSettings:
        """Change worker settings (camelCase field names) or pause/resume (``paused``)."""
        return await self.call(WorkerSettings, "PATCH", "/api/admin/worker", json=fields)

    async def run_job(self, job: str) -> JobEnqueued:
        """Run a periodic job now."""
        return await self.call(JobEnqueued, "POST", f"/api/admin/worker/jobs/{job}/run")

    async def worker_history(self, job: str = "", status: str = "", page: int = 1, page_size: int = 20) -> JobRunPage:
        """Past job runs, newest first."""
        params = clean({"job": job, "status": status, "page": page, "pageSize": page_size})
        return await self.call(JobRunPage, "GET", "/api/admin/worker/history", params=params)

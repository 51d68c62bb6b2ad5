"""Administration calls added for the admin screens: accounts, the command allowlist, system, keys, teams, audit."""

from __future__ import annotations

from ui.api._base import BaseClient, clean
from ui.api.types import ActivityPage, AdminUser
from ui.api.types_admin import AdminApiKeyPage, AllowedCommands, SystemStatus


class AdminApi(BaseClient):
    """``POST /api/admin/users`` and ``/api/admin/allowed-commands`` (administrators only)."""

    async def admin_create_user(
        self, email: str, password: str, name: str = "", *, is_admin: bool = False
    ) -> AdminUser:
        """Open an account for someone (the password rule of sign-up applies)."""
        body = {"email": email, "password": password, "name": name, "isAdmin": is_admin}
        return await self.call(AdminUser, "POST", "/api/admin/users", json=body)

    async def allowed_commands(self) -> AllowedCommands:
        """The command allowlist: built in, added by administrators, and in force."""
        return await self.call(AllowedCommands, "GET", "/api/admin/allowed-commands")

    async def set_allowed_commands(self, added: list[str]) -> AllowedCommands:
        """Replace the administrators' additions to the allowlist."""
        return await self.call(AllowedCommands, "PUT", "/api/admin/allowed-commands", json={"added": added})

    async def admin_system(self) -> SystemStatus:
        """Version, database, queue, upstream counts and the caps in force."""
        return await self.call(SystemStatus, "GET", "/api/admin/system")

    async def admin_api_keys(self, project: str = "", page: int = 1, page_size: int = 50) -> AdminApiKeyPage:
        """API keys of every project (or of one, by slug), newest first."""
        params = clean({"project": project, "page": page, "pageSize": page_size})
        return await self.call(AdminApiKeyPage, "GET", "/api/admin/api-keys", params=params)

    async def admin_revoke_key(self, key_id: str) -> None:
        """Revoke a key of any project (its open MCP sessions end)."""
        await self.raw("DELETE", f"/api/admin/api-keys/{key_id}")

    async def admin_audit(self, kind: str = "", page: int = 1, page_size: int = 50) -> ActivityPage:
        """Administrators' actions, newest first; ``kind`` a type prefix (``user``, ``key``...)."""
        params = clean({"type": kind, "page": page, "pageSize": page_size})
        return await self.call(ActivityPage, "GET", "/api/admin/audit", params=params)

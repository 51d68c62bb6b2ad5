"""Administration endpoints under ``/api/admin`` (administrators only, 403 for everyone else)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_admin
from backend.domain.activity.schemas import ActivityItem, ActivityPage
from backend.domain.admin import schemas as s
from backend.domain.admin.deps import provide_admin_service
from backend.domain.admin.sandbox import sandbox_report
from backend.domain.admin.services import AdminService
from backend.lib.params import Page, PageSize

Search = Annotated[str | None, QueryParameter(max_length=320)]


class AdminController(Controller):
    """Users, projects and counters across the whole instance."""

    path = "/api/admin"
    tags = ["Admin"]
    # Also on the controller, so a route added here later without guards still is admin-only.
    guards = [requires_admin]
    dependencies = {"admin_service": Provide(provide_admin_service)}

    @get("/users", operation_id="adminListUsers", summary="List users", guards=[requires_admin])
    async def list_users(
        self,
        admin_service: NamedDependency[AdminService],
        search: Search = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.AdminUserPage:
        """Every user, by email; ``search`` matches part of the email or name."""
        rows, total = await admin_service.list_users(search=search, page=page, page_size=page_size)
        return s.AdminUserPage(items=[s.AdminUser.of(r) for r in rows], total=total, page=page, page_size=page_size)

    @post(
        "/users",
        operation_id="adminCreateUser",
        summary="Create a user",
        status_code=HTTP_201_CREATED,
        guards=[requires_admin],
    )
    async def create_user(
        self,
        data: JSONBody[s.AdminUserCreate],
        admin_service: NamedDependency[AdminService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.AdminUser:
        """Open an account for someone, also when self sign-up is disabled.

        The password rule of sign-up applies (422 naming ``password``); an email already in use is a
        409. ``isAdmin`` makes the new user an administrator at once. Tell them their password through
        another channel; they can change it on their profile page.
        """
        return s.AdminUser.of(await admin_service.create_user(data, current_user))

    @patch("/users/{user_id:uuid}", operation_id="adminUpdateUser", summary="Update a user", guards=[requires_admin])
    async def update_user(
        self,
        user_id: Annotated[UUID, PathParameter()],
        data: JSONBody[s.AdminUserUpdate],
        admin_service: NamedDependency[AdminService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.AdminUser:
        """Grant or revoke administration, activate or deactivate an account.

        A deactivated user is refused on their very next request. Administrators cannot demote or
        deactivate themselves, and the last active administrator stays (409).
        """
        return s.AdminUser.of(await admin_service.update_user(user_id, data, current_user))

    @delete("/users/{user_id:uuid}", operation_id="adminDeleteUser", summary="Delete a user", guards=[requires_admin])
    async def delete_user(
        self,
        user_id: Annotated[UUID, PathParameter()],
        admin_service: NamedDependency[AdminService],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Delete an account for good (204).

        Their sign-in sessions, OAuth grants and personal access tokens end at once in every API process
        (open MCP sessions they authenticated close), and the API keys they created are suspended (an
        owner can reassign them). Their memberships go; projects, servers, teams and keys they created
        stay, and the activity log keeps their past actions without a name. Refused with 409 for
        oneself, for the last active administrator and for the only owner of a project. Deactivation
        (``PATCH``) is the reversible alternative.
        """
        await admin_service.delete_user(user_id, current_user)

    @post(
        "/users/{user_id:uuid}/password",
        operation_id="adminResetPassword",
        summary="Reset a user's password",
        status_code=HTTP_200_OK,
        guards=[requires_admin],
    )
    async def reset_password(
        self,
        user_id: Annotated[UUID, PathParameter()],
        data: JSONBody[s.AdminPasswordReset],
        admin_service: NamedDependency[AdminService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.AdminUser:
        """Set a new password for another user (the password rule applies).

        Every sign-in session, OAuth grant and personal access token of that user ends at once, in
        every API process; their API keys are not touched.
        """
        return s.AdminUser.of(await admin_service.reset_password(user_id, data.new_password, current_user))

    @get("/projects", operation_id="adminListProjects", summary="List all projects", guards=[requires_admin])
    async def list_projects(
        self,
        admin_service: NamedDependency[AdminService],
        search: Search = None,
        archived: Annotated[bool | None, QueryParameter(description="true: only archived; false: only active")] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.AdminProjectPage:
        """Every project with member counts, archive state and creator; ``search`` matches name or slug."""
        items, total = await admin_service.list_projects(
            search=search, archived=archived, page=page, page_size=page_size
        )
        return s.AdminProjectPage(items=items, total=total, page=page, page_size=page_size)

    @get("/stats", operation_id="adminStats", summary="Instance counters", guards=[requires_admin])
    async def stats(self, admin_service: NamedDependency[AdminService]) -> dict[str, int]:
        """Counters across the instance: users, activeUsers, admins, teams, projects, archivedProjects."""
        return await admin_service.stats()

    @get("/audit", operation_id="adminAudit", summary="Administrators' actions", guards=[requires_admin])
    async def audit(
        self,
        admin_service: NamedDependency[AdminService],
        type_: Annotated[str | None, QueryParameter(name="type", max_length=64)] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> ActivityPage:
        """What administrators did, newest first: accounts created, administration granted or revoked, accounts
        deactivated or reactivated, passwords reset, allowed commands changed, worker settings and runs, and API
        keys revoked from the administration screens. ``type`` is a full type (``user.created``) or a prefix
        (``user``).
        """
        rows, total = await admin_service.audit(type_=type_, page=page, page_size=page_size)
        return ActivityPage(items=[ActivityItem.of(r) for r in rows], total=total, page=page, page_size=page_size)

    @get("/sandbox", operation_id="adminSandboxStatus", summary="Sandbox status", guards=[requires_admin])
    async def sandbox_status(self, request: Request[Any, Any, Any]) -> s.SandboxStatus:
        """Whether stdio servers run sandboxed here, and if not, why.

        ``enabled`` follows ``MCP_ORCH_SANDBOX``; ``available`` says whether bubblewrap and user
        namespaces work on this host (``problem`` says what to fix); ``defaults`` are the limits of
        servers without their own; ``warning`` is set when servers run unsandboxed or cannot start.
        """
        return await sandbox_report(request.app.state.ctx.settings.gateway.sandbox)

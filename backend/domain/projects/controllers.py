"""Project endpoints under ``/api/projects``: projects, favourites, members and attached teams.

``{project}`` is the project's UUID or its slug on every route.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_user
from backend.domain.projects import schemas as s
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.deps import (
    provide_project_members_service,
    provide_project_teams_service,
    provide_projects_service,
)
from backend.domain.projects.guards import project_owner, project_owner_any, project_reader
from backend.domain.projects.services import ProjectMemberService, ProjectService, ProjectTeamService
from backend.lib.context import AppContext
from backend.lib.params import Page, PageSize

PROJECT = "/{project:str}"
Search = Annotated[str | None, QueryParameter(max_length=120)]


class ProjectController(Controller):
    """Projects the caller belongs to; settings, archive, delete and favourites."""

    path = "/api/projects"
    tags = ["Projects"]
    dependencies = {"projects_service": Provide(provide_projects_service)}

    @get("", operation_id="listProjects", summary="List projects", guards=[requires_user])
    async def list_projects(
        self,
        projects_service: NamedDependency[ProjectService],
        current_user: NamedDependency[CurrentUser],
        search: Search = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.ProjectPage:
        """Projects the caller is a member of (directly or through a team; administrators see all).

        Favourites come first, then by name. ``search`` matches name or slug.
        """
        return await projects_service.list_projects(current_user, search=search, page=page, page_size=page_size)

    @post(
        "",
        operation_id="createProject",
        summary="Create a project",
        status_code=HTTP_201_CREATED,
        guards=[requires_user],
    )
    async def create_project(
        self,
        data: JSONBody[s.ProjectCreate],
        projects_service: NamedDependency[ProjectService],
        current_user: NamedDependency[CurrentUser],
        request: Request[Any, Any, Any],
    ) -> s.Project:
        """Create a project; the caller becomes its owner. The slug is generated from the name unless given.

        Names are unique ignoring case and surrounding blanks; a taken name or slug → 409. A user who is
        not an administrator may create at most ``MCP_ORCH_MAX_PROJECTS_PER_USER`` projects (archived ones
        count): past that → 403 "Project quota reached (N)".
        """
        ctx: AppContext = request.app.state.ctx
        quota = ctx.settings.app.max_projects_per_user
        project = await projects_service.create_project(data, current_user, quota=quota)
        return await projects_service.view(project.id, current_user.id)

    @get(PROJECT, operation_id="getProject", summary="Get a project", guards=[project_reader])
    async def get_project(
        self,
        projects_service: NamedDependency[ProjectService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Project:
        """One project with counts, the caller's role and favourite flag (reporter or above)."""
        return await projects_service.view(project_ctx.project_id, current_user.id)

    @patch(PROJECT, operation_id="updateProject", summary="Update project settings", guards=[project_owner])
    async def update_project(
        self,
        data: JSONBody[s.ProjectUpdate],
        projects_service: NamedDependency[ProjectService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Project:
        """Change name, slug, description or the unified endpoint switch (owner; 409 on a taken name or slug)."""
        await projects_service.update_project(project_ctx, data, current_user)
        return await projects_service.view(project_ctx.project_id, current_user.id)

    @delete(PROJECT, operation_id="deleteProject", summary="Delete a project", guards=[project_owner_any])
    async def delete_project(
        self,
        projects_service: NamedDependency[ProjectService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Delete the project and everything in it (owner; also allowed while archived)."""
        await projects_service.delete_project(project_ctx, current_user)

    @post(
        f"{PROJECT}/archive",
        operation_id="archiveProject",
        summary="Archive a project",
        status_code=HTTP_200_OK,
        guards=[project_owner],
    )
    async def archive_project(
        self,
        projects_service: NamedDependency[ProjectService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Project:
        """Make the project read-only (owner). Only restore and delete work on an archived project."""
        await projects_service.set_archived(project_ctx, current_user, archived=True)
        return await projects_service.view(project_ctx.project_id, current_user.id)

    @post(
        f"{PROJECT}/restore",
        operation_id="restoreProject",
        summary="Restore an archived project",
        status_code=HTTP_200_OK,
        guards=[project_owner_any],
    )
    async def restore_project(
        self,
        projects_service: NamedDependency[ProjectService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Project:
        """Make an archived project writable again (owner; a no-op on an active project)."""
        await projects_service.set_archived(project_ctx, current_user, archived=False)
        return await projects_service.view(project_ctx.project_id, current_user.id)

    @put(f"{PROJECT}/favorite", operation_id="addFavorite", summary="Mark as favourite", guards=[project_reader])
    async def add_favorite(
        self,
        projects_service: NamedDependency[ProjectService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Favorite:
        """Add the project to the caller's favourites (any member; idempotent)."""
        return await projects_service.set_favorite(project_ctx.project_id, current_user.id, favorite=True)

    @delete(
        f"{PROJECT}/favorite",
        operation_id="removeFavorite",
        summary="Unmark as favourite",
        status_code=HTTP_200_OK,
        guards=[project_reader],
    )
    async def remove_favorite(
        self,
        projects_service: NamedDependency[ProjectService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Favorite:
        """Remove the project from the caller's favourites (any member; idempotent)."""
        return await projects_service.set_favorite(project_ctx.project_id, current_user.id, favorite=False)


class ProjectMemberController(Controller):
    """Direct members (invite by email) and team-derived members of a project."""

    path = "/api/projects/{project:str}/members"
    tags = ["Project members"]
    dependencies = {"project_members_service": Provide(provide_project_members_service)}

    @get("", operation_id="listProjectMembers", summary="List members", guards=[project_reader])
    async def list_members(
        self,
        project_members_service: NamedDependency[ProjectMemberService],
        project_ctx: NamedDependency[ProjectContext],
        search: Search = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.MemberPage:
        """Direct members and current members of attached teams, one row per user with the effective role.

        Strongest role first, then by email. ``search`` matches part of a name or email.
        """
        return await project_members_service.list_members(project_ctx, search=search, page=page, page_size=page_size)

    @post(
        "",
        operation_id="inviteProjectMember",
        summary="Invite a member",
        status_code=HTTP_201_CREATED,
        guards=[project_owner],
    )
    async def invite_member(
        self,
        data: JSONBody[s.MemberInvite],
        project_members_service: NamedDependency[ProjectMemberService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Member:
        """Add an existing user by email with a role (owner).

        Unknown email → 404; already a member or a deactivated account → 409.
        """
        return await project_members_service.invite(project_ctx, data, current_user)

    @patch("/{user_id:str}", operation_id="updateProjectMember", summary="Change a member", guards=[project_owner])
    async def update_member(
        self,
        user_id: Annotated[UUID, PathParameter()],
        data: JSONBody[s.MemberUpdate],
        project_members_service: NamedDependency[ProjectMemberService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Member:
        """Change a direct member's role or ``invitedAs`` (owner). The last owner cannot be demoted (409)."""
        return await project_members_service.update_member(project_ctx, user_id, data, current_user)

    @delete("/{user_id:str}", operation_id="removeProjectMember", summary="Remove a member", guards=[project_owner])
    async def remove_member(
        self,
        user_id: Annotated[UUID, PathParameter()],
        project_members_service: NamedDependency[ProjectMemberService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Remove a direct member (owner). The last owner cannot be removed (409)."""
        await project_members_service.remove_member(project_ctx, user_id, current_user)


class ProjectTeamController(Controller):
    """Teams attached to a project; their members' access follows team membership live."""

    path = "/api/projects/{project:str}/teams"
    tags = ["Project members"]
    dependencies = {"project_teams_service": Provide(provide_project_teams_service)}

    @get("", operation_id="listProjectTeams", summary="List attached teams", guards=[project_reader])
    async def list_teams(
        self,
        project_teams_service: NamedDependency[ProjectTeamService],
        project_ctx: NamedDependency[ProjectContext],
    ) -> list[s.ProjectTeam]:
        """Teams attached to the project, with the role each grants and its current member count."""
        return await project_teams_service.list_teams(project_ctx)

    @post(
        "",
        operation_id="attachProjectTeam",
        summary="Attach a team",
        status_code=HTTP_201_CREATED,
        guards=[project_owner],
    )
    async def attach_team(
        self,
        data: JSONBody[s.TeamAttach],
        project_teams_service: NamedDependency[ProjectTeamService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.ProjectTeam:
        """Give every current and future member of a team a role in the project (owner; a team you belong to)."""
        return await project_teams_service.attach(project_ctx, data, current_user)

    @patch("/{team_id:str}", operation_id="updateProjectTeam", summary="Change a team's role", guards=[project_owner])
    async def update_team(
        self,
        team_id: Annotated[UUID, PathParameter()],
        data: JSONBody[s.TeamRoleUpdate],
        project_teams_service: NamedDependency[ProjectTeamService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.ProjectTeam:
        """Change the role an attached team grants (owner). Demoting the last owners → 409."""
        return await project_teams_service.change_role(project_ctx, team_id, data.role, current_user)

    @delete("/{team_id:str}", operation_id="detachProjectTeam", summary="Detach a team", guards=[project_owner])
    async def detach_team(
        self,
        team_id: Annotated[UUID, PathParameter()],
        project_teams_service: NamedDependency[ProjectTeamService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Detach a team (owner): its members lose the access it granted; removing the last owners → 409."""
        await project_teams_service.detach(project_ctx, team_id, current_user)

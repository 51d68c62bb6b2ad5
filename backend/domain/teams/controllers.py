"""Team endpoints under ``/api/teams``: teams, their members, projects and activity.

``{team}`` accepts the team's UUID or its slug. Reads are open to every member (reporters and
developers alike); changes need the owner role; administrators may do everything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_user
from backend.domain.activity.controllers import as_utc
from backend.domain.activity.deps import provide_activity_service
from backend.domain.activity.schemas import ActivityItem, ActivityPage
from backend.domain.activity.services import ActivityService
from backend.domain.teams import schemas as s
from backend.domain.teams.deps import provide_team_members_service, provide_teams_service
from backend.domain.teams.guards import TeamContext, provide_team_ctx, team_owner, team_reader
from backend.domain.teams.services import TeamMemberService, TeamService
from backend.lib.params import Page, PageSize

Search = Annotated[str | None, QueryParameter(max_length=120)]
MemberId = Annotated[UUID, PathParameter(description="The member's user id")]


class TeamController(Controller):
    """Teams, their attached projects and their activity."""

    path = "/api/teams"
    tags = ["Teams"]
    dependencies = {
        "teams_service": Provide(provide_teams_service),
        "activity_service": Provide(provide_activity_service),
        "team_ctx": Provide(provide_team_ctx),
    }

    @get("", operation_id="listTeams", summary="List teams", guards=[requires_user])
    async def list_teams(
        self,
        teams_service: NamedDependency[TeamService],
        current_user: NamedDependency[CurrentUser],
        search: Search = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.TeamPage:
        """Teams the caller belongs to (administrators see every team), searchable by name or slug."""
        items, total = await teams_service.list_for(current_user, search=search, page=page, page_size=page_size)
        return s.TeamPage(items=items, total=total, page=page, page_size=page_size)

    @post("", operation_id="createTeam", summary="Create a team", status_code=HTTP_201_CREATED, guards=[requires_user])
    async def create_team(
        self,
        data: JSONBody[s.TeamCreate],
        teams_service: NamedDependency[TeamService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Team:
        """Create a team; the creator is owner. Names are unique ignoring case and blanks (409 when taken);
        the slug comes from the name unless given (409 when taken)."""
        team = await teams_service.create_team(data, current_user)
        return await teams_service.view(team.id, current_user.id)

    @get("/{team:str}", operation_id="getTeam", summary="Get a team", guards=[team_reader])
    async def get_team(
        self,
        teams_service: NamedDependency[TeamService],
        team_ctx: NamedDependency[TeamContext],
    ) -> s.Team:
        """One team (by UUID or slug) with its counts and the caller's role."""
        return await teams_service.view(team_ctx.team_id, team_ctx.user_id)

    @patch("/{team:str}", operation_id="updateTeam", summary="Update a team", guards=[team_owner])
    async def update_team(
        self,
        data: JSONBody[s.TeamUpdate],
        teams_service: NamedDependency[TeamService],
        team_ctx: NamedDependency[TeamContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.Team:
        """Change name, slug (409 when either is taken) or description. Owners only."""
        await teams_service.update_team(team_ctx, data, current_user)
        return await teams_service.view(team_ctx.team_id, team_ctx.user_id)

    @delete(
        "/{team:str}",
        operation_id="deleteTeam",
        summary="Delete a team",
        status_code=HTTP_204_NO_CONTENT,
        guards=[team_owner],
    )
    async def delete_team(
        self,
        teams_service: NamedDependency[TeamService],
        team_ctx: NamedDependency[TeamContext],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Delete a team. Its members lose the access the team gave them in projects at once. Owners only.

        Refused (409 naming the projects) when a project the team owns would be left without an active owner.
        """
        await teams_service.delete_team(team_ctx, current_user)

    @get("/{team:str}/projects", operation_id="listTeamProjects", summary="Team projects", guards=[team_reader])
    async def list_team_projects(
        self,
        teams_service: NamedDependency[TeamService],
        team_ctx: NamedDependency[TeamContext],
    ) -> list[s.TeamProject]:
        """The projects this team is attached to, with the role the team grants there."""
        return await teams_service.projects(team_ctx)

    @get("/{team:str}/activity", operation_id="listTeamActivity", summary="Team activity", guards=[team_reader])
    async def list_team_activity(
        self,
        *,
        activity_service: NamedDependency[ActivityService],
        team_ctx: NamedDependency[TeamContext],
        type_: Annotated[str | None, QueryParameter(name="type", max_length=64)] = None,
        actor: Annotated[str | None, QueryParameter(max_length=320)] = None,
        since: Annotated[datetime | None, QueryParameter()] = None,
        until: Annotated[datetime | None, QueryParameter()] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> ActivityPage:
        """The team's audit trail, newest first. ``type`` is a full type or a prefix (``team_member``);
        ``actor`` a user id or part of an email."""
        rows, total = await activity_service.search(
            team_id=team_ctx.team_id,
            type_=type_,
            actor=actor,
            since=as_utc(since),
            until=as_utc(until),
            page=page,
            page_size=page_size,
        )
        return ActivityPage(items=[ActivityItem.of(r) for r in rows], total=total, page=page, page_size=page_size)


class TeamMemberController(Controller):
    """Members of a team and their roles."""

    path = "/api/teams/{team:str}/members"
    tags = ["Teams"]
    dependencies = {
        "team_members_service": Provide(provide_team_members_service),
        "team_ctx": Provide(provide_team_ctx),
    }

    @get("", operation_id="listTeamMembers", summary="List team members", guards=[team_reader])
    async def list_team_members(
        self,
        team_members_service: NamedDependency[TeamMemberService],
        team_ctx: NamedDependency[TeamContext],
        search: Search = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.TeamMemberPage:
        """Members with name, email and role, one page; owners first. ``search`` matches part of a name or email."""
        return await team_members_service.list_members(team_ctx, search=search, page=page, page_size=page_size)

    @post(
        "",
        operation_id="inviteTeamMember",
        summary="Add a team member",
        status_code=HTTP_201_CREATED,
        guards=[team_owner],
    )
    async def invite_team_member(
        self,
        data: JSONBody[s.TeamMemberInvite],
        team_members_service: NamedDependency[TeamMemberService],
        team_ctx: NamedDependency[TeamContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.TeamMember:
        """Add an existing user by email with a role.

        Unknown email → 404; already a member or a deactivated account → 409.
        """
        user_id = await team_members_service.invite(team_ctx, data, current_user)
        return await team_members_service.member_view(team_ctx, user_id)

    @patch("/{user_id:uuid}", operation_id="updateTeamMember", summary="Change a member's role", guards=[team_owner])
    async def update_team_member(
        self,
        user_id: MemberId,
        data: JSONBody[s.TeamMemberUpdate],
        team_members_service: NamedDependency[TeamMemberService],
        team_ctx: NamedDependency[TeamContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.TeamMember:
        """Change a member's role. The last owner cannot be demoted (409)."""
        await team_members_service.change_role(team_ctx, user_id, data.role, current_user)
        return await team_members_service.member_view(team_ctx, user_id)

    @delete(
        "/{user_id:uuid}",
        operation_id="removeTeamMember",
        summary="Remove a team member",
        status_code=HTTP_204_NO_CONTENT,
        guards=[team_reader],
    )
    async def remove_team_member(
        self,
        user_id: MemberId,
        team_members_service: NamedDependency[TeamMemberService],
        team_ctx: NamedDependency[TeamContext],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Remove a member (owners), or leave the team (any member removing themselves).

        The last owner cannot be removed (409), nor a member whose removal would leave a project
        the team owns without an active owner (409 naming the projects).
        """
        await team_members_service.remove(team_ctx, user_id, current_user)

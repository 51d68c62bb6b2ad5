"""Teams: the list with a create dialog, and a team's page (members, projects, activity)."""

from __future__ import annotations

import asyncio

import reflex as rx

from ui.api import ApiError
from ui.api.types import ActivityItem, Team, TeamMember, TeamProject
from ui.components.words import ROLE_LABELS
from ui.state.form_errors import field_errors
from ui.state.shell import ShellState


class TeamsState(ShellState):
    """State of ``/teams``."""

    teams: list[Team] = []
    teams_loading: bool = True
    team_create_open: bool = False

    @rx.event
    def set_team_create_open(self, value: bool):
        """Open or close the create dialog."""
        self.team_create_open = value

    @rx.event(background=True)
    async def load(self):
        """The user's teams (all teams for administrators)."""
        async with self:
            self.teams_loading = not self.teams
            api = self._api()
        try:
            page = await api.list_teams(page_size=100)
        except ApiError as exc:
            async with self:
                self.teams_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.teams, self.teams_loading = page.items, False

    @rx.event(background=True)
    async def create(self, form: dict[str, str]):
        """Create a team and open it."""
        async with self:
            api = self._api()
        try:
            team = await api.create_team(form.get("name", "").strip(), form.get("description", "").strip())
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.team_create_open = False
        yield rx.toast.success(f"Team {team.name} created")
        yield rx.redirect(f"/teams/{team.slug}")


class TeamState(ShellState):
    """State of ``/teams/[team_slug]``."""

    team: Team = Team()
    team_members: list[TeamMember] = []
    team_projects: list[TeamProject] = []
    team_activity: list[ActivityItem] = []
    team_loading: bool = True
    team_missing: bool = False
    team_edit_open: bool = False
    team_errors: dict[str, str] = {}  # beside the rename dialog's fields
    team_invite_errors: dict[str, str] = {}  # beside the add-member form's

    @rx.var
    def team_owner(self) -> bool:
        """Owners (and administrators) manage the team."""
        return self.team.my_role == "owner" or self.user.is_admin

    def _team(self) -> str:
        return str(self.team_slug)  # type: ignore[attr-defined]  # dynamic route argument

    @rx.event(background=True)
    async def load(self):
        """The team, its members, projects and activity."""
        async with self:
            ref = self._team()
            if self.team.slug != ref:
                self.team, self.team_loading = Team(), True
            self.team_missing = False
            api = self._api()
        try:
            team, members, projects, activity = await asyncio.gather(
                api.get_team(ref), api.team_members(ref), api.team_projects(ref), api.team_activity(ref)
            )
        except ApiError as exc:
            async with self:
                self.team_loading, self.team_missing = False, exc.status_code == 404
            if exc.status_code != 404:
                yield await self._on_error(exc)
            return
        async with self:
            self.team, self.team_members, self.team_projects = team, members.items, projects
            self.team_activity, self.team_loading = activity.items, False

    async def _member_call(self, coro_factory, message: str):  # type: ignore[no-untyped-def]
        try:
            await coro_factory()
        except ApiError as exc:
            return await self._on_error(exc)
        return rx.toast.success(message)

    @rx.event(background=True)
    async def invite(self, form: dict[str, str]):
        """Add a user to the team by email."""
        async with self:
            api, ref = self._api(), self._team()
            self.team_invite_errors = {}
        email, role = form.get("email", "").strip(), form.get("role", "developer")
        try:
            await api.invite_team_member(ref, email, role)
        except ApiError as exc:  # beside the email when it is about them; the form keeps what was typed
            errors = field_errors(exc, ("email", "role"), taken="email")
            if exc.status_code == 404 and not errors:
                errors = {"email": exc.detail}
            async with self:
                self.team_invite_errors = errors
            if not errors:
                yield await self._on_error(exc)
            return
        yield rx.toast.success(f"{email} added as {ROLE_LABELS.get(role, role)}")
        yield rx.set_value("team-invite-email", "")
        yield TeamState.load

    @rx.event(background=True)
    async def change_role(self, user_id: str, role: str):
        """Change a member's role."""
        async with self:
            api, ref = self._api(), self._team()
        yield await self._member_call(
            lambda: api.update_team_member(ref, user_id, role), f"Role changed to {ROLE_LABELS.get(role, role)}"
        )
        yield TeamState.load

    @rx.event(background=True)
    async def remove(self, user_id: str, label: str):
        """Remove someone from the team (or leave it)."""
        async with self:
            api, ref = self._api(), self._team()
        yield await self._member_call(lambda: api.remove_team_member(ref, user_id), f"{label} removed")
        yield TeamState.load

    @rx.event
    def set_team_edit_open(self, value: bool):
        """Open or close the rename dialog."""
        self.team_edit_open, self.team_errors = value, {}

    @rx.event(background=True)
    async def update_team(self, form: dict[str, str]):
        """Rename the team or change its description (its address stays the same)."""
        async with self:
            api, ref = self._api(), self._team()
        name, description = form.get("name", "").strip(), form.get("description", "").strip()
        try:
            team = await api.update_team(ref, name=name, description=description)
        except ApiError as exc:
            errors = field_errors(exc, ("name", "description"))
            async with self:
                self.team_errors = errors
            if not errors:
                yield await self._on_error(exc)
            return
        async with self:
            self.team, self.team_edit_open, self.team_errors = team, False, {}
        yield rx.toast.success(f"Team renamed to {team.name}" if name else "Team saved")

    @rx.event(background=True)
    async def delete_team(self):
        """Delete the team."""
        async with self:
            api, ref, name = self._api(), self._team(), self.team.name
        try:
            await api.delete_team(ref)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"Team {name} deleted")
        yield rx.redirect("/teams")

"""The Members tab: members, roles, attached teams (inviting: ``ui.state.invitations``)."""

from __future__ import annotations

import asyncio

import reflex as rx

from ui.api import ApiError
from ui.api.types import Member, ProjectTeam, Team
from ui.components.words import ROLE_LABELS
from ui.state.project import ProjectState


class MembersState(ProjectState):
    """State of the Members tab."""

    members: list[Member] = []
    teams: list[ProjectTeam] = []
    my_teams: list[Team] = []
    members_loading: bool = True
    team_open: bool = False

    @rx.var
    def attachable_teams(self) -> list[Team]:
        """The user's teams that are not attached yet."""
        attached = {t.team_id for t in self.teams}
        return [t for t in self.my_teams if t.id not in attached]

    @rx.event
    def set_team_open(self, value: bool):
        """Open or close the add-team dialog."""
        self.team_open = value

    @rx.event(background=True)
    async def load(self):
        """Members, attached teams, and the user's teams (to attach)."""
        async with self:
            self.members_loading = not self.members
            api, slug = self._api(), self._slug()
        try:
            members, teams, mine = await asyncio.gather(api.members(slug), api.project_teams(slug), api.list_teams())
        except ApiError as exc:
            async with self:
                self.members_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.members, self.teams, self.my_teams = members.items, teams, mine.items
            self.members_loading = False

    @rx.event(background=True)
    async def change_role(self, user_id: str, role: str):
        """Change a direct member's role."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            member = await api.update_member(slug, user_id, role=role)
        except ApiError as exc:
            yield await self._on_error(exc)
            yield MembersState.load
            return
        yield rx.toast.success(f"{member.name or member.email} is now {ROLE_LABELS.get(member.role, member.role)}")
        yield MembersState.load

    @rx.event(background=True)
    async def remove(self, user_id: str, label: str):
        """Remove a direct member."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            await api.remove_member(slug, user_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"{label} removed from the project")
        yield MembersState.load

    @rx.event(background=True)
    async def attach_team(self, form: dict[str, str]):
        """Give a team a role in the project."""
        team_id = form.get("team_id", "")
        if not team_id:
            yield rx.toast.error("Pick a team")
            return
        async with self:
            api, slug = self._api(), self._slug()
        try:
            team = await api.attach_team(slug, team_id, form.get("role", "developer"))
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.team_open = False
        yield rx.toast.success(f"Team {team.name} added as {ROLE_LABELS.get(team.role, team.role)}")
        yield MembersState.load

    @rx.event(background=True)
    async def change_team_role(self, team_id: str, role: str):
        """Change an attached team's role."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            await api.update_project_team(slug, team_id, role)
        except ApiError as exc:
            yield await self._on_error(exc)
        yield MembersState.load

    @rx.event(background=True)
    async def detach_team(self, team_id: str, name: str):
        """Detach a team."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            await api.detach_team(slug, team_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"Team {name} detached")
        yield MembersState.load

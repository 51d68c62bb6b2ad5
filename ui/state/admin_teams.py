"""The teams screen: every team of the instance with its member and project counts, searched and paged."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.types import Team
from ui.state.admin import AdminState

TEAMS_PAGE_SIZE = 25


class AdminTeamsState(AdminState):
    """``GET /api/teams`` (an administrator sees every team)."""

    admin_teams: list[Team] = []
    teams_total: int = 0
    teams_page: int = 1
    teams_search: str = ""

    @rx.var
    def teams_pages(self) -> int:
        """How many pages of teams the search finds (at least one)."""
        return max(1, -(-self.teams_total // TEAMS_PAGE_SIZE))

    @rx.event
    def open_teams(self):
        """The screen opens: every team, first page."""
        self.teams_page, self.teams_search = 1, ""
        return AdminTeamsState.load_teams

    @rx.event
    def set_teams_search(self, value: str):
        """Edit the search (applied on Enter)."""
        self.teams_search = value

    @rx.event
    def teams_search_key(self, key: str):
        """Enter searches from the first page."""
        if key == "Enter":
            self.teams_page = 1
            return AdminTeamsState.load_teams
        return None

    @rx.event
    def go_teams_page(self, page: int):
        """Another page of teams."""
        self.teams_page = max(1, min(page, self.teams_pages))
        return AdminTeamsState.load_teams

    @rx.event(background=True)
    async def load_teams(self):
        """Read a page of teams."""
        async with self:
            api, page, search = self._api(), self.teams_page, self.teams_search.strip()
        try:
            teams = await api.list_teams(search, page=page, page_size=TEAMS_PAGE_SIZE)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.admin_teams, self.teams_total = teams.items, teams.total
